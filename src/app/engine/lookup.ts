/** Reading single neurons out of the page's table (./store.ts), for the neuron page. */
import type { NeuronAddress } from '../../core/address/address.ts';
import type { NeuronTable } from '../../core/browse/table.ts';

export interface NeuronEntry {
  score: number | null;
  explanation: string | null;
  maxActivation: number | null;
  hasRecords: boolean;
}

const orNull = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? null : value;

/** The neuron's row of its layer index; null when that layer is not loaded or does not list it. */
export function neuronEntry(
  table: NeuronTable,
  { layer, neuron }: NeuronAddress,
): NeuronEntry | null {
  const row = table.rowOf(layer, neuron);
  if (row < 0 || !table.listed[row]) return null;
  return {
    score: orNull(table.score[row]),
    explanation: table.explanationOf(row),
    maxActivation: orNull(table.maxActivation[row]),
    hasRecords: table.hasRecords[row] === 1,
  };
}

/** The neurons of a loaded layer that have an explanation, ascending. */
export function explainedNeurons(table: NeuronTable, layer: number): number[] {
  const [first, end] = table.layerRows(layer);
  const neurons: number[] = [];
  for (let row = first; row < end; row++) {
    if (table.hasExplanation(row)) neurons.push(table.neuronOf[row]!);
  }
  return neurons;
}

/** What "next explained" or "next with records" looks for. */
export type NeuronKind = 'explained' | 'records';

export type SeekResult =
  /** The neuron found, or null when there is none that way. */
  | { found: NeuronAddress | null }
  /** The search reached a layer that is not loaded yet: load it and ask again. */
  | { needs: number };

/**
 * The nearest neuron of the kind after `from` (direction 1) or before it (-1), running on into
 * the following (or preceding) layers; layers for which `mayHold` is false (the manifest counts
 * none of the kind there) are passed over without being loaded.
 */
export function seekNeuron(
  table: NeuronTable,
  from: NeuronAddress,
  direction: 1 | -1,
  kind: NeuronKind,
  mayHold: (layer: number) => boolean = () => true,
): SeekResult {
  const matches = (row: number) =>
    kind === 'explained'
      ? table.hasExplanation(row)
      : table.listed[row] === 1 && table.hasRecords[row] === 1;
  const slots = table.layers.map((entry) => entry.layer);
  let slot = slots.indexOf(from.layer);
  if (slot < 0) return { found: null };
  let row = table.rowOf(from.layer, from.neuron);
  for (; slot >= 0 && slot < slots.length; slot += direction) {
    const layer = slots[slot]!;
    if (!mayHold(layer)) {
      row = -1;
      continue;
    }
    if (!table.loadedLayers.has(layer)) return { needs: layer };
    const [first, end] = table.layerRows(layer);
    if (row < 0) row = direction === 1 ? first - 1 : end;
    for (row += direction; row >= first && row < end; row += direction) {
      if (matches(row)) return { found: { layer, neuron: table.neuronOf[row]! } };
    }
    row = -1;
  }
  return { found: null };
}

/** One of `items`, each as likely as its weight (none when every weight is 0). */
export function pickWeighted<T>(
  items: readonly T[],
  weight: (item: T) => number,
  random: () => number = Math.random,
): T | undefined {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  if (total <= 0) return undefined;
  let ticket = random() * total;
  for (const item of items) {
    ticket -= weight(item);
    if (ticket < 0) return item;
  }
  return items.findLast((item) => weight(item) > 0);
}
