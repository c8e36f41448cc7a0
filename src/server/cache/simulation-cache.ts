/**
 * Simulation results kept across restarts in SQLite under CACHE_DIR. Two tables: whole results
 * (keyed by dataset, neuron, explanation, the records used, simulator and model) and single-record
 * simulations (keyed by explanation, tokens, simulator and model), so a retry after one record
 * failed re-simulates only that record. Only successes are stored.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

type Table = 'results' | 'records';

/** A stable key for any JSON-able parts. */
export function cacheKey(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

export class SimulationCache {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly maxEntries: number;
  private readonly statements: Record<
    Table,
    {
      get: Database.Statement;
      put: Database.Statement;
      count: Database.Statement;
      prune: Database.Statement;
    }
  >;
  private writes = 0;

  /** Opens (creating) `dir/simulations.sqlite`; ':memory:' for a cache that dies with the process. */
  constructor(dir: string | ':memory:', options: { maxEntries?: number } = {}) {
    if (dir === ':memory:') {
      this.path = ':memory:';
    } else {
      mkdirSync(dir, { recursive: true });
      this.path = join(dir, 'simulations.sqlite');
    }
    this.maxEntries = options.maxEntries ?? 200_000;
    this.db = new Database(this.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    const prepare = (table: Table) => {
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL, stored_at INTEGER NOT NULL) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS ${table}_stored_at ON ${table} (stored_at);`,
      );
      return {
        get: this.db.prepare(`SELECT value FROM ${table} WHERE key = ?`).pluck(),
        put: this.db.prepare(
          `INSERT OR REPLACE INTO ${table} (key, value, stored_at) VALUES (?, ?, ?)`,
        ),
        count: this.db.prepare(`SELECT count(*) FROM ${table}`).pluck(),
        prune: this.db.prepare(
          `DELETE FROM ${table} WHERE key IN (SELECT key FROM ${table} ORDER BY stored_at LIMIT ?)`,
        ),
      };
    };
    this.statements = { results: prepare('results'), records: prepare('records') };
  }

  /** The stored JSON text, or undefined. */
  get(table: Table, key: string): string | undefined {
    return this.statements[table].get.get(key) as string | undefined;
  }

  put(table: Table, key: string, json: string): void {
    const statements = this.statements[table];
    statements.put.run(key, json, Date.now());
    // Keep the file bounded: now and then drop the oldest entries beyond the limit.
    if (++this.writes % 1000 === 0) {
      const excess = (statements.count.get() as number) - this.maxEntries;
      if (excess > 0) statements.prune.run(excess);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
