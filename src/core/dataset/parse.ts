/**
 * Parsers for the project's own files, the ones ingest writes (see ./types.ts): the data folder's
 * list of datasets, a dataset's manifest and its layer indexes. Like the parsers of the published
 * files (src/core/format/parse.ts), each takes a file's text and where it came from and returns a
 * typed value or throws a DatasetFileError naming the file and the field.
 */
import { isCorrelation } from '../format/limits.ts';
import {
  DatasetFileError,
  explanationText,
  parseWith,
  type FileLocation,
} from '../format/parse.ts';
import {
  at,
  boolean,
  fieldPathText,
  FieldProblem,
  finite,
  finiteList,
  index,
  list,
  object,
  required,
  sameLength,
  string,
  stringList,
  wrongType,
  type FieldPath,
  type JsonObject,
} from '../format/validate.ts';
import type {
  DatasetList,
  DatasetListEntry,
  DatasetManifest,
  LayerIndex,
  LayerSummary,
  ManifestLayerProblem,
  ScoreHistogram,
  ScoreQuantiles,
} from './types.ts';
import {
  MAX_LAYER,
  MAX_LAYER_INDEX_BYTES,
  MAX_MANIFEST_BYTES,
  MAX_NEURONS_PER_LAYER,
} from './limits.ts';
import { LAYER_INDEX_FORMAT, MANIFEST_FORMAT } from './types.ts';

const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function datasetId(value: unknown, path: FieldPath): string {
  const id = string(value, path);
  if (!DATASET_ID.test(id) || id.includes('..')) {
    throw new FieldProblem(
      path,
      `${JSON.stringify(id)} is not a dataset id (letters, digits, ".", "_" and "-", starting with a letter or digit)`,
    );
  }
  return id;
}

function format(o: JsonObject, expected: string): void {
  const value = required(o, 'format', null);
  if (value !== expected) {
    throw new FieldProblem(
      at(null, 'format'),
      `expected ${JSON.stringify(expected)}, found ${JSON.stringify(value)}`,
    );
  }
}

function readDatasetList(root: unknown): DatasetList {
  const o = object(root, null);
  const defaultValue = required(o, 'default', null);
  // An empty list has no default to name.
  const defaultId =
    defaultValue === '' && Array.isArray(o.datasets) && o.datasets.length === 0
      ? ''
      : datasetId(defaultValue, at(null, 'default'));
  const datasetsPath = at(null, 'datasets');
  const datasets = list(required(o, 'datasets', null), datasetsPath).map(
    (value, i): DatasetListEntry => {
      const path = at(datasetsPath, i);
      const entry = object(value, path);
      return {
        id: datasetId(required(entry, 'id', path), at(path, 'id')),
        title: string(required(entry, 'title', path), at(path, 'title')),
        model: string(required(entry, 'model', path), at(path, 'model')),
        synthetic: boolean(required(entry, 'synthetic', path), at(path, 'synthetic')),
      };
    },
  );
  if (datasets.length > 0 && !datasets.some((entry) => entry.id === defaultId)) {
    throw new FieldProblem(at(null, 'default'), `names ${defaultId}, which is not in the list`);
  }
  return { default: defaultId, datasets };
}

/** A score statistic: a correlation (see src/core/format/limits.ts). */
function score(value: unknown, path: FieldPath): number {
  const number = finite(value, path);
  if (!isCorrelation(number)) {
    throw new FieldProblem(path, `${number} is not a score (scores lie in [-1, 1])`);
  }
  return number;
}

function readQuantiles(value: unknown, path: FieldPath): ScoreQuantiles {
  const o = object(value, path);
  const q = (key: keyof ScoreQuantiles) => score(required(o, key, path), at(path, key));
  return {
    min: q('min'),
    p10: q('p10'),
    p25: q('p25'),
    p50: q('p50'),
    p75: q('p75'),
    p90: q('p90'),
    max: q('max'),
  };
}

function readHistogram(value: unknown, path: FieldPath): ScoreHistogram {
  const o = object(value, path);
  const edges = finiteList(required(o, 'edges', path), at(path, 'edges'));
  const countsPath = at(path, 'counts');
  const counts = list(required(o, 'counts', path), countsPath).map((c, i) =>
    index(c, at(countsPath, i)),
  );
  if (edges.length > 0) {
    sameLength(counts, edges.length - 1, countsPath, 'counts', 'bins');
  }
  return { edges, counts };
}

