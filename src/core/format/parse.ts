/**
 * Parsers for every published file type, shared by the browser, the server and the CLI. Each takes
 * a file's text and where it came from, and returns a typed value or throws a DatasetFileError that
 * names the file and the field, e.g.
 * `explanations/0/816.jsonl: scored_explanations[0].scored_simulation.scored_sequence_simulations[2].true_activations: 63 values for 64 tokens`.
 *
 * What they accept, as real files hold it:
 * - `dataclass_name` keys (dropped, as is any other unknown key);
 * - `NaN`, `Infinity`, `-Infinity` literals (see ./json.ts);
 * - fields absent where the release's Python dataclasses give a default (`random_sample` [],
 *   `random_sample_by_quantile` / `quantile_boundaries` / `uncalibrated_simulation` null, the
 *   statistics NaN, the rsquared and absolute-deviation scores null);
 * - null scores, statistics, quantile boundaries, average activations and strengths.
 *
 * Scores, statistics, quantile boundaries, average activations and strengths that are not finite
 * become null: for them "undefined" is a meaningful value. Activations are measurements (real or
 * simulated): a non-finite activation, true activation, expected activation or distribution value
 * rejects the file, since no heatmap or score can be made from it and inventing a value would
 * show data that does not exist.
 *
 * Past the bounds of ./limits.ts a file is damaged too: more than 16 MB, an ev_correlation_score
 * outside [-1, 1] (a correlation), an explanation longer than 1,000 characters, a record or
 * sequence of more than 4,096 tokens.
 */
import type {
  ActivationRecord,
  ActivationScale,
  ConnectedNeurons,
  NeuronFileKind,
  NeuronFileTypes,
  NeuronId,
  NeuronRecord,
  NeuronRef,
  NeuronSimulationResults,
  RelatedNeurons,
  ScoredExplanation,
  ScoredSequenceSimulation,
  ScoredSimulation,
  SequenceSimulation,
  TokenLookupTableSummaryOfNeuron,
  TokensAndWeights,
  WeightBasedSummaryOfNeuron,
} from './types.ts';
import { JsonSyntaxError, parseJsonText } from './json.ts';
import {
  isCorrelation,
  MAX_EXPLANATION_CHARS,
  MAX_NEURON_FILE_BYTES,
  MAX_SEQUENCE_TOKENS,
  tooLargeProblem,
} from './limits.ts';
import {
  at,
  fieldPathText,
  FieldProblem,
  finiteList,
  index,
  list,
  object,
  optionalNumber,
  optionalNumberList,
  required,
  sameLength,
  string,
  stringList,
  wrongType,
  type FieldPath,
  type JsonObject,
} from './validate.ts';

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

/**
 * Parses the text and runs `read` over it, turning any problem into a DatasetFileError. Every
 * parser of a dataset file (these, and the project's own formats in src/core/dataset) goes through it.
 */
