/**
 * The Redis that several server instances share (REDIS_URL): their result cache and their rate
 * limit go through it, so that behind a load balancer they act as one. One connection per
 * instance (ioredis pipelines every command on it).
 *
 * A Redis that cannot be reached when the server starts stops the start, with a clear message: an
 * instance that silently kept its own cache and limit would not be what was asked for. Once
 * running, a Redis that fails costs nothing worse than a miss: the cache falls back to this
 * instance's own and the rate limit lets requests through (each says so in the log, at most once
 * a minute), and the connection is made again in the background.
 */
import { Redis } from 'ioredis';
import { hostOf, keepUrlSecrets } from '../node/redact.ts';
import type { Logger } from './log.ts';

/** Every key this server writes starts so (the batch queue's are BullMQ's own, `bull:`). */
export const REDIS_PREFIX = 'neuron-explorer:';

/** A command that takes longer fails (as a miss, or a request let through). */
const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 5000;
const WARN_EVERY_MS = 60_000;

export interface SharedRedis {
  readonly redis: Redis;
  /** The server, as its host only (the URL may hold a password). */
  readonly host: string;
  /** Logs that a shared operation failed, at most once a minute. */
  failed(what: string, error: unknown): void;
  close(): Promise<void>;
}

export async function connectSharedRedis(url: string, logger: Logger): Promise<SharedRedis> {
  // A password in the URL is a secret like the API key: never in a message or a log line.
  keepUrlSecrets(url);
  const host = hostOf(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // While disconnected, commands fail at once rather than queue behind a dead connection: a
    // request does not wait for Redis to come back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  let lastWarning = 0;
  const failed = (what: string, error: unknown) => {
    const now = Date.now();
    if (now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn(`redis at ${host}: ${what} failed (${reason}); this instance goes on alone`);
  };
  // Connection errors come as events too (each reconnection attempt): logged, never thrown.
  redis.on('error', (error: unknown) => failed('the connection', error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`REDIS_URL is set, but Redis at ${host} does not answer: ${reason}`, {
      cause: error,
    });
  }
  return {
    redis,
    host,
    failed,
    async close() {
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
