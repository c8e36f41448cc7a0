/**
 * `worker`: takes neurons of any batch job from the Redis neuron queue (see ./queue.ts), computes
 * each (./neuron.ts) with the job's spec and models (and this machine's OPENAI_API_KEY and
 * OPENAI_BASE_URL), and puts the outcome on the job's result queue. Sources and models are opened
 * once per job. A neuron's failure is an outcome like any other; only a worker being stopped
 * leaves a neuron unanswered, and the queue gives it to another worker.
 */
import { hostname } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { openSource, type DatasetSource } from '../source.ts';
import { AnswerCache } from './answer-cache.ts';
import { batchModels, type BatchModelSet, type ModelSettings } from './models.ts';
import { computeNeuron } from './neuron.ts';
import {
  neuronMessageId,
  NEURON_QUEUE,
  redisConnection,
  resultQueueName,
  type NeuronMessage,
  type ResultMessage,
} from './queue.ts';

export interface WorkerOptions {
  redis: string;
  /** Neurons at once. */
  concurrency: number;
  /** This machine's way to the model: server, key, limits. */
  upstream: Pick<ModelSettings, 'baseURL' | 'apiKey' | 'maxCalls' | 'maxRetries' | 'timeoutMs'>;
  /** The answer cache; null for none. */
  answers: string | null;
  /** Called after each neuron, with what was computed. */
  onNeuron?: (result: ResultMessage, batch: string) => void;
}

export interface RunningWorker {
  readonly name: string;
  processed(): number;
  /** Finishes the neurons in hand, then stops. */
  close(): Promise<void>;
}

interface JobContext {
  source: DatasetSource;
  modelSet: BatchModelSet;
  results: Queue<ResultMessage>;
}

export function startWorker(options: WorkerOptions): RunningWorker {
  const connection = redisConnection(options.redis);
  const name = `${hostname()}:${process.pid}`;
  const cache = options.answers === null ? null : new AnswerCache(options.answers);
  const contexts = new Map<string, JobContext>();
  let processed = 0;

  const context = (message: NeuronMessage): JobContext => {
    let found = contexts.get(message.batch);
    if (!found) {
      found = {
        source: openSource(message.source.location, { model: message.source.model }),
        modelSet: batchModels({ ...message.models, ...options.upstream }, cache),
        results: new Queue<ResultMessage>(resultQueueName(message.batch), { connection }),
      };
      contexts.set(message.batch, found);
    }
    return found;
  };

  const worker = new Worker<NeuronMessage>(
    NEURON_QUEUE,
    async (job) => {
      const message = job.data;
      const { source, modelSet, results } = context(message);
      const outcome = await computeNeuron(source, message, message.spec, modelSet.models);
      const result: ResultMessage = {
        layer: message.layer,
        neuron: message.neuron,
        outcome,
        worker: name,
      };
      await results.add('result', result, {
        jobId: neuronMessageId(message.batch, message),
        removeOnComplete: true,
      });
      processed += 1;
      options.onNeuron?.(result, message.batch);
    },
    { connection, concurrency: options.concurrency },
  );
  // Connection errors are retried by the client; a listener keeps them from being thrown.
  worker.on('error', () => {});

  return {
    name,
    processed: () => processed,
    async close() {
      await worker.close();
      for (const { results, modelSet } of contexts.values()) {
        await results.close();
        await modelSet.close();
      }
      cache?.close();
    },
  };
}
