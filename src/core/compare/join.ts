/**
 * Two datasets of the same model side by side, from their layer indexes alone: every neuron both
 * list, with each one's best score and their difference. The datasets are joined on the neuron's
 * address (layer, neuron), not on row numbers, because a batch's dataset may hold only some
 * layers of its source, or a layer only in part.
 *
 * "A" is the dataset browsed (the URL's dataset), "B" the one compared with it (`vs=`); the
 * difference is B − A, so "where mine (B) is worse by 0.2" is a difference of at most −0.2.
 */

/** What a join reads of each dataset: the browse engine's NeuronTable has all of it. */
export interface ScoreTable {
  readonly size: number;
  readonly listed: Uint8Array;
  readonly layerOf: Uint16Array;
  readonly neuronOf: Int32Array;
  /** NaN where the neuron has no score. */
  readonly score: Float64Array;
  rowOf(layer: number, neuron: number): number;
}

/** The joined neurons as columns; entry i is one neuron, in (layer, neuron) order. */
export interface Comparison {
  count: number;
  layer: Uint16Array;
  neuron: Int32Array;
  /** The neuron's row in each dataset's table. */
  rowA: Int32Array;
  rowB: Int32Array;
  /** NaN where that dataset has no score for the neuron. */
  scoreA: Float64Array;
  scoreB: Float64Array;
  /** B − A; NaN unless both have a score. */
  difference: Float64Array;
  /** Neurons listed by one dataset only (not in the comparison). */
  onlyA: number;
  onlyB: number;
}

/** B − A: NaN unless both have a score (NaN stays NaN). */
const scoreDifference = (scoreA: number, scoreB: number) => scoreB - scoreA;

/** One compared neuron, as the page draws it: its address, both scores and the difference. */
export interface ComparedNeuron {
  layer: number;
  neuron: number;
  scoreA: number;
  scoreB: number;
  difference: number;
}

/** The neuron at `rowA` of `a` and `rowB` of `b` (rows a comparison view names). */
export function comparedNeuron(
  a: ScoreTable,
  b: ScoreTable,
  rowA: number,
  rowB: number,
): ComparedNeuron {
  const scoreA = a.score[rowA]!;
  const scoreB = b.score[rowB]!;
  return {
    layer: a.layerOf[rowA]!,
    neuron: a.neuronOf[rowA]!,
    scoreA,
    scoreB,
    difference: scoreDifference(scoreA, scoreB),
  };
}

/**
 * Joins two datasets' tables on (layer, neuron). Only neurons listed in both are compared: a
 * batch over a few layers is compared with those layers of its source, not padded with the rest.
 */
export function joinTables(a: ScoreTable, b: ScoreTable): Comparison {
  const rowA = new Int32Array(a.size);
  const rowB = new Int32Array(a.size);
  let count = 0;
  let onlyA = 0;
  for (let row = 0; row < a.size; row++) {
    if (!a.listed[row]) continue;
    const other = b.rowOf(a.layerOf[row]!, a.neuronOf[row]!);
    if (other < 0 || !b.listed[other]) {
      onlyA++;
      continue;
    }
    rowA[count] = row;
    rowB[count] = other;
    count++;
  }
  let listedB = 0;
  for (let row = 0; row < b.size; row++) listedB += b.listed[row]!;
  const comparison: Comparison = {
    count,
    layer: new Uint16Array(count),
    neuron: new Int32Array(count),
    rowA: rowA.slice(0, count),
    rowB: rowB.slice(0, count),
    scoreA: new Float64Array(count),
    scoreB: new Float64Array(count),
    difference: new Float64Array(count),
    onlyA,
    onlyB: listedB - count,
  };
  for (let i = 0; i < count; i++) {
    const ra = comparison.rowA[i]!;
    const sa = a.score[ra]!;
    const sb = b.score[comparison.rowB[i]!]!;
    comparison.layer[i] = a.layerOf[ra]!;
    comparison.neuron[i] = a.neuronOf[ra]!;
    comparison.scoreA[i] = sa;
    comparison.scoreB[i] = sb;
    comparison.difference[i] = scoreDifference(sa, sb);
  }
  return comparison;
}
