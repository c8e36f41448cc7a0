/** `batch`: re-explain and re-score a selection of neurons into a new dataset (docs/batch.md). */
import { InvalidArgumentError, type Command } from 'commander';
import { parsePrice, type Price } from '../../core/batch/cost.ts';
import type { BatchSpec } from '../../core/batch/task.ts';
import { estimateBatch, planBatch, runBatch, type BatchOptions } from '../../node/batch/run.ts';
import type { ModelSettings } from '../../node/batch/models.ts';
import { CliError, parseCount, parsePositive, runWithProgress } from '../command.ts';

interface BatchFlags {
  data: string;
  out: string;
  select: string[];
  limit?: number;
  explain: 'published' | 'model';
  explanations: 'best' | 'all';
  scorers: string;
  simulator?: 'baseline' | 'openai';
  simulatorModel?: string;
  explainer?: 'baseline' | 'openai';
  explainerModel?: string;
  judge?: 'baseline' | 'openai';
  judgeModel?: string;
  concurrency: number;
  maxCalls: number;
  retries: number;
  timeout: number;
  seed: number;
  answers?: string | false;
  price?: Price;
  dryRun?: boolean;
  retryFailed?: boolean;
  id?: string;
  title?: string;
  redis?: string;
  progress: boolean;
}

/** The seed of every random draw a scorer makes, unless --seed says otherwise. */
const DEFAULT_SEED = 20230509;

