/**
 * Where a dataset's model weights can come from: the app's own server (`models/<model>/`, from
 * MODELS_DIR) or the model's public files on Hugging Face, which answer browsers with CORS and
 * HTTP ranges. A manifest names its model by the release's name ("gpt2-xl", "gpt2-small").
 */

export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';

/** Hugging Face repositories of the published GPT-2 sizes, by the names datasets use. */
export const HUGGING_FACE_REPOS: Readonly<Record<string, string>> = {
  gpt2: 'openai-community/gpt2',
  'gpt2-small': 'openai-community/gpt2',
  'gpt2-medium': 'openai-community/gpt2-medium',
  'gpt2-large': 'openai-community/gpt2-large',
  'gpt2-xl': 'openai-community/gpt2-xl',
};

/** The base URL (ending in "/") of a model's public files on Hugging Face, or null. */
export function huggingFaceBase(model: string): string | null {
  const repo = HUGGING_FACE_REPOS[model];
  return repo ? `https://huggingface.co/${repo}/resolve/main/` : null;
}

/** The base URL of a model on the app's own server, relative to the app. */
export function serverModelBase(model: string): string {
  return `models/${encodeURIComponent(model)}/`;
}

/** GPT-2's published widths and their head counts: a lone model.safetensors says no head count. */
const HEADS_BY_WIDTH: Readonly<Record<number, number>> = { 768: 12, 1024: 16, 1280: 20, 1600: 25 };

export function publishedHeads(embd: number): number | null {
  return HEADS_BY_WIDTH[embd] ?? null;
}
