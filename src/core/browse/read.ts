/**
 * A layer index's text straight to typed columns, for the search worker and the CLI: one pass per
 * column that checks the parser's contract (src/core/dataset/parse.ts, parseLayerIndex) while it
 * fills the arrays. The parser's own checks name the field at fault but cost a path object per
 * value (about a third of a second over 307,200 neurons); so a file that fails any check here is
 * read again by the parser, whose error is the one thrown.
 */
import { MAX_LAYER, MAX_LAYER_INDEX_BYTES } from '../dataset/limits.ts';
import { LAYER_INDEX_FORMAT } from '../dataset/types.ts';
import { isCorrelation, MAX_EXPLANATION_CHARS } from '../format/limits.ts';
import { parseLayerIndex } from '../dataset/parse.ts';
import { layerColumns, type LayerColumns } from './table.ts';

export function readLayerColumns(text: string, path: string): LayerColumns {
  let root: unknown = null;
  try {
    // Past the size limit, only the parser's error is wanted.
    if (text.length <= MAX_LAYER_INDEX_BYTES) root = JSON.parse(text);
  } catch {
    // The parser's lenient reader says where the text is broken.
  }
  return quickColumns(root) ?? layerColumns(parseLayerIndex(text, { path }), path);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The columns, or null when anything is off (the parser then says what). */
function quickColumns(root: unknown): LayerColumns | null {
  if (!isObject(root) || root.format !== LAYER_INDEX_FORMAT) return null;
  const { layer, neurons, scores, explanations, maxActivations, hasRecords } = root;
  if (typeof layer !== 'number' || !Number.isInteger(layer) || layer < 0) return null;
  if (layer > MAX_LAYER) return null;
  if (!Array.isArray(neurons)) return null;
  const n = neurons.length;
  for (const column of [scores, explanations, maxActivations, hasRecords]) {
    if (!Array.isArray(column) || column.length !== n) return null;
  }
  const neuronColumn = new Int32Array(n);
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const neuron: unknown = neurons[i];
    if (typeof neuron !== 'number' || !Number.isInteger(neuron) || neuron <= previous) return null;
    if (neuron > 0x7fffffff) return null;
    neuronColumn[i] = neuron;
    previous = neuron;
  }
  const scoreColumn = numbers(scores as unknown[]);
  for (let i = 0; scoreColumn && i < n; i++) {
    const score = scoreColumn[i]!;
    if (!Number.isNaN(score) && !isCorrelation(score)) return null;
  }
  const maxColumn = numbers(maxActivations as unknown[]);
  if (!scoreColumn || !maxColumn) return null;
  const recordColumn = new Uint8Array(n);
  const records = hasRecords as unknown[];
  for (let i = 0; i < n; i++) {
    const value = records[i];
    if (value !== 0 && value !== 1) return null;
    recordColumn[i] = value;
  }
  const texts = explanations as unknown[];
  for (let i = 0; i < n; i++) {
    const value = texts[i];
    if (value !== null && (typeof value !== 'string' || value.length > MAX_EXPLANATION_CHARS))
      return null;
  }
  return {
    layer,
    neurons: neuronColumn,
    scores: scoreColumn,
    maxActivations: maxColumn,
    hasRecords: recordColumn,
    explanations: texts as (string | null)[],
  };
}

/** Finite numbers or null (as NaN); null when a value is anything else. */
function numbers(values: unknown[]): Float64Array | null {
  const column = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null) column[i] = NaN;
    else if (typeof value === 'number' && Number.isFinite(value)) column[i] = value;
    else return null;
  }
  return column;
}
