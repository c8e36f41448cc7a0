/** What every export format writer does, and what is known once all layers are written. */
import type { ExportNeuron } from '../../core/export/rows.ts';
import type { ExportProblem } from './read.ts';

export type ExportFormat = 'sqlite' | 'parquet' | 'csv';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['sqlite', 'parquet', 'csv'];

/** The export's summary: in the report beside the file, and inside it where the format allows. */
export interface ExportSummary {
  format: string;
  dataset: { id: string; title: string; model: string; source: string };
  exportedAt: string;
  layers: number[];
  neurons: number;
  explanations: number;
  withRecords: number;
  /** Neurons left out because a file of theirs was malformed or unreadable. */
  failed: number;
  problems: ExportProblem[];
}

export interface ExportWriter {
  /** One layer's neurons, ascending; layers come in ascending order. */
  writeLayer(neurons: readonly ExportNeuron[]): void | Promise<void>;
  /** Writes what comes last (metadata, indexes) and closes the file. */
  finish(summary: ExportSummary): Promise<void>;
  /** Closes the file without finishing it (the caller removes it). */
  abort(): Promise<void>;
}
