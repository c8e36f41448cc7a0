/**
 * Neurons' activation records (collated-activations/L/N.json) for simulation, read from the
 * dataset's source, parsed by core, and kept in memory for a short while: a user usually simulates
 * several explanations of the same neuron in a row.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { DatasetFileError, parseNeuronRecord } from '../../core/format/parse.ts';
import { neuronFilePath, type NeuronRecord } from '../../core/format/types.ts';
import type { ServedDataset } from '../datasets/registry.ts';
import { ApiError } from '../errors.ts';

export interface LoadedRecords {
  record: NeuronRecord;
  /** Identifies the file's content, for cache keys. */
  hash: string;
}

export class NeuronRecordStore {
  /** The records read last; an entry is read again from its file once `ttlMs` old. */
  private readonly entries: LRUCache<string, Promise<LoadedRecords>>;

  constructor(options: { maxEntries?: number; ttlMs?: number } = {}) {
    this.entries = new LRUCache({ max: options.maxEntries ?? 64, ttl: options.ttlMs ?? 60_000 });
  }

  get(dataset: ServedDataset, layer: number, neuron: number): Promise<LoadedRecords> {
    const key = `${dataset.id}/${layer}/${neuron}`;
    const known = this.entries.get(key);
    if (known) return known;
    const loaded = load(dataset, layer, neuron);
    this.entries.set(key, loaded);
    // A failure is not kept: the next request reads the file again.
    loaded.catch(() => {
      if (this.entries.peek(key) === loaded) this.entries.delete(key);
    });
    return loaded;
  }
}

async function load(dataset: ServedDataset, layer: number, neuron: number): Promise<LoadedRecords> {
  const path = neuronFilePath('collated-activations', layer, neuron);
  const where = `${path} of dataset ${dataset.id}`;
  let text: string | null;
  try {
    text = await dataset.source.readNeuronFile('collated-activations', layer, neuron);
  } catch (error) {
    throw new ApiError(
      502,
      'dataset_file',
      `Could not read ${where}: ${(error as Error).message}`,
      {
        retryable: true,
        cause: error,
      },
    );
  }
  if (text === null) {
    throw new ApiError(
      404,
      'not_found',
      `Neuron ${layer}/${neuron} has no activation records (${where} does not exist), so an ` +
        'explanation cannot be scored on it; simulate texts of your own instead.',
    );
  }
  // A DatasetFileError (errors.ts: 500 dataset_file) names the file and the field at fault.
  const record = parseNeuronRecord(text, { path: where, layer, neuron });
  checkActivations(record, where);
  return { record, hash: createHash('sha256').update(text).digest('base64url') };
}

/**
 * Largest activation (in absolute value) a record may hold. GPT-2 XL's largest in the records we
 * have is about 9; a million is beyond any MLP activation, and keeps every sum of squares the
 * scores take finite (1e308 parses as a number, but its square is Infinity and the score NaN).
 */
export const MAX_ABS_ACTIVATION = 1e6;

/** The records the scores read, checked: a DatasetFileError naming the first value at fault. */
function checkActivations(record: NeuronRecord, where: string): void {
  const lists = ['most_positive_activation_records', 'random_sample'] as const;
  for (const list of lists) {
    record[list].forEach(({ activations }, index) => {
      const at = activations.findIndex((value) => !(Math.abs(value) <= MAX_ABS_ACTIVATION));
      if (at >= 0) {
        throw new DatasetFileError(
          where,
          `${list}[${index}].activations[${at}]`,
          `${activations[at]} is beyond any real activation (at most ${MAX_ABS_ACTIVATION} in absolute value)`,
        );
      }
    });
  }
}