const LAYER_INDEX_NAME = /^index\/layer-\d+\.[0-9a-f]+\.json$/;

/** A layer number (the browse table keeps layers in 16 bits). */
function layerNumber(value: unknown, path: FieldPath): number {
  const layer = index(value, path);
  if (layer > MAX_LAYER)
    throw new FieldProblem(path, `${layer} is past the last layer allowed, ${MAX_LAYER}`);
  return layer;
}

function readLayerSummary(o: JsonObject, path: FieldPath, layer: number): LayerSummary {
  const int = (key: string) => index(required(o, key, path), at(path, key));
  const scoresValue = required(o, 'scores', path);
  let scores: LayerSummary['scores'] = null;
  if (scoresValue !== null) {
    const scoresPath = at(path, 'scores');
    const s = object(scoresValue, scoresPath);
    scores = {
      count: index(required(s, 'count', scoresPath), at(scoresPath, 'count')),
      mean: score(required(s, 'mean', scoresPath), at(scoresPath, 'mean')),
      quantiles: readQuantiles(required(s, 'quantiles', scoresPath), at(scoresPath, 'quantiles')),
    };
  }
  const indexPath = at(path, 'index');
  const indexFile = string(required(o, 'index', path), indexPath);
  if (!LAYER_INDEX_NAME.test(indexFile)) {
    throw new FieldProblem(
      indexPath,
      `${JSON.stringify(indexFile)} is not a layer index file name`,
    );
  }
  const neurons = int('neurons');
  if (neurons > MAX_NEURONS_PER_LAYER) {
    throw new FieldProblem(
      at(path, 'neurons'),
      `${neurons} neurons are more than a layer may have (${MAX_NEURONS_PER_LAYER})`,
    );
  }
  return {
    layer,
    neurons,
    explained: int('explained'),
    withRecords: int('withRecords'),
    scores,
    index: indexFile,
    indexBytes: int('indexBytes'),
    indexGzipBytes: int('indexGzipBytes'),
  };
}

/**
 * The manifest's layers. An entry that cannot be used fails its layer only (a problem naming the
 * field), so that the other layers can still be browsed; a layer listed twice is ambiguous, so
 * neither entry is used. An entry whose layer number cannot be read fails the whole manifest.
 */
function readLayers(
  value: unknown,
  where: FileLocation,
): { layers: LayerSummary[]; problems: ManifestLayerProblem[] } {
  const layersPath = at(null, 'layers');
  const entries = list(value, layersPath);
  const read = new Map<number, { at: number; summary: LayerSummary | null }>();
  const problems: ManifestLayerProblem[] = [];
  const problem = (layer: number, field: FieldPath, text: string) =>
    problems.push({
      layer,
      message: new DatasetFileError(where.path, fieldPathText(field), text).message,
    });
  for (let i = 0; i < entries.length; i += 1) {
    const path = at(layersPath, i);
    const o = object(entries[i], path);
    const layer = layerNumber(required(o, 'layer', path), at(path, 'layer'));
    const first = read.get(layer);
    if (first) {
      if (first.summary !== null || !problems.some((p) => p.layer === layer)) {
        problem(
          layer,
          at(path, 'layer'),
          `layer ${layer} is listed twice (also at layers[${first.at}]); neither entry is used`,
        );
      }
      first.summary = null;
      continue;
    }
    try {
      read.set(layer, { at: i, summary: readLayerSummary(o, path, layer) });
    } catch (error) {
      if (!(error instanceof FieldProblem)) throw error;
      read.set(layer, { at: i, summary: null });
      problem(layer, error.field ?? path, error.problem);
    }
  }
  const layers: LayerSummary[] = [];
  for (const { summary } of read.values()) if (summary) layers.push(summary);
  return { layers, problems: problems.sort((a, b) => a.layer - b.layer) };
}

