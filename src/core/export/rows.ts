/**
 * What `export` writes for each neuron, whatever the file format: the columns (names, types, what
 * they mean), and the rows made from a neuron's parsed explanation and activation-record files.
 * SQLite, Parquet and CSV writers all take their schema from EXPORT_COLUMNS, and docs/export.md
 * documents the same list, so the three formats cannot drift apart.
 *
 * The flat table has one row per explanation (a neuron with three explanations has three rows,
 * its neuron-level columns repeated); a neuron with activation records but no explanation has one
 * row whose explanation columns are null.
 */
import { bestExplanationIndex, maxActivation } from '../dataset/build.ts';
import type { NeuronRecord, NeuronSimulationResults } from '../format/types.ts';

/** Written into every export (SQLite `dataset` table, Parquet metadata, the report). */
export const EXPORT_FORMAT = 'neuron-explorer.export/1';

export type ExportColumnType = 'integer' | 'real' | 'text' | 'boolean';

export interface ExportColumn {
  name: string;
  type: ExportColumnType;
  /** False: never null. */
  nullable: boolean;
  /** Which SQLite table holds it: per neuron, or per explanation. */
  level: 'neuron' | 'explanation';
  description: string;
}

export interface ExportExplanation {
  /** Position in the neuron's explanation file (0-based). */
  rank: number;
  explanation: string;
  ev_correlation_score: number | null;
  rsquared_score: number | null;
  absolute_dev_explained_score: number | null;
  /** Records the scores were computed on (0 in the release's summary files). */
  scored_sequences: number;
  /** The explanation the app shows: the highest ev_correlation_score. */
  is_best: boolean;
}

/** Statistics of a neuron's activation records; all null when it has none. */
export interface ExportRecordStats {
  max_activation: number | null;
  mean: number | null;
  variance: number | null;
  skewness: number | null;
  kurtosis: number | null;
  top_records: number | null;
  random_records: number | null;
  quantile_records: number | null;
  /** JSON text of the quantile boundaries (nulls for unbounded ends). */
  quantile_boundaries: string | null;
}

export interface ExportNeuron extends ExportRecordStats {
  layer: number;
  neuron: number;
  explanations: ExportExplanation[];
  has_records: boolean;
}

export const EXPORT_COLUMNS: readonly ExportColumn[] = [
  { name: 'layer', type: 'integer', nullable: false, level: 'neuron', description: 'layer index' },
  {
    name: 'neuron',
    type: 'integer',
    nullable: false,
    level: 'neuron',
    description: 'neuron index within the layer',
  },
  {
    name: 'explanation_rank',
    type: 'integer',
    nullable: true,
    level: 'explanation',
    description:
      "the explanation's position in the neuron's explanation file (0-based); null for a neuron with records but no explanation",
  },
  {
    name: 'is_best',
    type: 'boolean',
    nullable: true,
    level: 'explanation',
    description:
      'the explanation the app shows: the highest ev_correlation_score (the first of equals; an unscored one only when none is scored)',
  },
  {
    name: 'explanation',
    type: 'text',
    nullable: true,
    level: 'explanation',
    description: 'the explanation text, exactly as in the file (leading space kept)',
  },
  {
    name: 'ev_correlation_score',
    type: 'real',
    nullable: true,
    level: 'explanation',
    description:
      "the paper's score: correlation of simulated with true activations, pooled over the scored records; null when undefined (NaN in the file)",
  },
  {
    name: 'rsquared_score',
    type: 'real',
    nullable: true,
    level: 'explanation',
    description: '1 - mean squared error / mean square of the true activations; null when absent',
  },
  {
    name: 'absolute_dev_explained_score',
    type: 'real',
    nullable: true,
    level: 'explanation',
    description: '1 - mean absolute error / mean absolute true activation; null when absent',
  },
  {
    name: 'scored_sequences',
    type: 'integer',
    nullable: true,
    level: 'explanation',
    description:
      'records whose simulations the file holds for this explanation (0 when the file gives the scores alone)',
  },
  {
    name: 'explanations',
    type: 'integer',
    nullable: false,
    level: 'neuron',
    description: 'explanations the neuron has',
  },
  {
    name: 'has_records',
    type: 'boolean',
    nullable: false,
    level: 'neuron',
    description: 'the neuron has an activation-records file (collated-activations) that was read',
  },
  {
    name: 'max_activation',
    type: 'real',
    nullable: true,
    level: 'neuron',
    description: 'largest activation in any of its records',
  },
  {
    name: 'mean',
    type: 'real',
    nullable: true,
    level: 'neuron',
    description: 'activation mean, as the records file gives it',
  },
  {
    name: 'variance',
    type: 'real',
    nullable: true,
    level: 'neuron',
    description: 'activation variance, as the records file gives it',
  },
  {
    name: 'skewness',
    type: 'real',
    nullable: true,
    level: 'neuron',
    description: 'activation skewness, as the records file gives it',
  },
  {
    name: 'kurtosis',
    type: 'real',
    nullable: true,
    level: 'neuron',
    description: 'activation kurtosis, as the records file gives it',
  },
  {
    name: 'top_records',
    type: 'integer',
    nullable: true,
    level: 'neuron',
    description: 'top-activating records (most_positive_activation_records)',
  },
  {
    name: 'random_records',
    type: 'integer',
    nullable: true,
    level: 'neuron',
    description: 'random records (random_sample)',
  },
  {
    name: 'quantile_records',
    type: 'integer',
    nullable: true,
    level: 'neuron',
    description: 'records sampled by activation quantile, all quantiles together',
  },
  {
    name: 'quantile_boundaries',
    type: 'text',
    nullable: true,
    level: 'neuron',
    description: 'JSON list of the quantile edges (null for an unbounded end)',
  },
];

