/**
 * Waiting before a retry, for the server's LLM client and for remote dataset sources alike: how
 * long the other side asked us to wait (Retry-After), and a wait that ends early when aborted.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Retry-After as seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * How long a response asks us to wait: `Retry-After-Ms` (OpenAI's, in ms) if given, else
 * `Retry-After`; null when it says nothing readable.
 */
export function responseRetryAfterMs(headers: Pick<Headers, 'get'>): number | null {
  const milliseconds = Number(headers.get('retry-after-ms') ?? '');
  if (headers.get('retry-after-ms') !== null && Number.isFinite(milliseconds)) {
    return Math.max(0, milliseconds);
  }
  return retryAfterMs(headers.get('retry-after'));
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}
