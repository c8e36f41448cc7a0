/** The highest-scoring neurons across layer indexes, as `top` prints them. */
import type { LayerIndex } from './types.ts';

export interface ScoredNeuron {
  layer: number;
  neuron: number;
  score: number;
  explanation: string;
}

/** Best first; ties by layer, then neuron, so the order is the same on every run. */
export function compareScoredNeurons(a: ScoredNeuron, b: ScoredNeuron): number {
  return b.score - a.score || a.layer - b.layer || a.neuron - b.neuron;
}

/** The `n` explained neurons with the highest scores (unscored neurons never rank). */
export function topNeurons(indexes: Iterable<LayerIndex>, n: number): ScoredNeuron[] {
  const all: ScoredNeuron[] = [];
  for (const index of indexes) {
    for (let i = 0; i < index.neurons.length; i += 1) {
      const score = index.scores[i];
      const explanation = index.explanations[i];
      if (score == null || explanation == null) continue;
      all.push({ layer: index.layer, neuron: index.neurons[i] as number, score, explanation });
    }
  }
  return all.sort(compareScoredNeurons).slice(0, Math.max(0, n));
}