export type ExportValue = number | string | boolean | null;

const NO_RECORDS: ExportRecordStats = {
  max_activation: null,
  mean: null,
  variance: null,
  skewness: null,
  kurtosis: null,
  top_records: null,
  random_records: null,
  quantile_records: null,
  quantile_boundaries: null,
};

export function recordStats(record: NeuronRecord): ExportRecordStats {
  const byQuantile = record.random_sample_by_quantile;
  return {
    max_activation: maxActivation(record),
    mean: record.mean,
    variance: record.variance,
    skewness: record.skewness,
    kurtosis: record.kurtosis,
    top_records: record.most_positive_activation_records.length,
    random_records: record.random_sample.length,
    quantile_records: byQuantile ? byQuantile.reduce((n, list) => n + list.length, 0) : 0,
    quantile_boundaries: record.quantile_boundaries
      ? JSON.stringify(record.quantile_boundaries)
      : null,
  };
}

export function explanationsOf(results: NeuronSimulationResults): ExportExplanation[] {
  const best = bestExplanationIndex(results);
  return results.scored_explanations.map((scored, rank) => ({
    rank,
    explanation: scored.explanation,
    ev_correlation_score: scored.scored_simulation.ev_correlation_score,
    rsquared_score: scored.scored_simulation.rsquared_score,
    absolute_dev_explained_score: scored.scored_simulation.absolute_dev_explained_score,
    scored_sequences: scored.scored_simulation.scored_sequence_simulations.length,
    is_best: rank === best,
  }));
}

/** A neuron as exported, from whichever of its two files it has (null: no such file). */
export function exportNeuron(
  layer: number,
  neuron: number,
  results: NeuronSimulationResults | null,
  record: NeuronRecord | null,
): ExportNeuron {
  return {
    layer,
    neuron,
    explanations: results ? explanationsOf(results) : [],
    has_records: record !== null,
    ...(record ? recordStats(record) : NO_RECORDS),
  };
}

/** The neuron's rows of the flat table, each in EXPORT_COLUMNS order. */
export function flatRows(neuron: ExportNeuron): ExportValue[][] {
  const neuronPart = (name: string): ExportValue => {
    if (name === 'explanations') return neuron.explanations.length;
    return neuron[name as keyof ExportNeuron] as ExportValue;
  };
  const explanations: (ExportExplanation | null)[] =
    neuron.explanations.length > 0 ? neuron.explanations : [null];
  return explanations.map((explanation) =>
    EXPORT_COLUMNS.map((column) => {
      if (column.level === 'neuron') return neuronPart(column.name);
      if (explanation === null) return null;
      if (column.name === 'explanation_rank') return explanation.rank;
      return explanation[column.name as keyof ExportExplanation] as ExportValue;
    }),
  );
}
