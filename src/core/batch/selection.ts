/**
 * Which neurons a batch job runs on, as the command line (and later the app) says it:
 *
 *   all                         every explained neuron of the dataset
 *   layers:0-5  layers:3,7,9-11 (or the bare "0-5")  those layers
 *   score:0.2..0.5  score:..0.1  score:0.8..         best score in a range (ends included)
 *   search:related to time      the app's keyword search over explanations
 *   file:list.txt  (or @list.txt)                     neurons listed in a file, one "L/N" a line
 *
 * Several selections intersect ("layers:0-5" and "score:..0.2": the low scorers of layers 0-5).
 * Parsing is pure; src/node/batch applies a selection to a dataset's layer indexes.
 */

export type Selection =
  | { kind: 'all' }
  | { kind: 'layers'; ranges: [number, number][] }
  | { kind: 'score'; min: number; max: number }
  | { kind: 'search'; query: string }
  | { kind: 'file'; path: string };

export interface NeuronRef {
  layer: number;
  neuron: number;
}

export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

const LAYER_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

function layerRanges(text: string, spec: string): [number, number][] {
  const compact = text.replace(/\s+/g, '');
  if (!LAYER_LIST.test(compact)) {
    throw new SelectionError(`${JSON.stringify(spec)}: expected layers such as 0-5 or 3,7,9-11`);
  }
  return compact.split(',').map((part) => {
    const [from, to = from] = part.split('-').map(Number) as [number, number?];
    if (to < from) throw new SelectionError(`${JSON.stringify(spec)}: the range ${part} is empty`);
    return [from, to];
  });
}

function scoreBound(text: string, spec: string, open: number): number {
  if (text.trim() === '') return open;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new SelectionError(`${JSON.stringify(spec)}: ${JSON.stringify(text)} is not a number`);
  }
  return value;
}

export function parseSelection(spec: string): Selection {
  const text = spec.trim();
  if (text === 'all') return { kind: 'all' };
  if (text.startsWith('@')) return { kind: 'file', path: text.slice(1) };
  const colon = text.indexOf(':');
  if (colon === -1) {
    if (LAYER_LIST.test(text.replace(/\s+/g, ''))) {
      return { kind: 'layers', ranges: layerRanges(text, spec) };
    }
    throw new SelectionError(
      `${JSON.stringify(spec)}: expected all, layers:0-5, score:0.2..0.5, search:words or file:list.txt`,
    );
  }
  const kind = text.slice(0, colon).trim();
  const value = text.slice(colon + 1);
  switch (kind) {
    case 'layers':
      return { kind: 'layers', ranges: layerRanges(value, spec) };
    case 'score': {
      const parts = value.split('..');
      if (parts.length !== 2) {
        throw new SelectionError(
          `${JSON.stringify(spec)}: expected a score range such as 0.2..0.5, ..0.1 or 0.8..`,
        );
      }
      const min = scoreBound(parts[0] as string, spec, -Infinity);
      const max = scoreBound(parts[1] as string, spec, Infinity);
      if (max < min) throw new SelectionError(`${JSON.stringify(spec)}: the range is empty`);
      return { kind: 'score', min, max };
    }
    case 'search':
    case 'q':
      if (value.trim() === '') {
        throw new SelectionError(`${JSON.stringify(spec)}: give words to search for`);
      }
      return { kind: 'search', query: value.trim() };
    case 'file':
      if (value.trim() === '') throw new SelectionError(`${JSON.stringify(spec)}: give a file`);
      return { kind: 'file', path: value.trim() };
    default:
      throw new SelectionError(
        `${JSON.stringify(spec)}: unknown selection ${JSON.stringify(kind)} (all, layers, score, search, file)`,
      );
  }
}

/**
 * A file's neurons: one "L/N" (or "L:N", "L,N", "L N") a line; blank lines and "#" comments are
 * skipped. Errors name the file and line. Duplicates are kept once, in order of layer and neuron.
 */
export function parseNeuronList(text: string, path: string): NeuronRef[] {
  const seen = new Map<string, NeuronRef>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const match = /^(\d+)\s*[/:,\s]\s*(\d+)$/.exec(line);
    if (!match) {
      throw new SelectionError(
        `${path}:${i + 1}: expected a neuron as layer/neuron (e.g. 5/131), not ${JSON.stringify(raw.trim())}`,
      );
    }
    const ref = { layer: Number(match[1]), neuron: Number(match[2]) };
    seen.set(`${ref.layer}/${ref.neuron}`, ref);
  });
  return sortNeurons([...seen.values()]);
}

export function sortNeurons(neurons: NeuronRef[]): NeuronRef[] {
  return neurons.sort((a, b) => a.layer - b.layer || a.neuron - b.neuron);
}

export function inLayerRanges(layer: number, ranges: readonly [number, number][]): boolean {
  return ranges.some(([from, to]) => layer >= from && layer <= to);
}

/** "layers:0-5 and score:..0.2", for messages and the job's description. */
export function describeSelections(specs: readonly string[]): string {
  return specs.length === 0 ? 'all' : specs.map((s) => s.trim()).join(' and ');
}
