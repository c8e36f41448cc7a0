/** Runs one batch job in its own process for bench/batch.ts and prints its figures as JSON. */
import { runBatch } from '../src/node/batch/run.ts';
import { RESCORE_PUBLISHED, testServerModels } from '../tests/support/batch-models.ts';
import { printFiguresOf } from './child-figures.ts';

const [data, out, baseURL, concurrency, limit] = process.argv.slice(2);
if (!data || !out || !baseURL || !concurrency) {
  throw new Error('usage: batch-child.ts <data> <out> <baseURL> <concurrency> [limit]');
}
await printFiguresOf(
  () =>
    runBatch({
      data,
      out,
      select: [],
      ...(limit ? { limit: Number(limit) } : {}),
      spec: RESCORE_PUBLISHED,
      models: testServerModels(baseURL, { maxCalls: 64 }),
      concurrency: Number(concurrency),
      answers: null,
      // With REDIS_URL: the neurons go to `worker` processes through the queue.
      ...(process.env.REDIS_URL ? { redis: process.env.REDIS_URL } : {}),
    }),
  (result) => ({
    text: result.text,
    done: result.done,
    failed: result.failed.length,
    calls: result.usage.calls,
  }),
);
