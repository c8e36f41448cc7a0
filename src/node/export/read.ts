/**
 * Reading what `export` writes: which dataset (an ingested folder with a manifest, or a published
 * layout directly: a folder or a URL), and each layer's neurons through the dataset's source and
 * core's parsers. A file that is malformed or cannot be read fails its neuron only: the neuron is
 * left out and listed as a problem; the export goes on.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import pLimit from 'p-limit';
import {
  DatasetFileError,
  parseNeuronRecord,
  parseNeuronSimulationResults,
} from '../../core/format/parse.ts';
import { neuronFilePath, type NeuronFileKind } from '../../core/format/types.ts';
import { exportNeuron, type ExportNeuron } from '../../core/export/rows.ts';
import { readManifestFile } from '../dataset-files.ts';
import {
  openManifestSource,
  openSource,
  SourceReadError,
  type DatasetSource,
  type SourceOptions,
} from '../source.ts';

export interface ExportInput {
  source: DatasetSource;
  id: string;
  title: string;
  model: string;
  /** Layers to export, ascending. */
  layers: number[];
}

/** A neuron left out of the export, and why. */
export interface ExportProblem {
  layer: number;
  neuron: number;
  /** The file at fault, relative to the source. */
  path: string;
  kind: 'malformed' | 'unreadable';
  message: string;
}

/**
 * `data` is a dataset folder (with manifest.json: its source and layers are used) or a published
 * layout itself (a folder or an http(s) base URL).
 */
export async function openExportInput(
  data: string,
  options: SourceOptions & { layers?: { from: number; to: number } } = {},
): Promise<ExportInput> {
  const { layers: range, ...sourceOptions } = options;
  let input: ExportInput;
  const isFolder = !/^https?:\/\//i.test(data);
  if (isFolder && existsSync(join(data, 'manifest.json'))) {
    const manifest = await readManifestFile(data);
    input = {
      source: openManifestSource(resolve(data), manifest.source, {
        model: manifest.model,
        ...sourceOptions,
      }),
      id: manifest.id,
      title: manifest.title,
      model: manifest.model,
      layers: manifest.layers.map((l) => l.layer),
    };
  } else {
    if (isFolder && !existsSync(data)) throw new Error(`${data}: no such folder`);
    const source = openSource(data, sourceOptions);
    const id = isFolder ? basename(resolve(data)) : (source.preset?.model ?? 'dataset');
    input = {
      source,
      id,
      title: source.preset?.title ?? id,
      model: sourceOptions.model ?? source.preset?.model ?? 'unknown',
      layers: await source.listLayers(),
    };
  }
  if (range) input.layers = input.layers.filter((l) => l >= range.from && l <= range.to);
  input.layers.sort((a, b) => a - b);
  if (input.layers.length === 0) {
    throw new Error(`${data} holds no layers${range ? ' in that range' : ''}`);
  }
  return input;
}

export interface ReadLayerOptions {
  /** Read activation-records files for the record statistics. */
  records: boolean;
  concurrency: number;
  signal?: AbortSignal;
  /** Called after each neuron asked for (read, absent or failed). */
  onNeuron?: () => void;
}

export interface LayerRead {
  layer: number;
  /** Neurons ascending; only those with a file, and none that failed. */
  neurons: ExportNeuron[];
  problems: ExportProblem[];
  /** Neurons asked for (listed in a folder, every neuron of the layer for a URL). */
  asked: number;
}

/** The neurons of a layer that may have a file: listed for a folder, all of them for a URL. */
export async function layerNeurons(
  source: DatasetSource,
  layer: number,
  records: boolean,
): Promise<number[]> {
  const kinds: NeuronFileKind[] = records
    ? ['explanations', 'collated-activations']
    : ['explanations'];
  const found = new Set<number>();
  for (const kind of kinds) {
    const listed = await source.listNeurons(kind, layer);
    if (listed === null) {
      const count = await source.neuronsPerLayer(layer);
      return Array.from({ length: count }, (_, i) => i);
    }
    for (const neuron of listed) found.add(neuron);
  }
  return [...found].sort((a, b) => a - b);
}

class NeuronFailure {
  constructor(readonly problem: ExportProblem) {}
}

type FileText = (kind: NeuronFileKind) => string | null | Promise<string | null>;

/** A neuron's files, read and parsed; throws NeuronFailure for a bad file. */
async function readNeuron(
  layer: number,
  neuron: number,
  records: boolean,
  text: FileText,
): Promise<ExportNeuron | null> {
  const read = async <T>(
    kind: NeuronFileKind,
    parse: (text: string, where: { path: string; layer: number; neuron: number }) => T,
  ): Promise<T | null> => {
    const path = neuronFilePath(kind, layer, neuron);
    let content: string | null;
    try {
      content = await text(kind);
    } catch (error) {
      if (!(error instanceof SourceReadError)) throw error;
      throw new NeuronFailure({ layer, neuron, path, kind: 'unreadable', message: error.message });
    }
    if (content === null) return null;
    try {
      return parse(content, { path, layer, neuron });
    } catch (error) {
      if (!(error instanceof DatasetFileError)) throw error;
      throw new NeuronFailure({ layer, neuron, path, kind: 'malformed', message: error.message });
    }
  };
  const results = await read('explanations', parseNeuronSimulationResults);
  const record = records ? await read('collated-activations', parseNeuronRecord) : null;
  return results === null && record === null ? null : exportNeuron(layer, neuron, results, record);
}

/**
 * Reads the given neurons of a layer (see layerNeurons), `concurrency` at a time, through the
 * source's reader (a folder's files only when they are regular files inside it).
 */
export async function readLayer(
  source: DatasetSource,
  layer: number,
  neurons: readonly number[],
  options: ReadLayerOptions,
): Promise<LayerRead> {
  const read = new Array<ExportNeuron | null>(neurons.length).fill(null);
  const problems: ExportProblem[] = [];
  const readAt = async (position: number) => {
    const neuron = neurons[position] as number;
    const text: FileText = (kind) => source.readNeuronFile(kind, layer, neuron, options.signal);
    try {
      read[position] = await readNeuron(layer, neuron, options.records, text);
    } catch (error) {
      if (!(error instanceof NeuronFailure)) throw error;
      problems.push(error.problem);
    }
    options.onNeuron?.();
  };
  await pLimit(Math.max(1, options.concurrency)).map(neurons, async (_, position) => {
    options.signal?.throwIfAborted();
    await readAt(position);
  });
  problems.sort((x, y) => x.neuron - y.neuron);
  return {
    layer,
    neurons: read.filter((n): n is ExportNeuron => n !== null),
    problems,
    asked: neurons.length,
  };
}
