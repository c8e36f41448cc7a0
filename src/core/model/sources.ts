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
