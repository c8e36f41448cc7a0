/**
 * The result cache of several server instances behind a load balancer: a result one instance
 * computed is a hit on every other. Each instance keeps its own cache (SimulationCache: SQLite and
 * memory) in front of Redis, so a result it has seen costs no round trip; on a miss there it asks
 * Redis, and keeps what it finds. A fresh result goes to both, and the request that made it is
 * answered once Redis has it, so the next request, wherever it lands, finds it.
 *
 * Results never change under a key (the key holds the dataset, neuron, explanation, records,
 * simulator, model and prompt version), so an instance's own copy is never stale. In Redis each
 * entry lives REDIS_CACHE_TTL_S, which bounds its memory (see docs/server.md for eviction).
 * Redis failing is a miss or a result not shared, never a failed request.
 */
import type { SharedRedis } from '../shared-redis.ts';
import { REDIS_PREFIX } from '../shared-redis.ts';
import type { CachedEntry, ResultCache, SimulationCache } from './simulation-cache.ts';

const RESULT_PREFIX = `${REDIS_PREFIX}result:`;

export class SharedSimulationCache implements ResultCache {
  constructor(
    private readonly local: SimulationCache,
    private readonly shared: SharedRedis,
    private readonly ttlSeconds: number,
  ) {}

  lookup(key: string): CachedEntry | undefined | Promise<CachedEntry | undefined> {
    return this.local.lookup(key) ?? this.fetch(key);
  }

  private async fetch(key: string): Promise<CachedEntry | undefined> {
    let json: string | null;
    try {
      json = await this.shared.redis.get(RESULT_PREFIX + key);
    } catch (error) {
      this.shared.failed('a cache lookup', error);
      return undefined;
    }
    if (json === null) return undefined;
    // Kept here too (as the fresh result's text, which the local cache makes a hit of).
    this.local.put(key, undefined, json);
    return this.local.lookup(key);
  }

  async put(key: string, value: unknown, json: string = JSON.stringify(value)): Promise<void> {
    this.local.put(key, value, json);
    try {
      await this.shared.redis.set(RESULT_PREFIX + key, json, 'EX', this.ttlSeconds);
    } catch (error) {
      this.shared.failed('storing a result', error);
    }
  }

  /** Closes this instance's cache; the connection is the server's to close. */
  close(): void {
    this.local.close();
  }
}
