/** A comparison view's columns for the browse export (src/core/view-export): row = entry. */
import type { ViewColumn } from '../view-export/export.ts';
import type { Comparison } from './join.ts';

interface ExplanationSource {
  explanationOf(row: number): string | null;
}

const orNull = (value: number) => (value === value ? value : null);

/** layer, neuron, each dataset's explanation and score, and the difference (B − A). */
export function comparisonColumns(
  comparison: Comparison,
  a: ExplanationSource,
  b: ExplanationSource,
): ViewColumn[] {
  return [
    { name: 'layer', value: (i) => comparison.layer[i]! },
    { name: 'neuron', value: (i) => comparison.neuron[i]! },
    { name: 'explanation', value: (i) => a.explanationOf(comparison.rowA[i]!) },
    { name: 'ev_correlation_score', value: (i) => orNull(comparison.scoreA[i]!) },
    { name: 'vs_explanation', value: (i) => b.explanationOf(comparison.rowB[i]!) },
    { name: 'vs_ev_correlation_score', value: (i) => orNull(comparison.scoreB[i]!) },
    { name: 'difference', value: (i) => orNull(comparison.difference[i]!) },
  ];
}
