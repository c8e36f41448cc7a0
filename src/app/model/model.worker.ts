/**
 * The model worker: loads a GPT-2 checkpoint (streamed, checked as its header arrives, kept in
 * the browser for the next visit) and runs texts through it on onnxruntime-web, WebGPU where the
 * browser has a hardware adapter and WebAssembly otherwise, off the page's thread so that the
 * page never freezes. The page talks to it through ./client.ts (Comlink).
 */
import * as Comlink from 'comlink';
import type * as Ort from 'onnxruntime-web';
import { planCheckpoint } from '../../core/model/checkpoint.ts';
import { checkConfigMatches, parseGpt2Config, type Gpt2Config } from '../../core/model/config.ts';
import { ModelFileError, modelFileErrorData } from '../../core/model/errors.ts';
import { readCheckpoint, type CheckpointSource } from '../../core/model/load.ts';
import { createOrtExecutor, type OrtExecutor } from '../../core/model/ort-executor.ts';
import type { LoadProgress } from '../../core/model/progress.ts';
import { RunAbortedError, type BlockExecutor, type NeuronRef } from '../../core/model/runner.ts';
import { parseSafetensorsHeader, readHeaderLength } from '../../core/model/safetensors.ts';
import { ModelSession, modelInfo } from '../../core/model/session.ts';
import { WEIGHTS_FILE } from '../../core/model/sources.ts';
import {
  checkNeuronRecords,
  type NeuronCheck,
  type RecordToCheck,
} from '../../core/model/verify.ts';
import {
  downloadWeights,
  fetchConfigText,
  fetchWeightsStart,
  streamChunks,
} from './fetch-weights.ts';
import type {
  Backends,
  LoadedModel,
  LoadRequest,
  ModelProbe,
  ModelSource,
  RunRequest,
} from './types.ts';
import { cacheKey, listCached, openCached, readMeta, removeCached } from './weight-cache.ts';

interface GpuAdapterLike {
  info?: {
    vendor?: string;
    architecture?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  isFallbackAdapter?: boolean;
}

async function webgpuAdapter(): Promise<Backends['webgpu']> {
  const gpu = (
    navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }
  ).gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const description = [info.vendor, info.architecture, info.description]
      .filter(Boolean)
      .join(' ');
    const software =
      adapter.isFallbackAdapter === true ||
      info.isFallbackAdapter === true ||
      /swiftshader|llvmpipe|software/i.test(description);
    return { description: description || 'WebGPU adapter', software };
  } catch {
    return null;
  }
}

function wasmThreads(): number {
  return self.crossOriginIsolated
    ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1))
    : 1;
}

async function backends(): Promise<Backends> {
  const storage = navigator.storage as StorageManager | undefined;
  return {
    webgpu: await webgpuAdapter(),
    threads: wasmThreads(),
    crossOriginIsolated: self.crossOriginIsolated,
    storage: typeof storage?.getDirectory === 'function',
  };
}

/** onnxruntime-web with the chosen execution provider (each build is loaded only when used). */
async function createExecutor(
  config: Gpt2Config,
  weights: 'F32' | 'F16',
  backend: LoadRequest['backend'],
): Promise<{ executor: OrtExecutor; name: string }> {
  const adapter = backend === 'wasm' ? null : await webgpuAdapter();
  const useGpu = backend === 'webgpu' ? adapter !== null : adapter !== null && !adapter.software;
  if (backend === 'webgpu' && !adapter) {
    throw new Error('This browser has no WebGPU adapter: use the WebAssembly backend');
  }
  const ort: typeof Ort = useGpu
    ? await import('onnxruntime-web/webgpu')
    : await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = wasmThreads();
  ort.env.wasm.proxy = false;
  const executor = await createOrtExecutor(ort as never, config, weights, {
    executionProviders: [useGpu ? 'webgpu' : 'wasm'],
    graphOptimizationLevel: 'all',
  });
  return {
    executor,
    name: useGpu
      ? `onnxruntime-web webgpu (${adapter!.description})`
      : `onnxruntime-web wasm, ${wasmThreads()} thread${wasmThreads() > 1 ? 's' : ''}`,
  };
}

/** Lets queued messages (a cancel) in between blocks. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

let session: ModelSession | null = null;
let executor: OrtExecutor | null = null;
let loaded: LoadedModel | null = null;
let loadController: AbortController | null = null;
const runs = new Map<number, AbortController>();

/** Errors cross to the page as plain data (Comlink keeps only an Error's name and message). */
function transferable(error: unknown): unknown {
  if (error instanceof ModelFileError) return modelFileErrorData(error);
  if (error instanceof Error) return { name: error.name, message: error.message };
  return error;
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw transferable(error);
  }
}

