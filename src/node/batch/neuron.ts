/**
 * One neuron of a batch job, from the dataset's source to the texts of the two files the job
 * writes for it: what the local runner does for each neuron, and what a Redis worker does for each
 * job it takes. A malformed or unreadable file, a neuron without records, a model that fails after
 * its retries or answers in a form that cannot be read: each fails the neuron with a reason.
 */
import { writeNeuronFile } from '../../core/format/write.ts';
import type { NeuronRef } from '../../core/batch/selection.ts';
import {
  NeuronTaskError,
  runNeuron,
  type BatchModels,
  type BatchSpec,
} from '../../core/batch/task.ts';
import {
  DatasetFileError,
  parseNeuronRecord,
  parseNeuronSimulationResults,
} from '../../core/format/parse.ts';
import { neuronFilePath } from '../../core/format/types.ts';
import { SourceReadError, type DatasetSource } from '../source.ts';

export type NeuronOutcome =
  | { state: 'done'; explanationsText: string; scoresText: string }
  | { state: 'failed'; reason: string };

/** Where a neuron's scores file goes in the out folder (beside the published layout). */
export function scoresFilePath(layer: number, neuron: number): string {
  return `scores/${layer}/${neuron}.json`;
}

export async function computeNeuron(
  source: DatasetSource,
  ref: NeuronRef,
  spec: BatchSpec,
  models: BatchModels,
  options: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<NeuronOutcome> {
  const { layer, neuron } = ref;
  try {
    const read = async <T>(
      kind: 'explanations' | 'collated-activations',
      parse: (text: string, where: { path: string; layer: number; neuron: number }) => T,
    ): Promise<T | null> => {
      const text = await source.readNeuronFile(kind, layer, neuron, options.signal);
      return text === null
        ? null
        : parse(text, { path: neuronFilePath(kind, layer, neuron), layer, neuron });
    };
    const published = await read('explanations', parseNeuronSimulationResults);
    const record = await read('collated-activations', parseNeuronRecord);
    const result = await runNeuron({ layer, neuron, published, record }, spec, models, options);
    return {
      state: 'done',
      explanationsText: writeNeuronFile('explanations', result.explanations, 'compact'),
      scoresText: `${JSON.stringify(result.scores)}\n`,
    };
  } catch (error) {
    options.signal?.throwIfAborted();
    if (
      error instanceof NeuronTaskError ||
      error instanceof DatasetFileError ||
      error instanceof SourceReadError
    ) {
      return { state: 'failed', reason: error.message };
    }
    // A model's failure (after its retries) or an answer in a form that cannot be read; a
    // TypeError or ReferenceError is a bug, and stops the job.
    if (
      error instanceof Error &&
      !(error instanceof TypeError || error instanceof ReferenceError)
    ) {
      return { state: 'failed', reason: error.message };
    }
    throw error;
  }
}
