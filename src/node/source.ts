/**
 * Where a dataset's per-neuron files come from: a local folder in the published layout or an
 * http(s) base URL (the release itself, or a mirror). Ingest reads a source to build the indexes;
 * the server reads the same source to serve per-neuron files. A file the source does not have
 * (ENOENT, HTTP 404) is `null`, never an error: the release itself lacks some files.
 *
 * A folder's files are read only when they are regular files inside it (./contained-files.ts), and
 * no file of either kind past MAX_NEURON_FILE_BYTES. A URL's files (and its misses) are kept on disk
 * for `cacheTtlMs`, then asked for again with the validators the server gave (ETag,
 * Last-Modified): a file changed upstream, or one that has appeared since, is fetched anew.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import { MAX_NEURON_FILE_BYTES, tooLargeProblem } from '../core/format/limits.ts';
import { parseNeuronFilePath } from '../core/format/path.ts';
import { NEURON_FILE_KINDS, neuronFilePath, type NeuronFileKind } from '../core/format/types.ts';
import { findModelPreset, type ModelPreset } from '../core/dataset/models.ts';
import { ContainedFileError, ContainedFolder } from './contained-files.ts';
import { retryAfterMs, sleep } from './retry.ts';

/**
 * Why a file that exists was not read: `unsafe` (a link out of the source, not a regular file),
 * `too_large` (past MAX_NEURON_FILE_BYTES), `failed` (permissions, HTTP 500 after retries...).
 */
export type SourceProblem = 'unsafe' | 'too_large' | 'failed';

/** A per-neuron file that exists but was not read; the message names it (never an absolute path). */
export class SourceReadError extends Error {
  readonly path: string;
  readonly status: number | null;
  readonly problem: SourceProblem;
  constructor(
    path: string,
    message: string,
    status: number | null = null,
    problem: SourceProblem = 'failed',
  ) {
    super(`${path}: ${message}`);
    this.name = 'SourceReadError';
    this.path = path;
    this.status = status;
    this.problem = problem;
  }
}

const NEURON_FILE_LIMIT = { bytes: MAX_NEURON_FILE_BYTES, what: 'a per-neuron file' };

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
  /**
   * Remote only: how long a cached file or miss is used before the URL is asked again
   * (conditionally, so an unchanged file costs a 304). Default 10 minutes.
   */
  cacheTtlMs?: number;
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
  private readonly folder: ContainedFolder;
  private kinds: Promise<NeuronFileKind[]> | null = null;

  constructor(root: string, options: SourceOptions) {
    this.location = root;
    this.options = options;
    this.folder = new ContainedFolder(root, 'the source');
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
      const file = await this.folder.read(path, NEURON_FILE_LIMIT);
      return file === null ? null : file.bytes.toString('utf8');
    } catch (error) {
      if (error instanceof ContainedFileError) {
        const problem = error.problem === 'too_large' ? 'too_large' : 'unsafe';
        throw new SourceReadError(path, error.detail, null, problem);
      }
      const code = (error as NodeJS.ErrnoException).code;
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
const DEFAULT_CACHE_TTL_MS = 10 * 60_000;

/** What a cached file or miss was, and how to ask whether it changed. */
interface CacheMeta {
  status: 200 | 404;
  /** When the URL last answered for it (ms since the epoch). */
  checkedAt: number;
  etag?: string;
  lastModified?: string;
}

interface CachedFile {
  text: string | null;
  meta: CacheMeta;
}

type Fetched =
  | { status: 200; text: string; etag?: string; lastModified?: string }
  | { status: 404 }
  | { status: 304 };

/**
 * Fetched files on disk: the text at the file's own path (so the folder reads like a mirror) and
 * what is known of it beside it, in `{path}.meta.json`; a miss has the meta file only.
 */
class RemoteFileCache {
  constructor(private readonly dir: string) {}

  async get(path: string): Promise<CachedFile | undefined> {
    let meta: CacheMeta;
    try {
      meta = readMeta(await readFile(join(this.dir, path + META_SUFFIX), 'utf8'));
    } catch {
      // Nothing cached (a file cached by an older version, without meta, is fetched again).
      return undefined;
    }
    if (meta.status === 404) return { text: null, meta };
    try {
      return { text: await readFile(join(this.dir, path), 'utf8'), meta };
    } catch {
      return undefined;
    }
  }

  async put(path: string, text: string | null, meta: CacheMeta): Promise<void> {
    try {
      if (text !== null) await writeAtomic(join(this.dir, path), text);
      else await rm(join(this.dir, path), { force: true });
      await writeAtomic(join(this.dir, path + META_SUFFIX), JSON.stringify(meta));
      // The forever-kept miss marker of earlier versions.
      await rm(join(this.dir, path + LEGACY_MISSING_MARK), { force: true });
    } catch {
      // A cache that cannot be written only costs a refetch.
    }
  }
}

const META_SUFFIX = '.meta.json';
const LEGACY_MISSING_MARK = '.404';

function readMeta(text: string): CacheMeta {
  const value = JSON.parse(text) as Partial<CacheMeta>;
  if ((value.status !== 200 && value.status !== 404) || typeof value.checkedAt !== 'number') {
    throw new Error('not cache metadata');
  }
  return {
    status: value.status,
    checkedAt: value.checkedAt,
    ...(typeof value.etag === 'string' && { etag: value.etag }),
    ...(typeof value.lastModified === 'string' && { lastModified: value.lastModified }),
  };
}

async function writeAtomic(target: string, text: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, target);
}

