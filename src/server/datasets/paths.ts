/**
 * The only request paths that reach a dataset's per-neuron files, and the names a dataset may have.
 */
import { NEURON_FILE_KINDS, neuronFilePath, type NeuronFileKind } from '../../core/format/types.ts';

/** Folder names under DATA_DIR that are served as datasets. */
export const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface NeuronFileRequest {
  kind: NeuronFileKind;
  layer: number;
  neuron: number;
  /** The canonical relative path, e.g. "explanations/3/17.jsonl". */
  path: string;
}

const NUMBER = '(0|[1-9][0-9]{0,6})';
const NEURON_FILE = new RegExp(
  `^(${NEURON_FILE_KINDS.map((kind) => kind.replace('/', '\\/')).join('|')})\\/${NUMBER}\\/${NUMBER}\\.(jsonl|json)$`,
);

/** Top-level folders that hold per-neuron files; nothing under them is served as a plain file. */
export const NEURON_FILE_ROOTS = new Set(NEURON_FILE_KINDS.map((kind) => kind.split('/')[0]!));

/**
 * Reads a path relative to a dataset as a per-neuron file request; null when it is not one of the
 * five shapes (kind/L/N.json, or .jsonl for explanations) with canonical integers.
 */
export function parseNeuronFilePath(path: string): NeuronFileRequest | null {
  const match = NEURON_FILE.exec(path);
  if (!match) return null;
  const kind = match[1] as NeuronFileKind;
  const layer = Number(match[2]);
  const neuron = Number(match[3]);
  const canonical = neuronFilePath(kind, layer, neuron);
  return canonical === path ? { kind, layer, neuron, path: canonical } : null;
}

/**
 * True when a relative path is a plain file path inside a folder: no empty, dot or dot-dot segments,
 * no hidden files, no backslashes or control characters.
 */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.length > 512) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(path)) return false;
  return path.split('/').every((segment) => segment.length > 0 && !segment.startsWith('.'));
}
