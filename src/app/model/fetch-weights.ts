/**
 * Checkpoint bytes from the network, a picked file or the browser's cache, as the stream of
 * chunks that readCheckpoint (src/core/model/load.ts) takes. A download is written to the cache
 * as it streams and resumed with an HTTP range where an earlier one stopped.
 */
import { ModelFileError } from '../../core/model/errors.ts';
import type { CheckpointSource } from '../../core/model/load.ts';
import { CONFIG_FILE, WEIGHTS_FILE } from '../../core/model/sources.ts';
import { cacheWriter, openPartial, type CacheWriter } from './weight-cache.ts';

/** A stream's chunks as an async iterable (not every browser iterates ReadableStream). */
export async function* streamChunks(
  stream: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function get(url: string, signal: AbortSignal | undefined, headers: HeadersInit = {}) {
  let response: Response;
  try {
    response = await fetch(url, { signal: signal ?? null, headers });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ModelFileError(
      `could not be fetched (${(error as Error).message}): check the address and the network`,
      { file: url },
    );
  }
  if (!response.ok) {
    throw new ModelFileError(
      response.status === 404
        ? 'not found (HTTP 404): the server has no such model file'
        : `the server answered HTTP ${response.status} ${response.statusText}`,
      { file: url },
    );
  }
  return response;
}

export async function fetchConfigText(base: string, signal?: AbortSignal): Promise<string> {
  return (await get(base + CONFIG_FILE, signal)).text();
}

/** Total size from a 206's Content-Range ("bytes 0-7/548105171"), or null. */
function rangeTotal(response: Response): number | null {
  const match = /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * The first `length` bytes of the weights file and its size, by a range request where the
 * server takes them (a few KB instead of gigabytes), else from the start of a full response.
 */
export async function fetchWeightsStart(
  base: string,
  length: number,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; size: number | null }> {
  const url = base + WEIGHTS_FILE;
  const response = await get(url, signal, { range: `bytes=0-${length - 1}` });
  const size =
    response.status === 206
      ? rangeTotal(response)
      : Number(response.headers.get('content-length') ?? NaN) || null;
  const out = new Uint8Array(length);
  let at = 0;
  const reader = response.body!.getReader();
  while (at < length) {
    const { done, value } = await reader.read();
    if (done) break;
    const take = Math.min(value.length, length - at);
    out.set(value.subarray(0, take), at);
    at += take;
  }
  await reader.cancel();
  return { bytes: out.subarray(0, at), size };
}

export interface UrlWeights {
  source: CheckpointSource;
  /** Whether the download is being kept in the browser. */
  cached: boolean;
}

/**
 * The weights file at `base`, streamed from the network into the cache as it is read (when
 * `keep`), starting from a kept partial download when there is one.
 */
export async function downloadWeights(
  base: string,
  {
    key,
    version,
    config,
    keep,
    signal,
  }: { key: string; version: string; config: string; keep: boolean; signal?: AbortSignal },
): Promise<UrlWeights> {
  const url = base + WEIGHTS_FILE;
  const probe = await get(url, signal, { range: 'bytes=0-0' });
  const size = probe.status === 206 ? rangeTotal(probe) : null;
  await probe.body?.cancel();
  const partial = keep && size !== null ? await openPartial(key, base, version, size) : null;
  let from = 0;
  let response: Response;
  if (partial) {
    response = await get(url, signal, { range: `bytes=${partial.written}-` });
    if (response.status === 206) from = partial.written;
  } else {
    response = await get(url, signal);
  }
  const total =
    size ?? (response.status === 200 ? Number(response.headers.get('content-length') ?? NaN) : NaN);
  let writer: CacheWriter | null = null;
  if (keep && Number.isFinite(total)) {
    writer = await cacheWriter(key, { base, version, bytes: total }, config, from);
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let done = false;
    try {
      if (from > 0 && partial) yield* streamChunks(partial.file.stream(), signal);
      for await (const chunk of streamChunks(response.body!, signal)) {
        writer?.write(chunk);
        yield chunk;
      }
      done = true;
    } finally {
      if (done) await writer?.finish();
      else await writer?.abandon();
    }
  }
  return {
    source: {
      file: url,
      ...(Number.isFinite(total) ? { size: total } : {}),
      from: 'network',
      chunks: chunks(),
    },
    cached: writer !== null,
  };
}
