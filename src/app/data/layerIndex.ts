/** Reading one neuron's row out of a layer index (columns, neurons ascending). */
import type { LayerIndex } from '../../core/dataset/types.ts';

export interface LayerIndexEntry {
  neuron: number;
  score: number | null;
  explanation: string | null;
  maxActivation: number | null;
  hasRecords: boolean;
}

/** Position of `neuron` in the index's neurons, or -1. */
function position(index: LayerIndex, neuron: number): number {
  let lo = 0;
  let hi = index.neurons.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const value = index.neurons[mid]!;
    if (value === neuron) return mid;
    if (value < neuron) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The neuron's row; null when the index lists no file for it. */
export function layerIndexEntry(index: LayerIndex, neuron: number): LayerIndexEntry | null {
  const i = position(index, neuron);
  if (i < 0) return null;
  return {
    neuron,
    score: index.scores[i] ?? null,
    explanation: index.explanations[i] ?? null,
    maxActivation: index.maxActivations[i] ?? null,
    hasRecords: index.hasRecords[i] === 1,
  };
}

/** The neurons of the layer that have an explanation. */
export function explainedNeurons(index: LayerIndex): number[] {
  return index.neurons.filter((_, i) => index.explanations[i] != null);
}