export function parseWith<T>(
  text: string,
  where: FileLocation,
  read: (root: unknown) => T,
  limit: { bytes: number; what: string } = {
    bytes: MAX_NEURON_FILE_BYTES,
    what: 'a per-neuron file',
  },
): T {
  // Characters, not bytes: never more than the UTF-8 bytes, so a text past the limit is a file past it.
  if (text.length > limit.bytes) {
    throw new DatasetFileError(
      where.path,
      null,
      tooLargeProblem(text.length, limit.bytes, limit.what),
    );
  }
  let root: unknown;
  try {
    root = parseJsonText(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      throw new DatasetFileError(where.path, null, error.message);
    throw error;
  }
  try {
    return read(root);
  } catch (error) {
    if (error instanceof FieldProblem) {
      throw new DatasetFileError(where.path, fieldPathText(error.field), error.problem);
    }
    throw error;
  }
}

// --- per-neuron files --------------------------------------------------------------------------

function readNeuronId(value: unknown, path: FieldPath, where: FileLocation): NeuronId {
  const o = object(value, path);
  const id: NeuronId = {
    layer_index: index(required(o, 'layer_index', path), at(path, 'layer_index')),
    neuron_index: index(required(o, 'neuron_index', path), at(path, 'neuron_index')),
  };
  const layerMismatch = where.layer !== undefined && id.layer_index !== where.layer;
  const neuronMismatch = where.neuron !== undefined && id.neuron_index !== where.neuron;
  if (layerMismatch || neuronMismatch) {
    throw new FieldProblem(
      path,
      `names layer ${id.layer_index}, neuron ${id.neuron_index}, but the file is for layer ${where.layer ?? '?'}, neuron ${where.neuron ?? '?'}`,
    );
  }
  return id;
}

/** A sequence's tokens: strings, at most MAX_SEQUENCE_TOKENS of them. */
function sequenceTokens(value: unknown, path: FieldPath): string[] {
  const tokens = stringList(value, path);
  if (tokens.length > MAX_SEQUENCE_TOKENS) {
    throw new FieldProblem(
      path,
      `${tokens.length.toLocaleString('en-US')} tokens, more than the ${MAX_SEQUENCE_TOKENS.toLocaleString('en-US')} a record may have`,
    );
  }
  return tokens;
}

function readRecord(value: unknown, path: FieldPath): ActivationRecord {
  const o = object(value, path);
  const tokens = sequenceTokens(required(o, 'tokens', path), at(path, 'tokens'));
  const activationsPath = at(path, 'activations');
  const activations = finiteList(required(o, 'activations', path), activationsPath);
  sameLength(activations, tokens.length, activationsPath, 'values', 'tokens');
  return { tokens, activations };
}

function readRecords(value: unknown, path: FieldPath): ActivationRecord[] {
  const items = list(value, path);
  const out = new Array<ActivationRecord>(items.length);
  for (let i = 0; i < items.length; i += 1) out[i] = readRecord(items[i], at(path, i));
  return out;
}

/** A list field that the release's dataclasses default to an empty list. */
function optionalRecords(o: JsonObject, key: string, parent: FieldPath | null): ActivationRecord[] {
  const value = o[key];
  return value === undefined ? [] : readRecords(value, at(parent, key));
}

function readNeuronRecord(root: unknown, where: FileLocation): NeuronRecord {
  const o = object(root, null);
  const neuron_id = readNeuronId(required(o, 'neuron_id', null), at(null, 'neuron_id'), where);
  const most_positive_activation_records = optionalRecords(
    o,
    'most_positive_activation_records',
    null,
  );
  const random_sample = optionalRecords(o, 'random_sample', null);

  let random_sample_by_quantile: ActivationRecord[][] | null = null;
  const byQuantile = o.random_sample_by_quantile;
  const byQuantilePath = at(null, 'random_sample_by_quantile');
  if (byQuantile !== undefined && byQuantile !== null) {
    const lists = list(byQuantile, byQuantilePath);
    random_sample_by_quantile = lists.map((records, i) =>
      readRecords(records, at(byQuantilePath, i)),
    );
  }

  let quantile_boundaries: (number | null)[] | null = null;
  const boundaries = o.quantile_boundaries;
  if (boundaries !== undefined && boundaries !== null) {
    quantile_boundaries = optionalNumberList(boundaries, at(null, 'quantile_boundaries'));
  }
  if (random_sample_by_quantile && quantile_boundaries) {
    const expected = quantile_boundaries.length - 1;
    if (random_sample_by_quantile.length !== expected) {
      throw new FieldProblem(
        byQuantilePath,
        `${random_sample_by_quantile.length} quantile lists for ${quantile_boundaries.length} quantile boundaries (expected ${expected})`,
      );
    }
  }

  return {
    neuron_id,
    most_positive_activation_records,
    random_sample,
    random_sample_by_quantile,
    quantile_boundaries,
    mean: optionalNumber(o.mean, at(null, 'mean')),
    variance: optionalNumber(o.variance, at(null, 'variance')),
    skewness: optionalNumber(o.skewness, at(null, 'skewness')),
    kurtosis: optionalNumber(o.kurtosis, at(null, 'kurtosis')),
  };
}

const ACTIVATION_SCALES: readonly ActivationScale[] = [
  'neuron_activations',
  'simulated_normalized_activations',
];

function readDistribution(value: unknown, path: FieldPath): number[][] {
  const rows = list(value, path);
  for (let i = 0; i < rows.length; i += 1) finiteList(rows[i], at(path, i));
  return rows as number[][];
}

function readSimulation(value: unknown, path: FieldPath): SequenceSimulation {
  const o = object(value, path);
  const tokens = sequenceTokens(required(o, 'tokens', path), at(path, 'tokens'));
  const expectedPath = at(path, 'expected_activations');
  const expected_activations = finiteList(required(o, 'expected_activations', path), expectedPath);
  sameLength(expected_activations, tokens.length, expectedPath, 'values', 'tokens');

  const scalePath = at(path, 'activation_scale');
  const scale = required(o, 'activation_scale', path);
  if (typeof scale !== 'string') throw wrongType(scalePath, 'an activation scale name', scale);
  if (!ACTIVATION_SCALES.includes(scale as ActivationScale)) {
    throw new FieldProblem(
      scalePath,
      `unknown activation scale ${JSON.stringify(scale)} (expected "neuron_activations" or "simulated_normalized_activations")`,
    );
  }

  const valuesPath = at(path, 'distribution_values');
  const distribution_values = readDistribution(
    required(o, 'distribution_values', path),
    valuesPath,
  );
  if (distribution_values.length !== 0) {
    sameLength(distribution_values, tokens.length, valuesPath, 'lists', 'tokens');
  }
  const probabilitiesPath = at(path, 'distribution_probabilities');
  const distribution_probabilities = readDistribution(
    required(o, 'distribution_probabilities', path),
    probabilitiesPath,
  );
  if (distribution_probabilities.length !== 0) {
    sameLength(
      distribution_probabilities,
      distribution_values.length,
      probabilitiesPath,
      'lists',
      'distribution_values lists',
    );
    for (let i = 0; i < distribution_probabilities.length; i += 1) {
      sameLength(
        distribution_probabilities[i] ?? [],
        distribution_values[i]?.length ?? 0,
        at(probabilitiesPath, i),
        'probabilities',
        'values',
      );
    }
  }

  const uncalibrated = o.uncalibrated_simulation;
  return {
    tokens,
    expected_activations,
    activation_scale: scale as ActivationScale,
    distribution_values,
    distribution_probabilities,
    uncalibrated_simulation:
      uncalibrated === undefined || uncalibrated === null
        ? null
        : readSimulation(uncalibrated, at(path, 'uncalibrated_simulation')),
  };
}

/** A correlation, or null when undefined (as optionalNumber); outside [-1, 1] the file is damaged. */
function correlation(value: unknown, path: FieldPath): number | null {
  const score = optionalNumber(value, path);
  if (score !== null && !isCorrelation(score)) {
    throw new FieldProblem(path, `${score} is not a correlation (those lie in [-1, 1])`);
  }
  return score;
}

function readScoredSequence(value: unknown, path: FieldPath): ScoredSequenceSimulation {
  const o = object(value, path);
  const simulation = readSimulation(required(o, 'simulation', path), at(path, 'simulation'));
  const truePath = at(path, 'true_activations');
  const true_activations = finiteList(required(o, 'true_activations', path), truePath);
  sameLength(true_activations, simulation.tokens.length, truePath, 'values', 'tokens');
  return {
    simulation,
    true_activations,
    ev_correlation_score: correlation(o.ev_correlation_score, at(path, 'ev_correlation_score')),
    rsquared_score: optionalNumber(o.rsquared_score, at(path, 'rsquared_score')),
    absolute_dev_explained_score: optionalNumber(
      o.absolute_dev_explained_score,
      at(path, 'absolute_dev_explained_score'),
    ),
  };
}

function readScoredSimulation(value: unknown, path: FieldPath): ScoredSimulation {
  const o = object(value, path);
  const sequencesPath = at(path, 'scored_sequence_simulations');
  const sequences = list(required(o, 'scored_sequence_simulations', path), sequencesPath);
  const scored_sequence_simulations = new Array<ScoredSequenceSimulation>(sequences.length);
  for (let i = 0; i < sequences.length; i += 1) {
    scored_sequence_simulations[i] = readScoredSequence(sequences[i], at(sequencesPath, i));
  }
  return {
    scored_sequence_simulations,
    ev_correlation_score: correlation(o.ev_correlation_score, at(path, 'ev_correlation_score')),
    rsquared_score: optionalNumber(o.rsquared_score, at(path, 'rsquared_score')),
    absolute_dev_explained_score: optionalNumber(
      o.absolute_dev_explained_score,
      at(path, 'absolute_dev_explained_score'),
    ),
  };
}

/** An explanation's text; past MAX_EXPLANATION_CHARS it is not one (and would bloat the index). */
export function explanationText(value: unknown, path: FieldPath): string {
  const text = string(value, path);
  if (text.length > MAX_EXPLANATION_CHARS) {
    throw new FieldProblem(
      path,
      `${text.length.toLocaleString('en-US')} characters, more than the ${MAX_EXPLANATION_CHARS.toLocaleString('en-US')} an explanation may have`,
    );
  }
  return text;
}

function readScoredExplanation(value: unknown, path: FieldPath): ScoredExplanation {
  const o = object(value, path);
  return {
    explanation: explanationText(required(o, 'explanation', path), at(path, 'explanation')),
    scored_simulation: readScoredSimulation(
      required(o, 'scored_simulation', path),
      at(path, 'scored_simulation'),
    ),
  };
}

function readSimulationResults(root: unknown, where: FileLocation): NeuronSimulationResults {
  const o = object(root, null);
  const neuron_id = readNeuronId(required(o, 'neuron_id', null), at(null, 'neuron_id'), where);
  const explanationsPath = at(null, 'scored_explanations');
  const items = list(required(o, 'scored_explanations', null), explanationsPath);
  const scored_explanations = new Array<ScoredExplanation>(items.length);
  for (let i = 0; i < items.length; i += 1) {
    scored_explanations[i] = readScoredExplanation(items[i], at(explanationsPath, i));
  }
  return { neuron_id, scored_explanations };
}

function readTokenLookupTable(root: unknown): TokenLookupTableSummaryOfNeuron {
  const o = object(root, null);
  const tokens = stringList(required(o, 'tokens', null), at(null, 'tokens'));
  const averagesPath = at(null, 'average_activations');
  const average_activations = optionalNumberList(
    required(o, 'average_activations', null),
    averagesPath,
  );
  sameLength(average_activations, tokens.length, averagesPath, 'values', 'tokens');
  return { tokens, average_activations };
}

function readTokensAndWeights(o: JsonObject, key: string): TokensAndWeights {
  const path = at(null, key);
  const inner = object(required(o, key, null), path);
  const tokens = stringList(required(inner, 'tokens', path), at(path, 'tokens'));
  const strengthsPath = at(path, 'strengths');
  const strengths = optionalNumberList(required(inner, 'strengths', path), strengthsPath);
  sameLength(strengths, tokens.length, strengthsPath, 'values', 'tokens');
  return { tokens, strengths };
}

function readWeightBasedSummary(root: unknown): WeightBasedSummaryOfNeuron {
  const o = object(root, null);
  return {
    input_positive: readTokensAndWeights(o, 'input_positive'),
    input_negative: readTokensAndWeights(o, 'input_negative'),
    output_positive: readTokensAndWeights(o, 'output_positive'),
    output_negative: readTokensAndWeights(o, 'output_negative'),
  };
}

const NEURON_NAME = /^(0|[1-9]\d*)_(0|[1-9]\d*)$/;

function readNeuronRefs(value: unknown, path: FieldPath): NeuronRef[] {
  const names = stringList(value, path);
  return names.map((name, i) => {
    const match = NEURON_NAME.exec(name);
    if (!match) {
      throw new FieldProblem(
        at(path, i),
        `${JSON.stringify(name)} is not a neuron name of the form "layer_neuron"`,
      );
    }
    return { layer: Number(match[1]), neuron: Number(match[2]) };
  });
}

function readConnected(value: unknown, path: FieldPath): ConnectedNeurons | null {
  if (value === undefined || value === null) return null;
  const o = object(value, path);
  const side = (sign: 'positive' | 'negative', needed: boolean) => {
    const neuronsKey = `top_${sign}_neurons`;
    const weightsKey = `top_${sign}_weights`;
    if (!needed && o[neuronsKey] === undefined && o[weightsKey] === undefined) {
      return { neurons: [], weights: [] };
    }
    const neurons = readNeuronRefs(required(o, neuronsKey, path), at(path, neuronsKey));
    const weightsPath = at(path, weightsKey);
    const weights = finiteList(required(o, weightsKey, path), weightsPath);
    sameLength(weights, neurons.length, weightsPath, 'weights', 'neurons');
    return { neurons, weights };
  };
  // The release's viewer reads only the positive side; the negative side is not required.
  const positive = side('positive', true);
  const negative = side('negative', false);
  return {
    top_positive_neurons: positive.neurons,
    top_positive_weights: positive.weights,
    top_negative_neurons: negative.neurons,
    top_negative_weights: negative.weights,
  };
}

function readRelatedNeurons(root: unknown): RelatedNeurons {
  const o = object(root, null);
  return {
    c_fc: readConnected(o.c_fc, at(null, 'c_fc')),
    c_proj: readConnected(o.c_proj, at(null, 'c_proj')),
  };
}

export function parseNeuronSimulationResults(
  text: string,
  where: FileLocation,
): NeuronSimulationResults {
  return parseWith(text, where, (root) => readSimulationResults(root, where));
}

export function parseNeuronRecord(text: string, where: FileLocation): NeuronRecord {
  return parseWith(text, where, (root) => readNeuronRecord(root, where));
}

export function parseTokenLookupTable(
  text: string,
  where: FileLocation,
): TokenLookupTableSummaryOfNeuron {
  return parseWith(text, where, readTokenLookupTable);
}

export function parseWeightBasedSummary(
  text: string,
  where: FileLocation,
): WeightBasedSummaryOfNeuron {
  return parseWith(text, where, readWeightBasedSummary);
}

export function parseRelatedNeurons(text: string, where: FileLocation): RelatedNeurons {
  return parseWith(text, where, readRelatedNeurons);
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