function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${values.join(', ')}`);
    }
    return value as T;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function price(value: string): Price {
  try {
    return parsePrice(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function modelSettings(flags: BatchFlags, env = process.env): ModelSettings {
  const apiKey = env.OPENAI_API_KEY || undefined;
  const simulator = flags.simulator ?? (apiKey ? 'openai' : 'baseline');
  const simulatorModel = flags.simulatorModel ?? env.SIMULATOR_MODEL ?? 'gpt-4o-mini';
  return {
    simulator,
    simulatorModel,
    explainer: flags.explainer ?? simulator,
    explainerModel: flags.explainerModel ?? env.EXPLAINER_MODEL ?? 'gpt-4o',
    judge: flags.judge ?? simulator,
    judgeModel: flags.judgeModel ?? env.JUDGE_MODEL ?? simulatorModel,
    baseURL: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
    apiKey,
    maxCalls: flags.maxCalls,
    maxRetries: flags.retries,
    timeoutMs: flags.timeout,
  };
}

function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

export function register(program: Command): void {
  program
    .command('batch')
    .description('Re-explain and re-score a selection of neurons into a new dataset')
    .requiredOption('--data <folder>', 'dataset folder (with manifest.json)')
    .requiredOption('--out <folder>', 'new dataset folder to write (or a job to resume)')
    .option(
      '--select <spec>',
      'all, layers:0-5, score:0.2..0.5, search:words, file:list.txt (repeat to intersect)',
      collect,
      [],
    )
    .option('--limit <n>', 'at most this many of the selected neurons', parsePositive)
    .option(
      '--explain <how>',
      "published: score the dataset's explanations; model: the explainer writes new ones",
      oneOf(['published', 'model'] as const),
      'published',
    )
    .option(
      '--explanations <which>',
      "with --explain published: best or all of each neuron's explanations",
      oneOf(['best', 'all'] as const),
      'best',
    )
    .option(
      '--scorers <list>',
      'comma-separated scorers: simulation, detection, fuzzing',
      'simulation',
    )
    .option(
      '--simulator <kind>',
      'baseline or openai (default: openai when OPENAI_API_KEY is set)',
      oneOf(['baseline', 'openai'] as const),
    )
    .option(
      '--simulator-model <name>',
      'chat model that simulates (default $SIMULATOR_MODEL or gpt-4o-mini)',
    )
    .option(
      '--explainer <kind>',
      'baseline or openai (default: as the simulator)',
      oneOf(['baseline', 'openai'] as const),
    )
    .option(
      '--explainer-model <name>',
      'chat model that explains (default $EXPLAINER_MODEL or gpt-4o)',
    )
    .option(
      '--judge <kind>',
      'detection and fuzzing: baseline or openai (default: as the simulator)',
      oneOf(['baseline', 'openai'] as const),
    )
    .option(
      '--judge-model <name>',
      'chat model that judges (default $JUDGE_MODEL, else the simulator model)',
    )
    .option('--concurrency <n>', 'neurons at once', parsePositive, 8)
    .option('--max-calls <n>', 'upstream calls in flight at most', parsePositive, 32)
    .option(
      '--retries <n>',
      'retries of a failed upstream call (429, 5xx, timeouts)',
      parseCount,
      5,
    )
    .option('--timeout <ms>', 'longest one upstream call may take', parsePositive, 60_000)
    .option('--seed <n>', 'seed of every random draw', parseCount, DEFAULT_SEED)
    .option('--answers <file>', 'answer cache (default <out>/.batch/answers.sqlite)')
    .option('--no-answers', 'keep no answers (a rerun asks the model again)')
    .option(
      '--price <in,out>',
      'USD per million input and output tokens (default: list price)',
      price,
    )
    .option('--dry-run', 'print the neurons, calls, tokens and cost it would take, and stop')
    .option('--retry-failed', 'run the neurons that failed in an earlier run again')
    .option(
      '--redis <url>',
      'put the neurons on a Redis queue for `worker` processes (default $REDIS_URL; none: run here)',
    )
    .option('--id <id>', 'dataset id (default: the out folder name)')
    .option('--title <title>', 'title shown in the app')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: BatchFlags) => {
      const spec: BatchSpec = {
        explain: flags.explain,
        explanations: flags.explanations,
        scorers: flags.scorers
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        seed: flags.seed,
      };
      const controller = new AbortController();
      const options: BatchOptions = {
        data: flags.data,
        out: flags.out,
        select: flags.select,
        ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
        spec,
        models: modelSettings(flags),
        concurrency: flags.concurrency,
        ...(flags.answers === false ? { answers: null } : {}),
        ...(typeof flags.answers === 'string' ? { answers: flags.answers } : {}),
        ...(flags.price !== undefined ? { price: flags.price } : {}),
        retryFailed: flags.retryFailed ?? false,
        ...(flags.id !== undefined ? { id: flags.id } : {}),
        ...(flags.title !== undefined ? { title: flags.title } : {}),
        ...((flags.redis ?? process.env.REDIS_URL)
          ? { redis: (flags.redis ?? process.env.REDIS_URL) as string }
          : {}),
        signal: controller.signal,
      };
      let plan;
      try {
        plan = await planBatch(options);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const n = (value: number) => value.toLocaleString('en-US');
      if (flags.dryRun) {
        const estimate = await estimateBatch(plan);
        const { usage } = estimate;
        process.stdout.write(
          `${n(estimate.neurons)} neurons selected (${plan.job.selection}) of ${plan.job.dataset.id}` +
            (estimate.alreadyDone > 0 ? `, ${n(estimate.alreadyDone)} already done` : '') +
            `; ${n(estimate.toRun)} to run with ${spec.scorers.join(', ')} ` +
            `(simulator ${plan.job.simulator.model}${plan.job.explainer ? `, explainer ${plan.job.explainer.model}` : ''}${plan.job.judge ? `, judge ${plan.job.judge.model}` : ''}).\n` +
            `Estimate from ${n(estimate.sampled)} of them: ${n(usage.calls)} upstream calls, ` +
            `${n(usage.promptTokens)} prompt and ${n(usage.completionTokens)} completion tokens` +
            (estimate.cost !== null
              ? `, about $${estimate.cost.toFixed(2)} at $${estimate.price!.input}/$${estimate.price!.output} per million tokens.\n`
              : usage.calls > 0
                ? '; give --price to see a cost.\n'
                : ' (offline: no cost).\n'),
        );
        return;
      }
      const result = await runWithProgress(
        {
          fields:
            '{value}/{total} neurons | {rate} neurons/s | ETA {eta} | {calls} calls, {tokens} tokens{cost} | {failed} failed',
          progress: flags.progress,
          controller,
          interrupted: 'finished neurons are kept; run the same command again to resume',
        },
        (show, showing) => {
          options.onProgress = (p) =>
            show(p.total, p.done + p.failed, () => ({
              rate: p.neuronsPerSecond.toFixed(1),
              eta: duration(p.etaSeconds),
              calls: n(p.usage.calls),
              tokens: n(p.usage.promptTokens + p.usage.completionTokens),
              cost: p.cost !== null ? `, $${p.cost.toFixed(2)}` : '',
              failed: n(p.failed),
            }));
          if (options.redis && !showing) {
            process.stderr.write(
              `Neurons go on the Redis queue: start workers (npm run cli -- worker --redis <url>) on any machine that reaches ${options.redis.replace(/\/\/[^@/]*@/, '//')} and the dataset.\n`,
            );
          }
          return runBatch(options, plan);
        },
      );
      process.stdout.write(`${result.text}\n`);
    });
}
