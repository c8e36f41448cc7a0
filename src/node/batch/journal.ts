/**
 * A batch job's journal: `<out>/.batch/journal.sqlite`, the truth about which neurons are done.
 * It holds the job (its spec and fingerprint, when it began) and one row per neuron: pending,
 * done or failed (with the reason); and the job's upstream usage so far. A neuron's files are written
 * (atomically) before its row says done, and each row is its own committed transaction in WAL
 * mode, so a job killed at any point (kill -9 included) resumes from its last finished neuron:
 * nothing finished is done again, nothing is lost, and a neuron whose files were written but not
 * yet marked is simply done again (to the same bytes).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NeuronRef } from '../../core/batch/selection.ts';

export const JOURNAL_DIR = '.batch';

export type NeuronState = 'pending' | 'done' | 'failed';

export interface JournalCounts {
  total: number;
  pending: number;
  done: number;
  failed: number;
}

export interface FailedNeuron extends NeuronRef {
  reason: string;
}

export class Journal {
  readonly path: string;
  private readonly db: Database.Database;

  private constructor(path: string) {
    this.path = path;
    this.db = new Database(path);
    // WAL with synchronous NORMAL: a commit survives the process being killed (not a power cut).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS job (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS neurons (
        layer INTEGER NOT NULL, neuron INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
        reason TEXT,
        PRIMARY KEY (layer, neuron)) WITHOUT ROWID;
    `);
  }

  static open(outDir: string): Journal {
    const dir = join(outDir, JOURNAL_DIR);
    mkdirSync(dir, { recursive: true });
    return new Journal(join(dir, 'journal.sqlite'));
  }

  fact(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM job WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value ?? null;
  }

  setFact(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO job (key, value) VALUES (?, ?)').run(key, value);
  }

  /** Starts a job: its facts and every neuron pending, in one transaction. */
  start(facts: Record<string, string>, neurons: readonly NeuronRef[]): void {
    const setFact = this.db.prepare('INSERT OR REPLACE INTO job (key, value) VALUES (?, ?)');
    const addNeuron = this.db.prepare(
      "INSERT OR IGNORE INTO neurons (layer, neuron, state) VALUES (?, ?, 'pending')",
    );
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(facts)) setFact.run(key, value);
      for (const { layer, neuron } of neurons) addNeuron.run(layer, neuron);
    })();
  }

  /**
   * The neurons a job's journal has as done, read without opening it for writing (another
   * process may be running the job); none before the journal exists.
   */
  static doneNeurons(outDir: string): NeuronRef[] {
    let db: Database.Database;
    try {
      db = new Database(join(outDir, JOURNAL_DIR, 'journal.sqlite'), {
        readonly: true,
        fileMustExist: true,
      });
    } catch {
      return [];
    }
    try {
      return db
        .prepare("SELECT layer, neuron FROM neurons WHERE state = 'done' ORDER BY layer, neuron")
        .all() as NeuronRef[];
    } catch {
      // The job has created the file but not its tables yet.
      return [];
    } finally {
      db.close();
    }
  }

  /** Neurons in a state, in layer and neuron order. */
  neurons(state: NeuronState): NeuronRef[] {
    return this.db
      .prepare('SELECT layer, neuron FROM neurons WHERE state = ? ORDER BY layer, neuron')
      .all(state) as NeuronRef[];
  }

  state(ref: NeuronRef): NeuronState | null {
    const row = this.db
      .prepare('SELECT state FROM neurons WHERE layer = ? AND neuron = ?')
      .get(ref.layer, ref.neuron) as { state: NeuronState } | undefined;
    return row?.state ?? null;
  }

  failed(): FailedNeuron[] {
    return this.db
      .prepare(
        "SELECT layer, neuron, reason FROM neurons WHERE state = 'failed' ORDER BY layer, neuron",
      )
      .all() as FailedNeuron[];
  }

  counts(): JournalCounts {
    const rows = this.db
      .prepare('SELECT state, count(*) AS n FROM neurons GROUP BY state')
      .all() as { state: NeuronState; n: number }[];
    const counts: JournalCounts = { total: 0, pending: 0, done: 0, failed: 0 };
    for (const { state, n } of rows) {
      counts[state] = n;
      counts.total += n;
    }
    return counts;
  }

  finish(ref: NeuronRef, outcome: { state: 'done' | 'failed'; reason?: string }): void {
    this.db
      .prepare('UPDATE neurons SET state = ?, reason = ? WHERE layer = ? AND neuron = ?')
      .run(outcome.state, outcome.reason ?? null, ref.layer, ref.neuron);
  }

  /** Failed neurons back to pending (a rerun with --retry-failed). */
  retryFailed(): number {
    return this.db
      .prepare("UPDATE neurons SET state = 'pending', reason = NULL WHERE state = 'failed'")
      .run().changes;
  }

  close(): void {
    this.db.close();
  }
}