function configOf(text: string, file: string, expected: LoadRequest['expected']): Gpt2Config {
  const config = parseGpt2Config(text, file);
  if (expected) checkConfigMatches(config, expected, { file, dataset: expected.dataset });
  return config;
}

async function configText(source: ModelSource, signal: AbortSignal): Promise<string> {
  if (source.kind === 'url') return fetchConfigText(source.base, signal);
  return typeof source.config === 'string' ? source.config : source.config.text();
}

const api = {
  backends,

  /** What the checkpoint at a URL is, from its config and header (a few KB), before a download. */
  probe(source: Extract<ModelSource, { kind: 'url' }>, expected?: LoadRequest['expected']) {
    return guard(async (): Promise<ModelProbe> => {
      const controller = new AbortController();
      const key = cacheKey(source.base);
      const cached = await openCached(key);
      const fresh = cached !== null && cached.meta.version === (source.version ?? '');
      const text = fresh ? cached.config : await fetchConfigText(source.base, controller.signal);
      const config = configOf(text, source.base + 'config.json', expected);
      const file = source.base + WEIGHTS_FILE;
      let start: Uint8Array;
      let size: number | null;
      if (fresh) {
        size = cached.weights.size;
        start = new Uint8Array(await cached.weights.slice(0, 8).arrayBuffer());
        const length = readHeaderLength(start, file, size);
        start = new Uint8Array(await cached.weights.slice(0, 8 + length).arrayBuffer());
      } else {
        ({ bytes: start, size } = await fetchWeightsStart(source.base, 8, controller.signal));
        const length = readHeaderLength(start, file, size ?? undefined);
        ({ bytes: start } = await fetchWeightsStart(source.base, 8 + length, controller.signal));
      }
      const length = readHeaderLength(start, file, size ?? undefined);
      if (start.length < 8 + length) {
        throw new ModelFileError(`truncated: the file ended inside its ${length}-byte header`, {
          file,
          offset: start.length,
        });
      }
      const header = parseSafetensorsHeader(start.subarray(8, 8 + length), {
        file,
        ...(size !== null ? { fileSize: size } : {}),
      });
      const plan = planCheckpoint(header, config, { file });
      return {
        config,
        bytes: size,
        fileDtypes: [...new Set(plan.needed.map((n) => n.entry.dtype))].sort(),
        parameters: plan.parameters,
        storedBytes: plan.storedBytes,
        storage: plan.storage,
        cached: fresh,
      };
    });
  },

  /**
   * Loads a model, replacing the one loaded before; `onProgress` (a Comlink.proxy) hears bytes,
   * rate and time left. Rejects with a ModelFileError's data when a file is wrong.
   */
  load(request: LoadRequest, onProgress?: (progress: LoadProgress) => void | Promise<void>) {
    return guard(async (): Promise<LoadedModel> => {
      loadController?.abort();
      const controller = new AbortController();
      loadController = controller;
      const { signal } = controller;
      const started = performance.now();
      await api.unload();
      const { source } = request;
      let from: LoadedModel['from'] = 'file';
      let kept = false;
      let key: string | null = null;
      let text: string;
      let weightsSource: CheckpointSource;
      if (source.kind === 'url') {
        key = cacheKey(source.base);
        const version = source.version ?? '';
        const cached = await openCached(key);
        if (cached && cached.meta.version === version) {
          text = cached.config;
          from = 'cache';
          kept = true;
          weightsSource = {
            file: source.base + WEIGHTS_FILE,
            size: cached.weights.size,
            from: 'cache',
            chunks: streamChunks(cached.weights.stream(), signal),
          };
        } else {
          text = await configText(source, signal);
          configOf(text, source.base + 'config.json', request.expected);
          const download = await downloadWeights(source.base, {
            key,
            version,
            config: text,
            keep: request.keep ?? true,
            signal,
          });
          from = 'network';
          kept = download.cached;
          weightsSource = download.source;
        }
      } else {
        text = await configText(source, signal);
        weightsSource = {
          file: source.weights.name,
          size: source.weights.size,
          from: 'file',
          chunks: streamChunks(source.weights.stream(), signal),
        };
      }
      const configFile =
        source.kind === 'url'
          ? source.base + 'config.json'
          : typeof source.config === 'string'
            ? 'config.json'
            : source.config.name;
      const config = configOf(text, configFile, request.expected);
      const runtimeStart: { made?: Promise<{ executor: OrtExecutor; name: string }> } = {};
      const { weights, plan } = await readCheckpoint(weightsSource, config, {
        ...(request.storage ? { storage: request.storage } : {}),
        signal,
        // The runtime starts while the weights stream in.
        onPlan: (p) => {
          runtimeStart.made = createExecutor(config, p.storage, request.backend ?? 'auto');
          runtimeStart.made.catch(() => {});
        },
        ...(onProgress ? { onProgress } : {}),
      });
      void onProgress?.({
        phase: 'prepare',
        loaded: plan.header.dataEnd,
        total: plan.header.dataEnd,
        bytesPerSecond: null,
        etaSeconds: null,
      });
      const runtime = await (runtimeStart.made ??
        createExecutor(config, plan.storage, request.backend ?? 'auto'));
      if (signal.aborted) {
        await runtime.executor.release();
        throw new RunAbortedError();
      }
      executor = runtime.executor;
      const yielding: BlockExecutor = {
        async runBlock(feeds) {
          await yieldToMessages();
          return runtime.executor.runBlock(feeds);
        },
      };
      session = new ModelSession(weights, yielding, modelInfo(plan, runtime.name));
      loaded = {
        ...session.info,
        from,
        kept,
        cacheKey: key,
        loadMs: Math.round(performance.now() - started),
      };
      // A Comlink callback is a message on a port of its own: awaited, the last report reaches the
      // page before the result does, so a finished load never shows an earlier phase last.
      await onProgress?.({
        phase: 'done',
        loaded: plan.header.dataEnd,
        total: plan.header.dataEnd,
        bytesPerSecond: null,
        etaSeconds: null,
      });
      return loaded;
    });
  },

  /** Stops a load in progress (it rejects with an AbortError). */
  cancelLoad(): void {
    loadController?.abort();
  },

  /** The loaded model, or null. */
  info(): LoadedModel | null {
    return loaded;
  },

  /**
   * Runs a text (or token ids) through the loaded model. `runId` lets cancelRun stop it between
   * two blocks; `onLayer` (a Comlink.proxy) hears of each block done. All activations, when asked for, are transferred (not copied) to the page.
   */
  run(request: RunRequest, runId = 0, onLayer?: (done: number, layers: number) => void) {
    return guard(async () => {
      if (!session) throw new Error('No model is loaded: load one first');
      const controller = new AbortController();
      runs.set(runId, controller);
      try {
        const options = {
          ...(request.top !== undefined ? { top: request.top } : {}),
          ...(request.neurons ? { neurons: request.neurons } : {}),
          ...(request.topOverText !== undefined ? { topOverText: request.topOverText } : {}),
          ...(request.keepActivations ? { keepActivations: true } : {}),
          ...(onLayer ? { onLayer } : {}),
          signal: controller.signal,
        };
        const result =
          request.tokenIds !== undefined
            ? await session.runTokens(request.tokenIds, options)
            : await session.runText(request.text ?? '', {
                ...options,
                ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
              });
        return Comlink.transfer(
          result,
          (result.activations ?? []).map((a) => a.buffer as ArrayBuffer),
        );
      } finally {
        runs.delete(runId);
      }
    });
  },

  /**
   * "Check the model": a neuron's records run through the loaded model and their computed
   * activations set against the recorded ones (src/core/model/verify.ts). `runId` as for run;
   * `onProgress` (a Comlink.proxy) hears of records done.
   */
  check(
    neuron: NeuronRef,
    records: RecordToCheck[],
    runId = 0,
    onProgress?: (done: number, total: number) => void,
  ) {
    return guard(async (): Promise<NeuronCheck> => {
      if (!session) throw new Error('No model is loaded: load one first');
      const controller = new AbortController();
      runs.set(runId, controller);
      try {
        return await checkNeuronRecords(session, neuron, records, {
          signal: controller.signal,
          ...(onProgress ? { onProgress } : {}),
        });
      } finally {
        runs.delete(runId);
      }
    });
  },

  cancelRun(runId = 0): void {
    runs.get(runId)?.abort();
  },

  async unload(): Promise<void> {
    const previous = executor;
    session = null;
    executor = null;
    loaded = null;
    await previous?.release();
  },

  listCached,
  removeCached,
  readMeta,
};

export type ModelWorkerApi = typeof api;

Comlink.expose(api);
