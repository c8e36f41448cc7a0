/**
 * A synthetic 48 x 6,400 dataset of layer indexes, made from the real explanations' text, for the
 * benchmark until ingest's `fixture scale` is available. Deterministic (seeded), so runs compare.
 */
import type { LayerIndex } from '../../src/core/dataset/types.ts';
import { LAYER_INDEX_FORMAT } from '../../src/core/dataset/types.ts';
import type { CsvExplanation } from '../../tests/fixtures/paper-explanations.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every neuron gets an explanation drawn from the real ones (a third spliced from two, so most
 * strings are distinct), a full-precision score that falls with depth as in the paper, and a max
 * activation (every neuron has records, as in the release).
 */
export function syntheticLayerIndexes(
  source: CsvExplanation[],
  layers = 48,
  neuronsPerLayer = 6400,
  seed = 1,
): LayerIndex[] {
  const random = mulberry32(seed);
  const texts = source.map((row) => row.explanation);
  const pick = () => texts[Math.floor(random() * texts.length)]!;
  const result: LayerIndex[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const index: LayerIndex = {
      format: LAYER_INDEX_FORMAT,
      layer,
      neurons: [],
      scores: [],
      explanations: [],
      maxActivations: [],
      hasRecords: [],
    };
    const depth = layer / Math.max(1, layers - 1);
    for (let neuron = 0; neuron < neuronsPerLayer; neuron++) {
      let explanation = pick();
      if (random() < 0.33) {
        const a = explanation.split(' ');
        const b = pick().split(' ');
        explanation = [
          ...a.slice(0, Math.ceil(a.length / 2)),
          ...b.slice(Math.ceil(b.length / 2)),
        ].join(' ');
      }
      const u = (random() + random() + random()) / 3;
      const score =
        random() < 0.002
          ? null
          : Math.max(-0.3, Math.min(0.99, 0.45 - 0.25 * depth + (u - 0.5) * 0.9));
      index.neurons.push(neuron);
      index.scores.push(score);
      index.explanations.push(explanation);
      index.maxActivations.push(0.5 + 10 * random() * random());
      index.hasRecords.push(1);
    }
    result.push(index);
  }
  return result;
}
