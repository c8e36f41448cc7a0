/**
 * Parsers for every published file type. PLACEHOLDER: the signatures are the contract; the
 * validating implementation (errors naming file and field, NaN/Infinity literals, neuron_id
 * checks) replaces these bodies.
 */
import type {
  NeuronFileKind,
  NeuronFileTypes,
  NeuronRecord,
  NeuronSimulationResults,
  RelatedNeurons,
  TokenLookupTableSummaryOfNeuron,
  WeightBasedSummaryOfNeuron,
} from './types.ts';
import type { DatasetList, DatasetManifest, LayerIndex } from '../dataset/types.ts';

/** Where a file came from, so that an error can name it; layer/neuron are checked against neuron_id. */
export interface FileLocation {
  path: string;
  layer?: number;
  neuron?: number;
}

/** A dataset file that cannot be used, with the file and (when known) the field at fault. */
export class DatasetFileError extends Error {
  readonly path: string;
  readonly field: string | null;
  constructor(path: string, field: string | null, problem: string) {
    super(field ? `${path}: ${field}: ${problem}` : `${path}: ${problem}`);
    this.name = 'DatasetFileError';
    this.path = path;
    this.field = field;
  }
}

function parseJson(text: string, where: FileLocation): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DatasetFileError(where.path, null, `not valid JSON (${String(error)})`);
  }
}

export function parseNeuronSimulationResults(
  text: string,
  where: FileLocation,
): NeuronSimulationResults {
  return parseJson(text, where) as NeuronSimulationResults;
}

export function parseNeuronRecord(text: string, where: FileLocation): NeuronRecord {
  return parseJson(text, where) as NeuronRecord;
}

export function parseTokenLookupTable(
  text: string,
  where: FileLocation,
): TokenLookupTableSummaryOfNeuron {
  return parseJson(text, where) as TokenLookupTableSummaryOfNeuron;
}

export function parseWeightBasedSummary(
  text: string,
  where: FileLocation,
): WeightBasedSummaryOfNeuron {
  return parseJson(text, where) as WeightBasedSummaryOfNeuron;
}

export function parseRelatedNeurons(text: string, where: FileLocation): RelatedNeurons {
  return parseJson(text, where) as RelatedNeurons;
}

export function parseNeuronFile<K extends NeuronFileKind>(
  kind: K,
  text: string,
  where: FileLocation,
): NeuronFileTypes[K] {
  const parsers: {
    [Kind in NeuronFileKind]: (t: string, w: FileLocation) => NeuronFileTypes[Kind];
  } = {
    explanations: parseNeuronSimulationResults,
    'collated-activations': parseNeuronRecord,
    'related-tokens/activation-based': parseTokenLookupTable,
    'related-tokens/weight-based': parseWeightBasedSummary,
    'related-neurons/weight-based': parseRelatedNeurons,
  };
  return parsers[kind](text, where);
}

export function parseDatasetList(text: string, where: FileLocation): DatasetList {
  return parseJson(text, where) as DatasetList;
}

export function parseManifest(text: string, where: FileLocation): DatasetManifest {
  return parseJson(text, where) as DatasetManifest;
}

export function parseLayerIndex(text: string, where: FileLocation): LayerIndex {
  return parseJson(text, where) as LayerIndex;
}
