/** A comparison view's columns for the browse export (src/core/view-export): row = place in the view. */
import type { ViewColumn } from '../view-export/export.ts';
import { comparedNeuron, type ScoreTable } from './join.ts';

interface ComparedTable extends ScoreTable {
  explanationOf(row: number): string | null;
}

/** A comparison view's neurons in order, as rows of each dataset's table. */
export interface ComparedRows {
  rowA: Int32Array;
  rowB: Int32Array;
}

const orNull = (value: number) => (value === value ? value : null);

/**
 * layer, neuron, each dataset's explanation and score, and the difference (B − A); a column's
 * value for k is that of the view's k-th neuron.
 */
export function comparisonColumns(
  rows: ComparedRows,
  a: ComparedTable,
  b: ComparedTable,
): ViewColumn[] {
  const neuron = (k: number) => comparedNeuron(a, b, rows.rowA[k]!, rows.rowB[k]!);
  return [
    { name: 'layer', value: (k) => a.layerOf[rows.rowA[k]!]! },
    { name: 'neuron', value: (k) => a.neuronOf[rows.rowA[k]!]! },
    { name: 'explanation', value: (k) => a.explanationOf(rows.rowA[k]!) },
    { name: 'ev_correlation_score', value: (k) => orNull(a.score[rows.rowA[k]!]!) },
    { name: 'vs_explanation', value: (k) => b.explanationOf(rows.rowB[k]!) },
    { name: 'vs_ev_correlation_score', value: (k) => orNull(b.score[rows.rowB[k]!]!) },
    { name: 'difference', value: (k) => orNull(neuron(k).difference) },
  ];
}
