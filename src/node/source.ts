/**
 * Where a dataset's per-neuron files come from: a local folder in the published layout or an
 * http(s) base URL (the release itself, or a mirror). Ingest reads a source to build the indexes;
 * the server reads the same source to serve per-neuron files. A file the source does not have
 * (ENOENT, HTTP 404) is `null`, never an error: the release itself lacks some files.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import { parseNeuronFilePath } from '../core/format/path.ts';
import { NEURON_FILE_KINDS, neuronFilePath, type NeuronFileKind } from '../core/format/types.ts';
import { findModelPreset, type ModelPreset } from '../core/dataset/models.ts';
import { retryAfterMs, sleep } from './retry.ts';

/** A per-neuron file that exists but could not be read (permissions, HTTP 500 after retries...). */
export class SourceReadError extends Error {
  readonly path: string;
  readonly status: number | null;
  constructor(path: string, message: string, status: number | null = null) {
    super(`${path}: ${message}`);
    this.name = 'SourceReadError';
    this.path = path;
    this.status = status;
  }
}

/** A request for anything but one of the five published per-neuron path shapes. */
export class UnsafePathError extends Error {
  constructor(path: string) {
    super(`not a per-neuron file path: ${JSON.stringify(path)}`);
    this.name = 'UnsafePathError';
  }
}

export interface DatasetSource {
  readonly kind: 'local' | 'remote';
  /** What a manifest stores as `source`: an absolute folder path, or a base URL ending in "/". */
  readonly location: string;
  /** The model preset the source matched (by option, URL or folder name), if any. */
  readonly preset: ModelPreset | null;
  /** A per-neuron file's text, or null when the source does not have it. */
  readNeuronFile(
    kind: NeuronFileKind,
    layer: number,
    neuron: number,
    signal?: AbortSignal,
  ): Promise<string | null>;
  /** The same by relative path ("explanations/3/141.jsonl"); throws UnsafePathError on any other. */
  readPath(relativePath: string, signal?: AbortSignal): Promise<string | null>;
  /** Layers the source holds: listed for a folder, from the model's shape for a URL. */
  listLayers(): Promise<number[]>;
  /**
   * Neurons of a layer that have a file of this kind, ascending: listed for a folder; for a URL,
   * which cannot be listed, null (every neuron of the layer has to be asked for).
   */
  listNeurons(kind: NeuronFileKind, layer: number): Promise<number[] | null>;
  /** How many neurons a layer has (explained or not). */
  neuronsPerLayer(layer: number): Promise<number>;
  /** The kinds of per-neuron file the source holds. */
  fileKinds(): Promise<NeuronFileKind[]>;
}

export interface SourceOptions {
  /** Subject model name; picks the shape of a URL source ("gpt2-xl", "gpt2-small"). */
  model?: string;
  /** Layers of a URL source without a preset. */
  layerCount?: number;
  /** Neurons per layer, overriding the preset (and, for a folder, the listing). */
  neuronsPerLayer?: number;
  /** Remote only: at most this many requests in flight (default 16). */
  concurrency?: number;
  /** Remote only: attempts after the first for 429, 5xx, timeouts and network errors (default 5). */
  retries?: number;
  /** Remote only: first backoff delay in ms, doubled each retry (default 500; max 30 s). */
  retryDelayMs?: number;
  /** Remote only: per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Remote only: keep fetched files (and 404s) under this folder and read them from there. */
  cacheDir?: string;
  /** Remote only: the fetch to use (tests). */
  fetch?: typeof fetch;
}

function checkIds(layer: number, neuron: number): void {
  if (!Number.isSafeInteger(layer) || layer < 0 || !Number.isSafeInteger(neuron) || neuron < 0) {
    throw new UnsafePathError(`${layer}/${neuron}`);
  }
}

function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** A folder path or an http(s) URL. Relative folders resolve against the working directory. */
export function openSource(location: string, options: SourceOptions = {}): DatasetSource {
  if (isUrl(location)) return new RemoteSource(location, options);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new Error(`Unsupported source ${location}: give a folder or an http(s) URL`);
  }
  return new LocalSource(resolve(location), options);
}

