/** `worker`: compute batch jobs' neurons from a Redis queue (docs/batch.md, "Across machines"). */
import type { Command } from 'commander';
import { startWorker } from '../../node/batch/worker.ts';
import { CliError, parseCount, parsePositive } from '../command.ts';

interface WorkerFlags {
  redis?: string;
  concurrency: number;
  maxCalls: number;
  retries: number;
  timeout: number;
  answers?: string | false;
  verbose?: boolean;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('Compute the neurons of batch jobs from a Redis queue until stopped (Ctrl-C)')
    .option('--redis <url>', 'the Redis the batch jobs use (default $REDIS_URL)')
    .option('--concurrency <n>', 'neurons at once', parsePositive, 8)
    .option('--max-calls <n>', 'upstream calls in flight at most', parsePositive, 32)
    .option('--retries <n>', 'retries of a failed upstream call', parseCount, 5)
    .option('--timeout <ms>', 'longest one upstream call may take', parsePositive, 60_000)
    .option('--answers <file>', 'answer cache (default .cache/batch-answers.sqlite)')
    .option('--no-answers', 'keep no answers')
    .option('--verbose', 'print a line per neuron computed')
    .action(async (flags: WorkerFlags) => {
      const redis = flags.redis ?? process.env.REDIS_URL;
      if (!redis) throw new CliError('give --redis <url> or set REDIS_URL');
      const worker = startWorker({
        redis,
        concurrency: flags.concurrency,
        upstream: {
          baseURL: process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
          apiKey: process.env.OPENAI_API_KEY || undefined,
          maxCalls: flags.maxCalls,
          maxRetries: flags.retries,
          timeoutMs: flags.timeout,
        },
        answers:
          flags.answers === false
            ? null
            : (flags.answers ?? `${process.env.CACHE_DIR ?? '.cache'}/batch-answers.sqlite`),
        ...(flags.verbose
          ? {
              onNeuron: (result) =>
                process.stdout.write(
                  `${result.outcome.state} ${result.layer}/${result.neuron}${result.outcome.state === 'failed' ? `: ${result.outcome.reason}` : ''}\n`,
                ),
            }
          : {}),
      });
      process.stderr.write(`worker ${worker.name} waiting for neurons\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await worker.close();
      process.stderr.write(`worker ${worker.name} stopped after ${worker.processed()} neurons\n`);
    });
}
