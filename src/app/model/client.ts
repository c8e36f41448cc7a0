/**
 * The page's handle on the model worker (./model.worker.ts): one worker per page, made when
 * first needed, its calls typed and its errors turned back into ModelFileError where a file was
 * at fault. Pages use this module only.
 *
 *   const model = modelWorker();
 *   const probe = await model.probe(source);      // size, before a download
 *   const info = await model.load({ source, expected }, (p) => setProgress(p));
 *   const run = await model.run({ text: 'The cat sat on the mat', top: 10 });
 */
import * as Comlink from 'comlink';
import { modelFileErrorFromData, type ModelFileErrorData } from '../../core/model/errors.ts';
import type { NeuronRef } from '../../core/model/runner.ts';
import type { NeuronCheck, RecordToCheck } from '../../core/model/verify.ts';
import type { ModelWorkerApi } from './model.worker.ts';
import { noteModelWorkerMade } from './presence.ts';
import type { CachedModel } from './weight-cache.ts';
import type {
  Backends,
  LoadedModel,
  LoadProgress,
  LoadRequest,
  ModelProbe,
  ModelSource,
  RunRequest,
  TextActivations,
} from './types.ts';

export interface ModelClient {
  backends(): Promise<Backends>;
  probe(
    source: Extract<ModelSource, { kind: 'url' }>,
    expected?: LoadRequest['expected'],
  ): Promise<ModelProbe>;
  load(request: LoadRequest, onProgress?: (progress: LoadProgress) => void): Promise<LoadedModel>;
  cancelLoad(): Promise<void>;
  info(): Promise<LoadedModel | null>;
  /**
   * Runs a text; a newer run does not cancel an older one (call cancel for that). `onLayer`
   * hears of each layer done (a progress bar for a large model).
   */
  run(
    request: RunRequest,
    onLayer?: (done: number, layers: number) => void,
  ): Promise<TextActivations>;
  /**
   * Runs a neuron's records (e.g. its published top records) and compares the computed
   * activations with the recorded ones; cancel() stops it too.
   */
  check(
    neuron: NeuronRef,
    records: RecordToCheck[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<NeuronCheck>;
  /** Stops the runs in flight (they reject with RunAbortedError). */
  cancel(): Promise<void>;
  unload(): Promise<void>;
  /** Models kept in the browser (OPFS), complete or partial downloads. */
  listCached(): Promise<CachedModel[]>;
  removeCached(key: string): Promise<void>;
  terminate(): void;
}

/** A worker's rejection as an Error: ModelFileError with its file, tensor and offset kept. */
export function workerError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null) {
    const data = error as { name?: string; message?: string };
    if (data.name === 'ModelFileError') return modelFileErrorFromData(data as ModelFileErrorData);
    const out = new Error(data.message ?? String(error));
    out.name = data.name ?? 'Error';
    return out;
  }
  return new Error(String(error));
}

/** Whether a run or check failed because it was cancelled (cancel(), or a newer load). */
export function isCancelled(error: unknown): boolean {
  return (
    error instanceof Error && (error.name === 'RunAbortedError' || error.name === 'AbortError')
  );
}

async function call<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw workerError(error);
  }
}

export function createModelClient(worker: Worker): ModelClient {
  const remote = Comlink.wrap<ModelWorkerApi>(worker);
  let nextRun = 1;
  const active = new Set<number>();
  return {
    backends: () => call(remote.backends()),
    probe: (source, expected) => call(remote.probe(source, expected)),
    load: (request, onProgress) =>
      call(remote.load(request, onProgress ? Comlink.proxy(onProgress) : undefined)),
    cancelLoad: () => call(remote.cancelLoad()),
    info: () => call(remote.info()),
    async run(request, onLayer) {
      const id = nextRun++;
      active.add(id);
      try {
        return await call(remote.run(request, id, onLayer ? Comlink.proxy(onLayer) : undefined));
      } finally {
        active.delete(id);
      }
    },
    async check(neuron, records, onProgress) {
      const id = nextRun++;
      active.add(id);
      try {
        return await call(
          remote.check(neuron, records, id, onProgress ? Comlink.proxy(onProgress) : undefined),
        );
      } finally {
        active.delete(id);
      }
    },
    async cancel() {
      await Promise.all([...active].map((id) => remote.cancelRun(id)));
    },
    unload: () => call(remote.unload()),
    listCached: () => call(remote.listCached()),
    removeCached: (key) => call(remote.removeCached(key)),
    terminate: () => worker.terminate(),
  };
}

let shared: ModelClient | null = null;

/** The page's model worker. */
export function modelWorker(): ModelClient {
  noteModelWorkerMade();
  shared ??= createModelClient(
    new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name: 'model' }),
  );
  return shared;
}
