/** Small tables for the browse tests. */
import type { LayerIndex } from '../dataset/types.ts';
import { LAYER_INDEX_FORMAT } from '../dataset/types.ts';
import { layerColumns, NeuronTable } from './table.ts';

export interface TestNeuron {
  layer: number;
  neuron: number;
  score: number | null;
  explanation: string | null;
  maxActivation?: number | null;
  hasRecords?: 0 | 1;
}

export function layerIndex(layer: number, neurons: TestNeuron[]): LayerIndex {
  const mine = neurons.filter((n) => n.layer === layer).sort((a, b) => a.neuron - b.neuron);
  return {
    format: LAYER_INDEX_FORMAT,
    layer,
    neurons: mine.map((n) => n.neuron),
    scores: mine.map((n) => n.score),
    explanations: mine.map((n) => n.explanation),
    maxActivations: mine.map((n) => n.maxActivation ?? null),
    hasRecords: mine.map((n) => n.hasRecords ?? 0),
  };
}

/** A table of `layers` layers of `size` neurons, with every layer loaded. */
export function tableOf(neurons: TestNeuron[], layers: number, size: number): NeuronTable {
  const table = new NeuronTable(
    Array.from({ length: layers }, (_, layer) => ({ layer, neurons: size })),
  );
  for (let layer = 0; layer < layers; layer++)
    table.addLayer(layerColumns(layerIndex(layer, neurons)));
  return table;
}
