/**
 * A list of neurons a user keeps: a name, notes, and a set of neurons. It is written three ways:
 *
 * - as a batch selection file (`--select file:list.txt`): one `L/N` a line, `#` comments (the
 *   name and notes), read back by the batch's own parser (src/core/batch/selection.ts), which is
 *   also what reads neurons typed by hand, so the two cannot disagree;
 * - compactly, for links and browser storage: layers separated by `;`, each `L:` and its neurons,
 *   runs of consecutive neurons as ranges: `5:131,140-142;6:1`;
 * - as a link's query: `name`, `notes`, `neurons` (compact), `d` (the dataset it came from).
 */
import { parseNeuronList, sortNeurons, type NeuronRef } from '../batch/selection.ts';

export type { NeuronRef };

export interface NeuronList {
  id: string;
  name: string;
  notes: string;
  /** Sorted by layer then neuron, no duplicates. */
  neurons: NeuronRef[];
  /** The dataset the list was made in (null: made by hand or unknown). */
  dataset: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A list's size limit: a link of this many neurons is still usable, and storage stays small. */
export const MAX_LIST_NEURONS = 50_000;

export class ListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListError';
  }
}

/** Neurons sorted and each once. */
export function normalizeNeurons(neurons: readonly NeuronRef[]): NeuronRef[] {
  const seen = new Map<string, NeuronRef>();
  for (const { layer, neuron } of neurons) seen.set(`${layer}/${neuron}`, { layer, neuron });
  return sortNeurons([...seen.values()]);
}

/** The batch selection file of a list (`--select file:<it>`). */
export function selectionFile(list: Pick<NeuronList, 'name' | 'notes' | 'neurons'>): string {
  const comments = [list.name, ...list.notes.split(/\r?\n/)]
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => `# ${line}`);
  const lines = list.neurons.map(({ layer, neuron }) => `${layer}/${neuron}`);
  return `${[...comments, ...lines].join('\n')}\n`;
}

/**
 * Neurons typed or pasted by hand, in the selection file's form (one `L/N`, `L:N`, `L,N` or
 * `L N` a line, `#` comments). Errors name the line.
 */
export function parseNeuronsText(text: string): NeuronRef[] {
  try {
    return parseNeuronList(text, 'line');
  } catch (error) {
    throw new ListError((error as Error).message.replace(/^line:(\d+):/, 'Line $1:'));
  }
}

/** The compact form: `5:131,140-142;6:1`. */
export function compactNeurons(neurons: readonly NeuronRef[]): string {
  const sorted = normalizeNeurons(neurons);
  const layers: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const layer = sorted[i]!.layer;
    const parts: string[] = [];
    while (i < sorted.length && sorted[i]!.layer === layer) {
      const start = sorted[i]!.neuron;
      let end = start;
      while (
        i + 1 < sorted.length &&
        sorted[i + 1]!.layer === layer &&
        sorted[i + 1]!.neuron === end + 1
      ) {
        end++;
        i++;
      }
      parts.push(end === start ? `${start}` : `${start}-${end}`);
      i++;
    }
    layers.push(`${layer}:${parts.join(',')}`);
  }
  return layers.join(';');
}

/** Reads the compact form; a part that does not parse is an error naming it. */
export function parseCompactNeurons(text: string, limit = MAX_LIST_NEURONS): NeuronRef[] {
  const neurons: NeuronRef[] = [];
  if (text.trim() === '') return neurons;
  for (const group of text.split(';')) {
    const match = /^\s*(\d{1,4}):([\d,\s-]+)$/.exec(group);
    if (!match)
      throw new ListError(`“${group}” is not a layer and its neurons (e.g. 5:131,140-142)`);
    const layer = Number(match[1]);
    for (const part of match[2]!.split(',')) {
      const range = /^\s*(\d{1,7})(?:-(\d{1,7}))?\s*$/.exec(part);
      if (!range) throw new ListError(`“${part}” in layer ${layer} is not a neuron or range`);
      const from = Number(range[1]);
      const to = range[2] === undefined ? from : Number(range[2]);
      if (to < from) throw new ListError(`the range ${part.trim()} in layer ${layer} is empty`);
      if (neurons.length + (to - from + 1) > limit) {
        throw new ListError(`more than ${limit.toLocaleString('en')} neurons`);
      }
      for (let neuron = from; neuron <= to; neuron++) neurons.push({ layer, neuron });
    }
  }
  return normalizeNeurons(neurons);
}

export interface SharedList {
  name: string;
  notes: string;
  neurons: NeuronRef[];
  dataset: string | null;
}

/** A list as a link's query. */
export function listParams(list: SharedList): [string, string][] {
  const params: [string, string][] = [['name', list.name]];
  if (list.notes.trim() !== '') params.push(['notes', list.notes]);
  if (list.dataset !== null) params.push(['d', list.dataset]);
  params.push(['neurons', compactNeurons(list.neurons)]);
  return params;
}

/** A list from a link's query; an error says what is wrong with it. */
export function parseListParams(params: { get(name: string): string | null }): SharedList {
  const neurons = params.get('neurons');
  if (neurons === null) throw new ListError('the link names no neurons');
  return {
    name: (params.get('name') ?? '').trim() || 'Shared list',
    notes: params.get('notes') ?? '',
    neurons: parseCompactNeurons(neurons),
    dataset: params.get('d'),
  };
}
