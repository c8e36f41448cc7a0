/**
 * Simulation results kept across restarts in SQLite under CACHE_DIR, keyed (by the caller) by
 * dataset, neuron, explanation, the records used, simulator and model. Only successes are stored.
 * Entries are data (JSON values): stored as their JSON text, and given back as the text a hit
 * sends (`hitForm` of the value, made once while the entry is in memory: most hits are sent on as
 * text, never parsed) and as that value. Writes are gathered into one transaction per turn of the
 * event loop; the most recently used results are also kept in memory (up to `memoryBytes`), so
 * popular ones skip the database, with their gzipped text once a client has asked for it, so a
 * hit is not compressed again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';

/** A stored entry: the text a hit sends, its value, and that text gzipped (made when asked for). */
export interface CachedEntry {
  readonly json: string;
  readonly value: unknown;
  gzipped(): Buffer;
}

export interface SimulationCacheOptions {
  maxEntries?: number;
  memoryBytes?: number;
  /** What a hit sends, made from the stored value; the value itself when absent. */
  hitForm?: (value: unknown) => unknown;
}

class HotEntry implements CachedEntry {
  readonly key: string;
  /** The stored text until a hit asks for its hit form, then that. */
  private text: string;
  private isHitForm: boolean;
  private gzip: Buffer | null = null;
  private readonly owner: SimulationCache;

  constructor(key: string, text: string, isHitForm: boolean, owner: SimulationCache) {
    this.key = key;
    this.text = text;
    this.isHitForm = isHitForm;
    this.owner = owner;
  }

  get json(): string {
    if (!this.isHitForm) {
      const before = this.text.length;
      this.text = this.owner.hitText(this.text);
      this.isHitForm = true;
      this.owner.grew(this, this.text.length - before);
    }
    return this.text;
  }

  /** Parsed each time it is asked for (by /api/explain); hits are sent as text. */
  get value(): unknown {
    return JSON.parse(this.json) as unknown;
  }

  /** Characters held: the text, and the gzipped bytes (half a character each). */
  get chars(): number {
    return this.text.length + (this.gzip ? Math.ceil(this.gzip.length / 2) : 0);
  }

  gzipped(): Buffer {
    if (this.gzip === null) {
      // Compressed once and sent many times, so a better level than for fresh results.
      this.gzip = gzipSync(this.json, { level: 6 });
      this.owner.grew(this, Math.ceil(this.gzip.length / 2));
    }
    return this.gzip;
  }
}

/** A stable key for any JSON-able parts. */
export function cacheKey(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

export class SimulationCache {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly maxEntries: number;
  private readonly statements: {
    get: Database.Statement;
    put: Database.Statement;
    count: Database.Statement;
    prune: Database.Statement;
  };
  private writes = 0;
  private readonly pending = new Map<string, string>();
  /** Recently used results, least recent first, and the characters they hold. */
  private readonly hot = new Map<string, HotEntry>();
  private hotChars = 0;
  private readonly memoryChars: number;
  private flushing: NodeJS.Immediate | null = null;
  /** Orders entries by age: microseconds since 1970 at opening, then one more per entry. */
  private sequence = Date.now() * 1000;
  private readonly writeAll: () => void;
  private readonly hitForm: ((value: unknown) => unknown) | undefined;

  /** Opens (creating) `dir/simulations.sqlite`; ':memory:' for a cache that dies with the process. */
  constructor(dir: string | ':memory:', options: SimulationCacheOptions = {}) {
    this.hitForm = options.hitForm;
    if (dir === ':memory:') {
      this.path = ':memory:';
    } else {
      mkdirSync(dir, { recursive: true });
      this.path = join(dir, 'simulations.sqlite');
    }
    this.maxEntries = options.maxEntries ?? 200_000;
    // JSON results are mostly ASCII: about one byte (and 2 in V8's heap at worst) per character.
    this.memoryChars = (options.memoryBytes ?? 64 * 1024 * 1024) / 2;
    this.db = new Database(this.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL, stored_at INTEGER NOT NULL) WITHOUT ROWID;
       CREATE INDEX IF NOT EXISTS results_stored_at ON results (stored_at);`,
    );
    this.statements = {
      get: this.db.prepare('SELECT value FROM results WHERE key = ?').pluck(),
      put: this.db.prepare(
        'INSERT OR REPLACE INTO results (key, value, stored_at) VALUES (?, ?, ?)',
      ),
      count: this.db.prepare('SELECT count(*) FROM results').pluck(),
      prune: this.db.prepare(
        'DELETE FROM results WHERE key IN (SELECT key FROM results ORDER BY stored_at LIMIT ?)',
      ),
    };
    this.writeAll = this.db.transaction(() => {
      for (const [key, json] of this.pending) this.statements.put.run(key, json, this.sequence++);
      this.writes += this.pending.size;
      this.pending.clear();
      // Keep the file bounded: now and then drop the oldest entries beyond the limit.
      if (this.writes >= 1000) {
        this.writes = 0;
        const excess = (this.statements.count.get() as number) - this.maxEntries;
        if (excess > 0) this.statements.prune.run(excess);
      }
    });
  }

  /** The stored value, or undefined. */
  get(key: string): unknown {
    return this.lookup(key)?.value;
  }

  /** The stored entry (its text and value, and its gzipped text on demand), or undefined. */
  lookup(key: string): CachedEntry | undefined {
    const hot = this.hot.get(key);
    if (hot !== undefined) {
      this.hot.delete(key);
      this.hot.set(key, hot);
      return hot;
    }
    // After close (requests still finishing during shutdown) only memory answers.
    const stored =
      this.pending.get(key) ??
      (this.db.open ? (this.statements.get.get(key) as string | undefined) : undefined);
    if (stored === undefined) return undefined;
    return this.remember(key, stored);
  }

  private remember(key: string, json: string): CachedEntry {
    const entry = new HotEntry(key, json, this.hitForm === undefined, this);
    if (json.length > this.memoryChars / 8) return entry;
    const previous = this.hot.get(key);
    if (previous !== undefined) this.hotChars -= previous.chars;
    this.hot.delete(key);
    this.hot.set(key, entry);
    this.hotChars += entry.chars;
    this.evict();
    return entry;
  }

  /** The text a hit sends for a stored text. */
  hitText(stored: string): string {
    return this.hitForm ? JSON.stringify(this.hitForm(JSON.parse(stored))) : stored;
  }

  /** Called by an entry whose text changed, or that has just kept its gzipped bytes. */
  grew(entry: HotEntry, chars: number): void {
    if (this.hot.get(entry.key) !== entry) return;
    this.hotChars += chars;
    this.evict();
  }

  private evict(): void {
    for (const [oldest, value] of this.hot) {
      if (this.hotChars <= this.memoryChars) break;
      this.hot.delete(oldest);
      this.hotChars -= value.chars;
    }
  }

  /**
   * Stores a value, given as its JSON text when the caller has made it already (a result is
   * serialized once). Writes are gathered into one transaction per turn of the event loop.
   */
  put(key: string, value: unknown, json: string = JSON.stringify(value)): void {
    this.remember(key, json);
    if (!this.db.open) return;
    this.pending.set(key, json);
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** Writes what is pending now (also done on its own, soon after each put). */
  flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = null;
    if (!this.db.open) return;
    this.writeAll();
  }

  /** Entries stored in a table (pending ones included). */
  size(): number {
    this.flush();
    return this.statements.count.get() as number;
  }

  close(): void {
    this.flush();
    if (this.db.open) this.db.close();
  }
}