/**
 * The source a manifest names, for the server: "." is the dataset folder itself; a relative path
 * (not written by ingest, but allowed by hand) is taken relative to the dataset folder.
 */
export function openManifestSource(
  datasetDir: string,
  manifestSource: string,
  options: SourceOptions = {},
): DatasetSource {
  if (isUrl(manifestSource)) return openSource(manifestSource, options);
  const folder = isAbsolute(manifestSource) ? manifestSource : resolve(datasetDir, manifestSource);
  return openSource(folder, options);
}

const INTEGER_NAME = /^(0|[1-9]\d*)$/;

async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

class LocalSource implements DatasetSource {
  readonly kind = 'local';
  readonly location: string;
  readonly preset: ModelPreset | null;
  private readonly options: SourceOptions;
  private kinds: Promise<NeuronFileKind[]> | null = null;

  constructor(root: string, options: SourceOptions) {
    this.location = root;
    this.options = options;
    this.preset = findModelPreset({ model: options.model, location: root });
  }

  async readPath(relativePath: string): Promise<string | null> {
    const parsed = parseNeuronFilePath(relativePath);
    if (!parsed) throw new UnsafePathError(relativePath);
    return this.readNeuronFile(parsed.kind, parsed.layer, parsed.neuron);
  }

  async readNeuronFile(kind: NeuronFileKind, layer: number, neuron: number) {
    checkIds(layer, neuron);
    const path = neuronFilePath(kind, layer, neuron);
    try {
      return await readFile(join(this.location, path), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw new SourceReadError(path, `cannot be read (${code ?? String(error)})`);
    }
  }

  fileKinds(): Promise<NeuronFileKind[]> {
    this.kinds ??= (async () => {
      const present: NeuronFileKind[] = [];
      for (const kind of NEURON_FILE_KINDS) {
        const entries = await listDir(join(this.location, kind));
        if (entries.some((name) => INTEGER_NAME.test(name))) present.push(kind);
      }
      return present;
    })();
    return this.kinds;
  }

  async listLayers(): Promise<number[]> {
    const layers = new Set<number>();
    for (const kind of await this.fileKinds()) {
      for (const name of await listDir(join(this.location, kind))) {
        if (INTEGER_NAME.test(name)) layers.add(Number(name));
      }
    }
    return [...layers].sort((a, b) => a - b);
  }

  async listNeurons(kind: NeuronFileKind, layer: number): Promise<number[]> {
    const extension = kind === 'explanations' ? '.jsonl' : '.json';
    const neurons: number[] = [];
    for (const name of await listDir(join(this.location, kind, String(layer)))) {
      if (!name.endsWith(extension)) continue;
      const stem = name.slice(0, -extension.length);
      if (INTEGER_NAME.test(stem)) neurons.push(Number(stem));
    }
    return neurons.sort((a, b) => a - b);
  }

  async neuronsPerLayer(layer: number): Promise<number> {
    const fixed = this.options.neuronsPerLayer ?? this.preset?.neuronsPerLayer;
    if (fixed !== undefined) return fixed;
    let max = -1;
    for (const kind of await this.fileKinds()) {
      const neurons = await this.listNeurons(kind, layer);
      max = Math.max(max, neurons[neurons.length - 1] ?? -1);
    }
    return max + 1;
  }
}

const MAX_DELAY_MS = 30_000;
const MISSING_MARK = '.404';

class RemoteSource implements DatasetSource {
  readonly kind = 'remote';
  readonly location: string;
  readonly preset: ModelPreset | null;
  private readonly options: SourceOptions;
  private readonly limit: LimitFunction;
  private readonly fetch: typeof fetch;
  private kinds: Promise<NeuronFileKind[]> | null = null;