function readManifest(root: unknown, where: FileLocation): DatasetManifest {
  const o = object(root, null);
  format(o, MANIFEST_FORMAT);
  const { layers, problems } = readLayers(required(o, 'layers', null), where);
  const summaryPath = at(null, 'scoreSummary');
  const summary = object(required(o, 'scoreSummary', null), summaryPath);
  const quantiles = required(summary, 'quantiles', summaryPath);
  const mean = required(summary, 'mean', summaryPath);
  const manifest: DatasetManifest = {
    format: MANIFEST_FORMAT,
    id: datasetId(required(o, 'id', null), at(null, 'id')),
    title: string(required(o, 'title', null), at(null, 'title')),
    model: string(required(o, 'model', null), at(null, 'model')),
    synthetic: boolean(required(o, 'synthetic', null), at(null, 'synthetic')),
    source: string(required(o, 'source', null), at(null, 'source')),
    createdAt: string(required(o, 'createdAt', null), at(null, 'createdAt')),
    layers,
    scoreSummary: {
      count: index(required(summary, 'count', summaryPath), at(summaryPath, 'count')),
      mean: mean === null ? null : score(mean, at(summaryPath, 'mean')),
      histogram: readHistogram(
        required(summary, 'histogram', summaryPath),
        at(summaryPath, 'histogram'),
      ),
      quantiles: quantiles === null ? null : readQuantiles(quantiles, at(summaryPath, 'quantiles')),
    },
    fileKinds: stringList(required(o, 'fileKinds', null), at(null, 'fileKinds')),
  };
  if (o.report !== undefined) manifest.report = string(o.report, at(null, 'report'));
  if (o.search !== undefined) {
    const searchPath = at(null, 'search');
    const search = object(o.search, searchPath);
    manifest.search = {};
    for (const [key, value] of Object.entries(search)) {
      manifest.search[key] = string(value, at(searchPath, key));
    }
  }
  if (problems.length > 0) manifest.layerProblems = problems;
  return manifest;
}

function readLayerIndex(root: unknown): LayerIndex {
  const o = object(root, null);
  format(o, LAYER_INDEX_FORMAT);
  const layer = layerNumber(required(o, 'layer', null), at(null, 'layer'));
  const neuronsPath = at(null, 'neurons');
  const neurons = list(required(o, 'neurons', null), neuronsPath) as number[];
  for (let i = 0; i < neurons.length; i += 1) {
    const neuron = index(neurons[i], at(neuronsPath, i));
    if (i > 0 && neuron <= (neurons[i - 1] as number)) {
      throw new FieldProblem(
        at(neuronsPath, i),
        `neurons must be ascending, found ${neuron} after ${neurons[i - 1]}`,
      );
    }
  }
  const column = <T>(key: string, check: (value: unknown, path: FieldPath) => T): T[] => {
    const path = at(null, key);
    const values = list(required(o, key, null), path);
    sameLength(values, neurons.length, path, 'values', 'neurons');
    for (let i = 0; i < values.length; i += 1) check(values[i], at(path, i));
    return values as T[];
  };
  return {
    format: LAYER_INDEX_FORMAT,
    layer,
    neurons,
    scores: column('scores', (v, p) => (v === null ? null : score(v, p))),
    explanations: column('explanations', (v, p) => (v === null ? null : explanationText(v, p))),
    maxActivations: column('maxActivations', (v, p) => (v === null ? null : finite(v, p))),
    hasRecords: column('hasRecords', (v, p) => {
      if (v !== 0 && v !== 1) throw wrongType(p, '0 or 1', v);
      return v;
    }),
  };
}

export function parseDatasetList(text: string, where: FileLocation): DatasetList {
  return parseWith(text, where, readDatasetList, {
    bytes: MAX_MANIFEST_BYTES,
    what: 'a dataset list',
  });
}

/**
 * A manifest. Layers whose entries cannot be used are left out of `layers` and named in
 * `layerProblems`; anything else wrong fails the whole file.
 */
export function parseManifest(text: string, where: FileLocation): DatasetManifest {
  return parseWith(text, where, (root) => readManifest(root, where), {
    bytes: MAX_MANIFEST_BYTES,
    what: 'a manifest',
  });
}

export function parseLayerIndex(text: string, where: FileLocation): LayerIndex {
  return parseWith(text, where, readLayerIndex, {
    bytes: MAX_LAYER_INDEX_BYTES,
    what: 'a layer index',
  });
}
