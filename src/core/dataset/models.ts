/** The subject models of the published releases: their shape and where their files are. */

export interface ModelPreset {
  model: string;
  title: string;
  layers: number;
  neuronsPerLayer: number;
  /** Base URL of the published per-neuron files (ends with "/"). */
  url: string;
}

export const MODEL_PRESETS: Readonly<Record<string, ModelPreset>> = {
  'gpt2-xl': {
    model: 'gpt2-xl',
    title: 'GPT-2 XL',
    layers: 48,
    neuronsPerLayer: 6400,
    url: 'https://openaipublic.blob.core.windows.net/neuron-explainer/data/',
  },
  'gpt2-small': {
    model: 'gpt2-small',
    title: 'GPT-2 small',
    layers: 12,
    neuronsPerLayer: 3072,
    url: 'https://openaipublic.blob.core.windows.net/neuron-explainer/gpt2_small_data/',
  },
};

/** The preset a source most likely holds: by model name, then by URL, then by folder name. */
export function findModelPreset(hint: { model?: string; location?: string }): ModelPreset | null {
  if (hint.model !== undefined) return MODEL_PRESETS[hint.model] ?? null;
  const location = hint.location?.replace(/\/+$/, '');
  if (location === undefined) return null;
  for (const preset of Object.values(MODEL_PRESETS)) {
    if (preset.url.replace(/\/+$/, '') === location) return preset;
  }
  const name = location.split(/[\\/]/).pop() ?? '';
  return MODEL_PRESETS[name] ?? null;
}
