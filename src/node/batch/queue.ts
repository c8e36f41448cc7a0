/**
 * A batch job across machines, through Redis (BullMQ). The job that `batch` plans puts each
 * pending neuron on the shared neuron queue; `worker` processes on any machine take neurons from
 * it, compute them (./neuron.ts) and put the outcome on the job's own result queue; `batch`, the
 * only writer of the out folder, takes the outcomes, writes the files and commits the journal as it
 * does on one machine.
 *
 * Both queues deliver each message to one consumer at a time, and again only if that consumer
 * dies holding it (BullMQ's stalled-job check), so a neuron is computed once unless a worker dies
 * mid-neuron; writing an outcome twice gives the same bytes. Neuron messages have ids made of the
 * job's fingerprint and the neuron, so enqueueing a resumed job's pending neurons again adds none
 * twice. Messages carry the job's spec and model names, never a key: each worker reads its own
 * OPENAI_API_KEY and OPENAI_BASE_URL.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { NeuronRef } from '../../core/batch/selection.ts';
import type { BatchSpec } from '../../core/batch/task.ts';
import type { ModelSettings } from './models.ts';
import type { NeuronOutcome } from './neuron.ts';

export const NEURON_QUEUE = 'neuron-explorer-batch';

export function resultQueueName(fingerprint: string): string {
  return `neuron-explorer-batch-results-${fingerprint}`;
}

/** What a worker needs to compute one neuron of a job. */
export interface NeuronMessage extends NeuronRef {
  /** The job's fingerprint (names its result queue). */
  batch: string;
  /** The dataset's source as the job's machine opened it: an absolute folder or a URL. */
  source: { location: string; model: string };
  spec: BatchSpec;
  models: Pick<
    ModelSettings,
    'simulator' | 'simulatorModel' | 'explainer' | 'explainerModel' | 'judge' | 'judgeModel'
  >;
}

export interface ResultMessage extends NeuronRef {
  outcome: NeuronOutcome;
  /** Which worker computed it (host and process), for reports and tests. */
  worker: string;
}

export function redisConnection(url: string): ConnectionOptions {
  // Workers block on the queue: their connection must retry commands forever (BullMQ's rule).
  return { url, maxRetriesPerRequest: null };
}

export function neuronMessageId(batch: string, ref: NeuronRef): string {
  return `${batch}-${ref.layer}-${ref.neuron}`;
}

/** Puts a job's pending neurons on the neuron queue (those already there are not added twice). */
export async function enqueueNeurons(
  connection: ConnectionOptions,
  messages: readonly NeuronMessage[],
): Promise<void> {
  const queue = new Queue<NeuronMessage>(NEURON_QUEUE, { connection });
  try {
    for (let start = 0; start < messages.length; start += 1000) {
      await queue.addBulk(
        messages.slice(start, start + 1000).map((data) => ({
          name: 'neuron',
          data,
          opts: {
            jobId: neuronMessageId(data.batch, data),
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    }
  } finally {
    await queue.close();
  }
}

/**
 * Takes a job's outcomes from its result queue, one `handle` at a time per message, until `done`
 * resolves; then removes the queue.
 */
export async function collectResults(
  connection: ConnectionOptions,
  batch: string,
  handle: (result: ResultMessage) => Promise<void>,
  done: Promise<void>,
  concurrency = 8,
): Promise<void> {
  const name = resultQueueName(batch);
  let stop: (error: unknown) => void = () => {};
  // A handler that fails (a full disk...) stops the job; run again, it resumes.
  const failed = new Promise<never>((_, reject) => (stop = reject));
  failed.catch(() => {});
  const worker = new Worker<ResultMessage>(
    name,
    async (job) => {
      try {
        await handle(job.data);
      } catch (error) {
        stop(error);
        throw error;
      }
    },
    { connection, concurrency, removeOnComplete: { count: 0 } },
  );
  // Connection errors are retried by the client; a listener keeps them from being thrown.
  worker.on('error', () => {});
  try {
    await Promise.race([done, failed]);
  } finally {
    await worker.close();
  }
  const queue = new Queue(name, { connection });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}
