/**
 * Answers a batch job got from the model, kept on disk (SQLite) by what was asked: a record's
 * simulation by (model, prompt, explanation, tokens), an explanation by (model, prompt, records).
 * A resumed job or a rerun asks nothing it has asked before, so it makes the same files byte for
 * byte. Several processes (a job's workers on one machine) may share the file: SQLite's WAL lets
 * them read while one writes. The offline baselines are not cached (they are instant).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { buildExplanationMessages } from '../../core/simulation/explanation-prompt.ts';
import {
  buildSimulationMessages,
  SIMULATION_TOP_LOGPROBS,
} from '../../core/simulation/simulation-prompt.ts';

/** Changes whenever a prompt does, so that answers to an older prompt are not reused. */
const PROMPT_VERSION = createHash('sha256')
  .update(
    JSON.stringify([
      buildSimulationMessages('{explanation}', ['{token}']),
      SIMULATION_TOP_LOGPROBS,
      buildExplanationMessages([{ tokens: ['{token}'], activations: [1] }]),
    ]),
  )
  .digest('hex')
  .slice(0, 16);

export class AnswerCache {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string], { value: string }>;
  private readonly insert: Database.Statement<[string, string]>;

  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec('CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    this.select = this.db.prepare('SELECT value FROM answers WHERE key = ?');
    this.insert = this.db.prepare('INSERT OR REPLACE INTO answers (key, value) VALUES (?, ?)');
  }

  key(parts: unknown[]): string {
    return createHash('sha256')
      .update(JSON.stringify([PROMPT_VERSION, ...parts]))
      .digest('hex');
  }

  get<T>(key: string): T | undefined {
    const row = this.select.get(key);
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  put(key: string, value: unknown): void {
    this.insert.run(key, JSON.stringify(value));
  }

  close(): void {
    this.db.close();
  }
}
