/**
 * Small dataset folders for server tests, written to a temporary DATA_DIR in the layout of
 * src/core/dataset/types.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MANIFEST_FORMAT, type DatasetManifest } from '../../src/core/dataset/types.ts';
import type { ActivationRecord, NeuronRecord } from '../../src/core/format/types.ts';

export function manifestFor(
  id: string,
  layers: { layer: number; neurons: number; index?: string }[],
  overrides: Partial<DatasetManifest> = {},
): DatasetManifest {
  return {
    format: MANIFEST_FORMAT,
    id,
    title: `Test dataset ${id}`,
    model: 'gpt2-xl',
    synthetic: true,
    source: '.',
    createdAt: '2024-01-01T00:00:00.000Z',
    layers: layers.map(({ layer, neurons, index }) => ({
      layer,
      neurons,
      explained: 0,
      withRecords: 0,
      scores: null,
      index: index ?? `index/layer-${layer}.0123abcd.json`,
      indexBytes: 0,
      indexGzipBytes: 0,
    })),
    scoreSummary: { count: 0, mean: null, histogram: { edges: [], counts: [] }, quantiles: null },
    fileKinds: [],
    ...overrides,
  };
}

/** Writes files (objects as JSON) under `root/id/`, with the manifest as manifest.json. */
export async function writeDataset(
  root: string,
  manifest: DatasetManifest,
  files: Record<string, string | Buffer | object> = {},
): Promise<string> {
  const dir = join(root, manifest.id);
  const all: Record<string, string | Buffer | object> = { 'manifest.json': manifest, ...files };
  for (const [path, content] of Object.entries(all)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    const bytes =
      typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content);
    await writeFile(join(dir, path), bytes);
  }
  return dir;
}

/**
 * A layer index's files as ingest names them (by the hash of their content), plain and gzipped,
 * and the name, for a manifest's `index`.
 */
export function layerIndexFiles(index: { layer: number; [field: string]: unknown }): {
  path: string;
  files: Record<string, string | Buffer>;
} {
  const text = JSON.stringify(index);
  const path = `index/layer-${index.layer}.${createHash('sha256').update(text).digest('hex').slice(0, 12)}.json`;
  return { path, files: { [path]: text, [`${path}.gz`]: gzipSync(text) } };
}

export async function temporaryDirectory(prefix = 'ne-server-'): Promise<{
  path: string;
  remove: () => Promise<void>;
}> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

const WORDS = [' the', ' cat', ' sat', ' on', ' a', ' mat', '.', ' It', ' was', ' happy', ','];

/**
 * A neuron that fires on " cat" (activation 5) and a little on " mat" (1): deterministic records
 * whose tokens and activations a test can predict.
 */
export function catNeuronRecord(layer: number, neuron: number, tokensPerRecord = 16): NeuronRecord {
  const record = (seed: number): ActivationRecord => {
    const tokens = Array.from(
      { length: tokensPerRecord },
      (_, i) => WORDS[(seed * 7 + i * 3) % WORDS.length]!,
    );
    const activations = tokens.map((token) => (token === ' cat' ? 5 : token === ' mat' ? 1 : 0));
    return { tokens, activations };
  };
  return {
    neuron_id: { layer_index: layer, neuron_index: neuron },
    most_positive_activation_records: Array.from({ length: 20 }, (_, i) => record(i)),
    random_sample: Array.from({ length: 15 }, (_, i) => record(100 + i)),
    random_sample_by_quantile: null,
    quantile_boundaries: null,
    mean: 0.5,
    variance: 1,
    skewness: null,
    kurtosis: null,
  };
}