  constructor(url: string, options: SourceOptions) {
    this.location = url.endsWith('/') ? url : `${url}/`;
    this.options = options;
    this.preset = findModelPreset({ model: options.model, location: this.location });
    this.limit = pLimit(Math.max(1, options.concurrency ?? 16));
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async readPath(relativePath: string, signal?: AbortSignal): Promise<string | null> {
    const parsed = parseNeuronFilePath(relativePath);
    if (!parsed) throw new UnsafePathError(relativePath);
    return this.readNeuronFile(parsed.kind, parsed.layer, parsed.neuron, signal);
  }

  async readNeuronFile(kind: NeuronFileKind, layer: number, neuron: number, signal?: AbortSignal) {
    checkIds(layer, neuron);
    const path = neuronFilePath(kind, layer, neuron);
    const cacheDir = this.options.cacheDir;
    if (cacheDir !== undefined) {
      const cached = await this.readCache(cacheDir, path);
      if (cached !== undefined) return cached;
    }
    const text = await this.limit(() => this.fetchWithRetry(path, signal));
    if (cacheDir !== undefined) await this.writeCache(cacheDir, path, text);
    return text;
  }

  private async readCache(cacheDir: string, path: string): Promise<string | null | undefined> {
    try {
      return await readFile(join(cacheDir, path), 'utf8');
    } catch {
      try {
        await stat(join(cacheDir, path + MISSING_MARK));
        return null;
      } catch {
        return undefined;
      }
    }
  }

  private async writeCache(cacheDir: string, path: string, text: string | null): Promise<void> {
    const target = join(cacheDir, text === null ? path + MISSING_MARK : path);
    try {
      await mkdir(dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(temporary, text ?? '');
      await rename(temporary, target);
    } catch {
      // A cache that cannot be written only costs a refetch.
    }
  }

  private async fetchWithRetry(path: string, signal?: AbortSignal): Promise<string | null> {
    const url = this.location + path;
    const retries = this.options.retries ?? 5;
    const baseDelay = this.options.retryDelayMs ?? 500;
    let lastProblem = '';
    let lastStatus: number | null = null;
    for (let attempt = 0; ; attempt += 1) {
      let waitMs: number | null = null;
      try {
        const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
        const response = await this.fetch(url, {
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        if (response.ok) return await response.text();
        await response.body?.cancel();
        if (response.status === 404) return null;
        lastStatus = response.status;
        lastProblem = `HTTP ${response.status}`;
        if (response.status !== 429 && response.status !== 408 && response.status < 500) {
          throw new SourceReadError(path, `${lastProblem} from ${url}`, response.status);
        }
        waitMs = retryAfterMs(response.headers.get('retry-after'));
      } catch (error) {
        if (error instanceof SourceReadError) throw error;
        if (signal?.aborted) throw error;
        lastStatus = null;
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      if (attempt >= retries) {
        throw new SourceReadError(
          path,
          `could not be fetched from ${url} after ${attempt + 1} attempts (${lastProblem})`,
          lastStatus,
        );
      }
      const backoff = Math.min(MAX_DELAY_MS, baseDelay * 2 ** attempt) * (0.75 + Math.random() / 2);
      await sleep(Math.min(MAX_DELAY_MS * 4, waitMs ?? backoff), signal);
    }
  }

  private shape(): { layers: number; neurons: number } {
    const layers = this.options.layerCount ?? this.preset?.layers;
    const neurons = this.options.neuronsPerLayer ?? this.preset?.neuronsPerLayer;
    if (layers === undefined || neurons === undefined) {
      throw new Error(
        `${this.location} cannot be listed: name its model (gpt2-xl or gpt2-small) or give its number of layers and neurons per layer`,
      );
    }
    return { layers, neurons };
  }

  async listLayers(): Promise<number[]> {
    return Array.from({ length: this.shape().layers }, (_, i) => i);
  }

  async listNeurons(): Promise<null> {
    return null;
  }

  async neuronsPerLayer(): Promise<number> {
    return this.shape().neurons;
  }

  /** A URL cannot be listed: a kind is held when neuron 0 of layer 0 has that file. */
  fileKinds(): Promise<NeuronFileKind[]> {
    this.kinds ??= (async () => {
      const present: NeuronFileKind[] = [];
      for (const kind of NEURON_FILE_KINDS) {
        if ((await this.readNeuronFile(kind, 0, 0)) !== null) present.push(kind);
      }
      return present;
    })();
    return this.kinds;
  }
}