/** The body as text, read no further than `maxBytes` (a damaged or hostile server may send GBs). */
async function readCapped(response: Response, path: string, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new SourceReadError(
      path,
      tooLargeProblem(declared, maxBytes, 'a per-neuron file'),
      null,
      'too_large',
    );
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new SourceReadError(
        path,
        tooLargeProblem(size, maxBytes, 'a per-neuron file'),
        null,
        'too_large',
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

class RemoteSource implements DatasetSource {
  readonly kind = 'remote';
  readonly location: string;
  readonly preset: ModelPreset | null;
  private readonly options: SourceOptions;
  private readonly limit: LimitFunction;
  private readonly fetch: typeof fetch;
  private readonly cache: RemoteFileCache | null;
  private readonly cacheTtlMs: number;
  /** Reads under way by path, so that a file asked for twice at once is fetched once. */
  private readonly reading = new Map<string, Promise<string | null>>();
  private kinds: Promise<NeuronFileKind[]> | null = null;

  constructor(url: string, options: SourceOptions) {
    this.location = url.endsWith('/') ? url : `${url}/`;
    this.options = options;
    this.preset = findModelPreset({ model: options.model, location: this.location });
    this.limit = pLimit(Math.max(1, options.concurrency ?? 16));
    this.fetch = options.fetch ?? globalThis.fetch;
    this.cache = options.cacheDir === undefined ? null : new RemoteFileCache(options.cacheDir);
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
  }

  async readPath(relativePath: string, signal?: AbortSignal): Promise<string | null> {
    const parsed = parseNeuronFilePath(relativePath);
    if (!parsed) throw new UnsafePathError(relativePath);
    return this.readNeuronFile(parsed.kind, parsed.layer, parsed.neuron, signal);
  }

  readNeuronFile(kind: NeuronFileKind, layer: number, neuron: number, signal?: AbortSignal) {
    checkIds(layer, neuron);
    const path = neuronFilePath(kind, layer, neuron);
    // A read with its own signal is not shared: aborting it must not fail another caller's.
    if (signal) return this.read(path, signal);
    let reading = this.reading.get(path);
    if (!reading) {
      reading = this.read(path, signal).finally(() => this.reading.delete(path));
      this.reading.set(path, reading);
    }
    return reading;
  }

  private async read(path: string, signal?: AbortSignal): Promise<string | null> {
    const cached = await this.cache?.get(path);
    if (cached && Date.now() - cached.meta.checkedAt < this.cacheTtlMs) return cached.text;
    let fetched: Fetched;
    try {
      fetched = await this.limit(() => this.fetchWithRetry(path, cached?.meta, signal));
    } catch (error) {
      // A URL that fails now still has the copy it gave before (stale, but the last known).
      if (cached && error instanceof SourceReadError && error.problem === 'failed') {
        return cached.text;
      }
      throw error;
    }
    const checkedAt = Date.now();
    if (fetched.status === 304 && cached) {
      await this.cache?.put(path, cached.text, { ...cached.meta, checkedAt });
      return cached.text;
    }
    if (fetched.status === 200) {
      await this.cache?.put(path, fetched.text, {
        status: 200,
        checkedAt,
        ...(fetched.etag !== undefined && { etag: fetched.etag }),
        ...(fetched.lastModified !== undefined && { lastModified: fetched.lastModified }),
      });
      return fetched.text;
    }
    await this.cache?.put(path, null, { status: 404, checkedAt });
    return null;
  }

  private async fetchWithRetry(
    path: string,
    known: CacheMeta | undefined,
    signal?: AbortSignal,
  ): Promise<Fetched> {
    const url = this.location + path;
    const retries = this.options.retries ?? 5;
    const baseDelay = this.options.retryDelayMs ?? 500;
    // Validators of the copy on disk: an unchanged file then costs a 304 and no body.
    const headers: Record<string, string> = {};
    if (known?.status === 200 && known.etag !== undefined) headers['if-none-match'] = known.etag;
    if (known?.status === 200 && known.lastModified !== undefined) {
      headers['if-modified-since'] = known.lastModified;
    }
    let lastProblem = '';
    let lastStatus: number | null = null;
    for (let attempt = 0; ; attempt += 1) {
      let waitMs: number | null = null;
      try {
        const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
        const response = await this.fetch(url, {
          headers,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        if (response.ok) {
          const text = await readCapped(response, path, MAX_NEURON_FILE_BYTES);
          const etag = response.headers.get('etag');
          const lastModified = response.headers.get('last-modified');
          return {
            status: 200,
            text,
            ...(etag !== null && { etag }),
            ...(lastModified !== null && { lastModified }),
          };
        }
        await response.body?.cancel();
        if (response.status === 304 && known?.status === 200) return { status: 304 };
        if (response.status === 404) return { status: 404 };
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
