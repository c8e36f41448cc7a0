/**
 * The SQLite export: tables `neurons` (one row per neuron) and `explanations` (one row per
 * explanation), the view `neuron_explanations` joining them into the flat table that the Parquet
 * and CSV exports hold, `problems` (neurons left out, and why) and `dataset` (key/value facts).
 * Columns come from core's EXPORT_COLUMNS; booleans are stored as 0/1.
 */
import Database from 'better-sqlite3';
import {
  EXPORT_COLUMNS,
  type ExportColumn,
  type ExportExplanation,
  type ExportNeuron,
  type ExportValue,
} from '../../core/export/rows.ts';
import type { ExportSummary, ExportWriter } from './writer.ts';

const SQL_TYPES: Record<ExportColumn['type'], string> = {
  integer: 'INTEGER',
  real: 'REAL',
  text: 'TEXT',
  boolean: 'INTEGER',
};

const KEY = ['layer', 'neuron'];
const NEURON_COLUMNS = EXPORT_COLUMNS.filter((c) => c.level === 'neuron');
const EXPLANATION_COLUMNS = EXPORT_COLUMNS.filter((c) => c.level === 'explanation');
/** In the explanations table these are never null (the flat table's nulls are neurons without one). */
const REQUIRED_IN_EXPLANATIONS = new Set([
  'explanation_rank',
  'is_best',
  'explanation',
  'scored_sequences',
]);

function columnSql(column: ExportColumn, required: boolean): string {
  return `${column.name} ${SQL_TYPES[column.type]}${required ? ' NOT NULL' : ''}`;
}

function sqlValue(value: ExportValue): number | string | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

export function schemaSql(): string {
  const keyColumns = EXPORT_COLUMNS.filter((c) => KEY.includes(c.name));
  const neuronTable = [
    ...keyColumns.map((c) => columnSql(c, true)),
    ...NEURON_COLUMNS.filter((c) => !KEY.includes(c.name)).map((c) => columnSql(c, !c.nullable)),
  ];
  const explanationTable = [
    ...keyColumns.map((c) => columnSql(c, true)),
    ...EXPLANATION_COLUMNS.map((c) => columnSql(c, REQUIRED_IN_EXPLANATIONS.has(c.name))),
  ];
  const viewColumns = EXPORT_COLUMNS.map((c) =>
    c.level === 'neuron' ? `n.${c.name}` : `e.${c.name}`,
  );
  return `
    CREATE TABLE dataset (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE neurons (${neuronTable.join(', ')}, PRIMARY KEY (layer, neuron)) WITHOUT ROWID;
    CREATE TABLE explanations (${explanationTable.join(', ')},
      PRIMARY KEY (layer, neuron, explanation_rank)) WITHOUT ROWID;
    CREATE TABLE problems (layer INTEGER NOT NULL, neuron INTEGER NOT NULL, path TEXT NOT NULL,
      kind TEXT NOT NULL, message TEXT NOT NULL);
    CREATE VIEW neuron_explanations AS SELECT ${viewColumns.join(', ')}
      FROM neurons n LEFT JOIN explanations e ON e.layer = n.layer AND e.neuron = n.neuron;
  `;
}

export function openSqliteWriter(path: string): ExportWriter {
  const db = new Database(path);
  // Written to a temporary file that is renamed when complete: no journal is needed.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(schemaSql());
  const neuronNames = NEURON_COLUMNS.map((c) => c.name);
  const explanationNames = [...KEY, ...EXPLANATION_COLUMNS.map((c) => c.name)];
  const insertNeuron = db.prepare(
    `INSERT INTO neurons (${neuronNames.join(', ')}) VALUES (${neuronNames.map(() => '?').join(', ')})`,
  );
  const insertExplanation = db.prepare(
    `INSERT INTO explanations (${explanationNames.join(', ')}) VALUES (${explanationNames.map(() => '?').join(', ')})`,
  );
  const writeLayer = db.transaction((neurons: readonly ExportNeuron[]) => {
    for (const neuron of neurons) {
      insertNeuron.run(
        neuronNames.map((name) =>
          sqlValue(
            name === 'explanations'
              ? neuron.explanations.length
              : (neuron[name as keyof ExportNeuron] as ExportValue),
          ),
        ),
      );
      for (const e of neuron.explanations) {
        insertExplanation.run(
          neuron.layer,
          neuron.neuron,
          ...EXPLANATION_COLUMNS.map((c) =>
            sqlValue(
              c.name === 'explanation_rank'
                ? e.rank
                : (e[c.name as keyof ExportExplanation] as ExportValue),
            ),
          ),
        );
      }
    }
  });

  return {
    writeLayer(neurons) {
      writeLayer(neurons);
    },
    async finish(summary: ExportSummary) {
      const facts: [string, string][] = [
        ['format', summary.format],
        ['id', summary.dataset.id],
        ['title', summary.dataset.title],
        ['model', summary.dataset.model],
        ['source', summary.dataset.source],
        ['exported_at', summary.exportedAt],
        ['layers', JSON.stringify(summary.layers)],
        ['neurons', String(summary.neurons)],
        ['explanations', String(summary.explanations)],
        ['with_records', String(summary.withRecords)],
        ['failed', String(summary.failed)],
      ];
      const insertFact = db.prepare('INSERT INTO dataset (key, value) VALUES (?, ?)');
      const insertProblem = db.prepare(
        'INSERT INTO problems (layer, neuron, path, kind, message) VALUES (?, ?, ?, ?, ?)',
      );
      db.transaction(() => {
        for (const [key, value] of facts) insertFact.run(key, value);
        for (const p of summary.problems) {
          insertProblem.run(p.layer, p.neuron, p.path, p.kind, p.message);
        }
      })();
      db.exec('CREATE INDEX explanations_by_score ON explanations (ev_correlation_score)');
      db.close();
    },
    async abort() {
      db.close();
    },
  };
}
