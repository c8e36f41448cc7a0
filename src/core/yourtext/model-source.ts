/**
 * Which model a dataset's neurons belong to, what shape it must have, and where its weights can
 * come from: the app's own server when it lists the model (GET api/models, from MODELS_DIR), else
 * the model's public files (Hugging Face's, or any base URL the user set in their place), else
 * only files the user picks.
 */
import type { ServerModel } from '../api/models.ts';
import { MODEL_PRESETS } from '../dataset/models.ts';
import type { DatasetManifest } from '../dataset/types.ts';
import { huggingFaceBase } from '../model/sources.ts';

export interface ExpectedModel {
  /** The manifest's model name ("gpt2-xl", "demo"). */
  model: string;
  dataset: string;
  layers: number;
  neuronsPerLayer: number;
}

/**
 * The model's shape: the published model's (a dataset may hold only some of its layers), else
 * what the manifest lists (layers up to the last one listed, neurons of its widest layer).
 */
export function expectedModel(manifest: DatasetManifest): ExpectedModel {
  const preset = MODEL_PRESETS[manifest.model];
  if (preset) {
    return {
      model: manifest.model,
      dataset: manifest.id,
      layers: preset.layers,
      neuronsPerLayer: preset.neuronsPerLayer,
    };
  }
  return {
    model: manifest.model,
    dataset: manifest.id,
    layers: Math.max(0, ...manifest.layers.map((l) => l.layer + 1)),
    neuronsPerLayer: Math.max(0, ...manifest.layers.map((l) => l.neurons)),
  };
}

export type WeightsOrigin = 'server' | 'public';

export interface WeightsChoice {
  origin: WeightsOrigin;
  /** Base URL (ending in "/") holding config.json and model.safetensors; relative for the server. */
  base: string;
  /** The files' version (the server's), so a changed file is fetched again; "" for public files. */
  version: string;
  /** Size of model.safetensors when known before asking (the server lists it). */
  bytes: number | null;
}

/** A base URL as the user typed it, ending in "/"; null when it is not an http(s) URL. */
export function normalizeBaseUrl(text: string): string | null {
  const trimmed = text.trim();
  // A host, then a path: no query or fragment (the file names are appended to it).
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i.test(trimmed)) return null;
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/**
 * Where the weights can come from, best first: the server's copy (no third party, usually near),
 * then the public files (the user's own base URL for this model, or Hugging Face's).
 */
export function weightsChoices(
  model: string,
  serverModels: readonly ServerModel[] | null,
  customBase: string | null,
): WeightsChoice[] {
  const choices: WeightsChoice[] = [];
  const served = serverModels?.find((m) => m.id === model);
  if (served) {
    choices.push({
      origin: 'server',
      base: `models/${encodeURIComponent(model)}/`,
      version: served.version,
      bytes: served.bytes,
    });
  }
  const publicBase = customBase ?? huggingFaceBase(model);
  if (publicBase) choices.push({ origin: 'public', base: publicBase, version: '', bytes: null });
  return choices;
}

/** Downloads smaller than this start without asking (the demo model, a cached copy). */
export const ASK_ABOVE_BYTES = 64 * 2 ** 20;

/** "548 MB", "6.4 GB": sizes of downloads, in decimal units as browsers and sites show them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** "2 min 5 s", "40 s", "1 h 3 min": time left, to the precision a person needs. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.round((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}
