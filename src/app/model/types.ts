/**
 * What the page and the model worker (./model.worker.ts) say to each other. The page uses these
 * through ./client.ts; nothing here runs code.
 */
import type { StorageChoice } from '../../core/model/checkpoint.ts';
import type { Gpt2Config, ModelShape } from '../../core/model/config.ts';
import type { NeuronRef } from '../../core/model/runner.ts';
import type { ModelInfo } from '../../core/model/session.ts';

export type { LoadProgress } from '../../core/model/progress.ts';
export type { TextActivations, ModelInfo } from '../../core/model/session.ts';
export type { NeuronRef } from '../../core/model/runner.ts';

/**
 * Where a model's two files are:
 * - `url`: a base URL ending in "/" that holds config.json and model.safetensors: the app's
 *   server (`models/<model>/`, made absolute) or Hugging Face
 *   (`https://huggingface.co/openai-community/<model>/resolve/main/`);
 * - `files`: a model.safetensors the user picked, with its config.json (picked too, or the text
 *   of the dataset model's config from the server or Hugging Face).
 */
export type ModelSource =
  | {
      kind: 'url';
      base: string;
      /**
       * The files' version (ServerModel.version from /api/models), so that a changed file is
       * downloaded again; "" for sources that never change (a Hugging Face revision).
       */
      version?: string;
    }
  | { kind: 'files'; weights: File; config: File | string };

export interface LoadRequest {
  source: ModelSource;
  /** The dataset the model must fit (its layers and MLP neurons per layer), and its name. */
  expected?: ModelShape & { dataset: string };
  /** Keep weights as F32 or F16 in memory; auto: F16 above 400M parameters or for F16 files. */
  storage?: StorageChoice;
  /**
   * auto: WebGPU on a hardware adapter, else WebAssembly on the CPU (threads when the page is
   * cross-origin isolated). A software WebGPU adapter (SwiftShader) is slower than WebAssembly.
   */
  backend?: 'auto' | 'wasm' | 'webgpu';
  /** Keep a download in the browser (OPFS) for the next visit. Default true. */
  keep?: boolean;
}

export interface LoadedModel extends ModelInfo {
  /** Where the weights came from this time. */
  from: 'network' | 'cache' | 'file';
  /** Whether a copy is kept in the browser for the next load. */
  kept: boolean;
  /** The cache folder of a URL source (for removeCached). */
  cacheKey: string | null;
  loadMs: number;
}

/** What a URL's checkpoint is, read from its config and header alone (a few KB). */
export interface ModelProbe {
  config: Gpt2Config;
  /** Size of model.safetensors: what a download costs. */
  bytes: number | null;
  fileDtypes: string[];
  parameters: number;
  /** Memory the weights take once loaded, and in which dtype. */
  storedBytes: number;
  storage: 'F32' | 'F16';
  /** A complete copy of this version is in the browser: loading needs no network. */
  cached: boolean;
}

export interface RunRequest {
  /** The text to read (tokenized as GPT-2 does), or ... */
  text?: string;
  /** ... token ids (a record's tokens). */
  tokenIds?: number[];
  /** Tokens read from a text (default 64). */
  maxTokens?: number;
  /** Each token's K strongest neurons over all layers (default 10; 0 for none). */
  top?: number;
  /** Neurons whose activation at every token is wanted. */
  neurons?: NeuronRef[];
  /** The M neurons firing most anywhere in the text (default 0). */
  topOverText?: number;
  /** Return every neuron's activation (per layer, tokens x neurons; transferred, not copied). */
  keepActivations?: boolean;
}

export interface Backends {
  /** A WebGPU adapter's description, or null; `software` for SwiftShader-like fallbacks. */
  webgpu: { description: string; software: boolean } | null;
  /** WebAssembly threads available (1 unless the page is cross-origin isolated). */
  threads: number;
  crossOriginIsolated: boolean;
  /** Whether the browser can keep models (OPFS). */
  storage: boolean;
}
