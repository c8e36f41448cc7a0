/**
 * Reading a checkpoint from any stream of its bytes (a Node file stream, a fetch body, a picked
 * File, the browser's cached copy): the header is checked as soon as its bytes are in, before
 * gigabytes follow, and the weights are kept as they arrive, never the whole file at once.
 */
import {
  planCheckpoint,
  WeightSink,
  type CheckpointPlan,
  type Gpt2Weights,
  type StorageChoice,
} from './checkpoint.ts';
import type { Gpt2Config } from './config.ts';
import { ModelFileError } from './errors.ts';
import { now } from './platform.ts';
import { ProgressMeter, type LoadProgress } from './progress.ts';
import { parseSafetensorsHeader, readHeaderLength } from './safetensors.ts';

export interface CheckpointSource {
  /** The file as the user knows it (a path, a URL, a picked file's name), for messages. */
  file: string;
  /** The file's size, when known (Content-Length, File.size, stat): truncation shows at once. */
  size?: number;
  chunks: AsyncIterable<Uint8Array>;
  /** Where the bytes come from, for the progress bar. */
  from?: LoadProgress['from'];
}

export interface ReadCheckpointOptions {
  storage?: StorageChoice;
  onProgress?: (progress: LoadProgress) => void;
  /** Called once the header is read and matched to the config, before the weights stream in. */
  onPlan?: (plan: CheckpointPlan) => void;
  signal?: AbortSignal;
}

/** Joins byte chunks. */
function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export async function readCheckpoint(
  source: CheckpointSource,
  config: Gpt2Config,
  { storage = 'auto', onProgress, onPlan, signal }: ReadCheckpointOptions = {},
): Promise<{ weights: Gpt2Weights; plan: CheckpointPlan }> {
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let headerLength = -1;
  let sink: WeightSink | null = null;
  let meter: ProgressMeter | null = null;
  let lastReport = -Infinity;
  const report = (force = false) => {
    if (!sink || !meter || !onProgress) return;
    const at = now();
    if (!force && at - lastReport < 100) return;
    lastReport = at;
    onProgress({ ...meter.update(sink.bytes), ...(source.from ? { from: source.from } : {}) });
  };
  for await (const chunk of source.chunks) {
    signal?.throwIfAborted();
    if (sink) {
      sink.push(chunk);
      report();
      continue;
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (headerLength < 0 && pendingBytes >= 8) {
      headerLength = readHeaderLength(concat(pending, pendingBytes), source.file, source.size);
    }
    if (headerLength >= 0 && pendingBytes >= 8 + headerLength) {
      const start = concat(pending, pendingBytes);
      const header = parseSafetensorsHeader(start.subarray(8, 8 + headerLength), {
        file: source.file,
        ...(source.size !== undefined ? { fileSize: source.size } : {}),
      });
      const plan = planCheckpoint(header, config, { file: source.file, storage });
      onPlan?.(plan);
      sink = new WeightSink(plan);
      meter = new ProgressMeter(source.size ?? header.dataEnd, now);
      sink.push(start);
      pending.length = 0;
      report(true);
    }
  }
  if (!sink) {
    if (pendingBytes < 8)
      readHeaderLength(concat(pending, pendingBytes), source.file, pendingBytes);
    throw new ModelFileError(
      `truncated: the file ended at byte ${pendingBytes}, inside its ${headerLength}-byte header`,
      { file: source.file, offset: pendingBytes },
    );
  }
  const weights = sink.finish();
  report(true);
  return { weights, plan: sink.plan };
}
