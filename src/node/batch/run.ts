/**
 * `batch`: re-explain and re-score a selection of a dataset's neurons, writing a new dataset in the
 * published layout that the app opens like any other:
 *
 *   explanations/{L}/{N}.jsonl      the scored explanations, with their scored simulations
 *   collated-activations/... etc.   the neuron's other per-neuron files, copied from the dataset
 *   scores/{L}/{N}.json             every scorer's result per explanation (SCORES_FORMAT)
 *   batch.json                      the job: what it ran on, how, and every failed neuron's reason
 *   manifest.json, index/, ingest-report.json   written by ingest over the folder itself
 *   .batch/journal.sqlite           the journal (see ./journal.ts); not part of the dataset
 *
 * A job is planned (dataset, selection, spec, models: its fingerprint), can be estimated without a
 * call (--dry-run), then runs its pending neurons `concurrency` at a time, each written and then
 * committed to the journal. Interrupted, it resumes; finished, it is finalized. Everything it
 * writes is a function of the job and the answers (cached), so a rerun makes the same bytes; the
 * manifest's and report's times are the job's start, or SOURCE_DATE_EPOCH when set.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import pLimit from 'p-limit';
import { encode } from 'gpt-tokenizer';
import {
  addUsage,
  costOf,
  extrapolate,
  KNOWN_PRICES,
  NO_USAGE,
  type Price,
  type Usage,
} from '../../core/batch/cost.ts';
import { describeSelections, type NeuronRef } from '../../core/batch/selection.ts';
import { batchScorers, estimateNeuron, type BatchSpec } from '../../core/batch/task.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import {
  DatasetFileError,
  parseNeuronRecord,
  parseNeuronSimulationResults,
} from '../../core/format/parse.ts';
import { NEURON_FILE_KINDS, neuronFilePath } from '../../core/format/types.ts';
import { readManifestFile } from '../dataset-files.ts';
import { writeFileAtomic } from '../files.ts';
import { ingestDataset } from '../ingest.ts';
import { openManifestSource, type DatasetSource } from '../source.ts';
import { AnswerCache } from './answer-cache.ts';
import { Journal, JOURNAL_DIR, type FailedNeuron } from './journal.ts';
import { batchModels, type BatchModelSet, type ModelSettings } from './models.ts';
import { computeNeuron, scoresFilePath, type NeuronOutcome } from './neuron.ts';
import {
  collectResults,
  enqueueNeurons,
  neuronMessageId,
  redisConnection,
  resultQueueName,
  type ResultMessage,
} from './queue.ts';
import { selectNeurons } from './select.ts';

export const BATCH_FORMAT = 'neuron-explorer.batch/1';
export const BATCH_FILE = 'batch.json';

export interface BatchOptions {
  /** The dataset folder (with manifest.json) whose neurons are re-explained or re-scored. */
  data: string;
  out: string;
  /** Selections, intersected (see core/batch/selection.ts); none: every neuron. */
  select: string[];
  /** At most this many of the selected neurons (the first, in layer and neuron order). */
  limit?: number;
  spec: BatchSpec;
  models: ModelSettings;
  /** Neurons at once. */
  concurrency: number;
  /** Records simulated at once within a neuron (default 4). */
  recordConcurrency?: number;
  /** The answer cache's file; null for none. Default `<out>/.batch/answers.sqlite`. */
  answers?: string | null;
  /** Price per million tokens; default the model's list price when known. */
  price?: Price | null;
  retryFailed?: boolean;
  id?: string;
  title?: string;
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
  /** Where relative list files of --select resolve (default: the working directory). */
  cwd?: string;
  /**
   * A Redis URL: the neurons go on the shared queue for `worker` processes (on any machine) to
   * compute, and this process writes what they send back. Without it, neurons run here.
   */
  redis?: string;
  /** With `redis`: each outcome as it comes back (who computed it). */
  onResult?: (result: ResultMessage) => void;
}

export interface BatchProgress {
  total: number;
  done: number;
  failed: number;
  pending: number;
  /** Neurons finished (done or failed) by this run. */
  finishedThisRun: number;
  elapsedMs: number;
  neuronsPerSecond: number;
  /** Seconds left at this run's rate; null before the first neuron. */
  etaSeconds: number | null;
  /** Upstream usage over the whole job (earlier runs included). */
  usage: Usage;
  /** Answers taken from the cache in this run. */
  cachedAnswers: number;
  /** Estimated cost so far, when a price is known. */
  cost: number | null;
}

export interface BatchPlan {
  dataDir: string;
  outDir: string;
  manifest: DatasetManifest;
  source: DatasetSource;
  neurons: NeuronRef[];
  modelSet: BatchModelSet;
  fingerprint: string;
  price: Price | null;
  /** The job as batch.json describes it. */
  job: {
    dataset: { id: string; title: string; model: string };
    selection: string;
    spec: BatchSpec;
    simulator: { id: string; model: string };
    explainer: { id: string; model: string } | null;
    /** Detection's and fuzzing's judge; absent when neither is among the scorers. */
    judge?: { id: string; model: string };
  };
}

export interface BatchEstimate {
  neurons: number;
  /** Neurons the journal already has as done (a resumed job). */
  alreadyDone: number;
  toRun: number;
  /** Neurons whose files were read for the estimate. */
  sampled: number;
  usage: Usage;
  cost: number | null;
  price: Price | null;
}

export interface BatchResult {
  outDir: string;
  total: number;
  done: number;
  failed: FailedNeuron[];
  usage: Usage;
  cost: number | null;
  text: string;
}

function modelName(settings: ModelSettings, side: 'simulator' | 'explainer' | 'judge'): string {
  if (settings[side] === 'baseline') return 'baseline';
  return {
    simulator: settings.simulatorModel,
    explainer: settings.explainerModel,
    judge: settings.judgeModel,
  }[side];
}

/** The job, before anything is written: the neurons, the models, the fingerprint. */
export async function planBatch(options: BatchOptions): Promise<BatchPlan> {
  const dataDir = resolve(options.data);
  const outDir = resolve(options.out);
  if (dataDir === outDir) throw new Error('--out must be a new folder, not the dataset itself');
  const manifest = await readManifestFile(dataDir);
  const scorers = batchScorers(options.spec.scorers);
  const source = openManifestSource(dataDir, manifest.source, { model: manifest.model });
  const neurons = await selectNeurons(dataDir, manifest, options.select, {
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  if (neurons.length === 0) {
    throw new Error(`${describeSelections(options.select)} matches no neuron of ${manifest.id}`);
  }
  // Without a cache here: a dry run writes nothing (runBatch opens the cache).
  const modelSet = batchModels(options.models, null);
  const explainerUsed = options.spec.explain === 'model';
  const judgeUsed = scorers.some((scorer) => scorer.role === 'judge');
  const job: BatchPlan['job'] = {
    dataset: { id: manifest.id, title: manifest.title, model: manifest.model },
    selection: describeSelections(options.select),
    spec: options.spec,
    simulator: {
      id: modelSet.models.simulator.id,
      model: modelName(options.models, 'simulator'),
    },
    explainer: explainerUsed
      ? { id: modelSet.models.explainer.id, model: modelName(options.models, 'explainer') }
      : null,
    // Only with a judged scorer, so that a simulation-only job keeps its fingerprint.
    ...(judgeUsed && {
      judge: { id: modelSet.models.judge.id, model: modelName(options.models, 'judge') },
    }),
  };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ format: BATCH_FORMAT, source: manifest.source, job, neurons }))
    .digest('hex')
    .slice(0, 16);
  // The simulator's list price; the judge's when only the judge asks a model.
  const simulatorAsks =
    options.models.simulator === 'openai' && scorers.some((s) => s.role === 'simulator');
  const judgeAsks = judgeUsed && options.models.judge === 'openai';
  const priced = simulatorAsks
    ? options.models.simulatorModel
    : judgeAsks
      ? options.models.judgeModel
      : undefined;
  const price = options.price !== undefined ? options.price : (KNOWN_PRICES[priced ?? ''] ?? null);
  return { dataDir, outDir, manifest, source, neurons, modelSet, fingerprint, price, job };
}

function openJournalIfAny(outDir: string): Journal | null {
  return existsSync(join(outDir, JOURNAL_DIR, 'journal.sqlite')) ? Journal.open(outDir) : null;
}

/** The dry run: usage from the very prompts of a sample of the neurons, and its cost. */
export async function estimateBatch(plan: BatchPlan, sampleSize = 50): Promise<BatchEstimate> {
  const journal = openJournalIfAny(plan.outDir);
  let alreadyDone = 0;
  let toRunRefs = plan.neurons;
  if (journal) {
    if (journal.fact('fingerprint') === plan.fingerprint) {
      const done = new Set(journal.neurons('done').map((n) => `${n.layer}/${n.neuron}`));
      alreadyDone = done.size;
      toRunRefs = plan.neurons.filter((n) => !done.has(`${n.layer}/${n.neuron}`));
    }
    journal.close();
  }
  const step = Math.max(1, Math.floor(toRunRefs.length / sampleSize));
  const sample = toRunRefs.filter((_, i) => i % step === 0).slice(0, sampleSize);
  const count = (text: string) => encode(text).length;
  const usages: Usage[] = [];
  for (const { layer, neuron } of sample) {
    try {
      const text = async (kind: 'explanations' | 'collated-activations') =>
        plan.source.readNeuronFile(kind, layer, neuron);
      const explanations = await text('explanations');
      const records = await text('collated-activations');
      const where = (kind: 'explanations' | 'collated-activations') => ({
        path: neuronFilePath(kind, layer, neuron),
        layer,
        neuron,
      });
      usages.push(
        estimateNeuron(
          {
            layer,
            neuron,
            published: explanations
              ? parseNeuronSimulationResults(explanations, where('explanations'))
              : null,
            record: records ? parseNeuronRecord(records, where('collated-activations')) : null,
          },
          plan.job.spec,
          count,
          plan.modelSet.offline,
        ),
      );
    } catch (error) {
      // A neuron whose files are bad will fail without a call: it costs nothing.
      if (!(error instanceof DatasetFileError)) throw error;
      usages.push(NO_USAGE);
    }
  }
  const usage = extrapolate(usages, toRunRefs.length);
  return {
    neurons: plan.neurons.length,
    alreadyDone,
    toRun: toRunRefs.length,
    sampled: sample.length,
    usage,
    cost: plan.price ? costOf(usage, plan.price) : null,
    price: plan.price,
  };
}

/** The job's time: SOURCE_DATE_EPOCH (reproducible builds' convention) when set, else `fallback`. */
function jobTime(fallback: string): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) {
    return new Date(Number(epoch) * 1000).toISOString();
  }
  return fallback;
}

function checkOutFolder(plan: BatchPlan, journal: Journal | null): void {
  if (journal) {
    const existing = journal.fact('fingerprint');
    if (existing !== null && existing !== plan.fingerprint) {
      journal.close();
      throw new Error(
        `${plan.outDir} holds another batch job (its dataset, selection, scorers or models differ); choose another --out`,
      );
    }
    return;
  }
  if (existsSync(plan.outDir) && readdirSync(plan.outDir).length > 0) {
    throw new Error(
      `${plan.outDir} is not empty and holds no batch job; choose a new --out folder`,
    );
  }
}

/** Copies the neuron's other per-neuron files (records, related tokens...) as they are. */
async function copySourceFiles(plan: BatchPlan, ref: NeuronRef, signal?: AbortSignal) {
  for (const kind of NEURON_FILE_KINDS) {
    if (kind === 'explanations') continue;
    const text = await plan.source.readNeuronFile(kind, ref.layer, ref.neuron, signal);
    if (text !== null) {
      await writeFileAtomic(join(plan.outDir, neuronFilePath(kind, ref.layer, ref.neuron)), text);
    }
  }
}

export async function runBatch(options: BatchOptions, given?: BatchPlan): Promise<BatchResult> {
  const planned = given ?? (await planBatch(options));
  const started = Date.now();
  let journal = openJournalIfAny(planned.outDir);
  checkOutFolder(planned, journal);
  journal ??= Journal.open(planned.outDir);
  const { offline } = planned.modelSet;
  const usesModel = !offline.simulator || !offline.explainer || !offline.judge;
  const cachePath =
    options.answers === undefined
      ? join(planned.outDir, JOURNAL_DIR, 'answers.sqlite')
      : options.answers;
  const cache = usesModel && cachePath !== null ? new AnswerCache(cachePath) : null;
  const plan = { ...planned, modelSet: batchModels(options.models, cache) };
  try {
    if (journal.fact('fingerprint') === null) {
      journal.start(
        {
          fingerprint: plan.fingerprint,
          created_at: new Date().toISOString(),
          job: JSON.stringify(plan.job),
        },
        plan.neurons,
      );
    }
    if (options.retryFailed) journal.retryFailed();
    const earlierUsage = journalUsage(journal);
    const pending = journal.neurons('pending');
    const counts = journal.counts();
    let finishedThisRun = 0;
    const usageNow = () => addUsage(earlierUsage, plan.modelSet.meter.total);
    let lastReport = 0;
    const report = (force: boolean) => {
      const now = Date.now();
      if (!options.onProgress || (!force && now - lastReport < 200)) return;
      lastReport = now;
      const elapsedMs = now - started;
      const rate = elapsedMs > 0 ? (finishedThisRun * 1000) / elapsedMs : 0;
      const usage = usageNow();
      options.onProgress({
        total: counts.total,
        done: counts.done,
        failed: counts.failed,
        pending: counts.pending,
        finishedThisRun,
        elapsedMs,
        neuronsPerSecond: rate,
        etaSeconds: rate > 0 ? counts.pending / rate : null,
        usage,
        cachedAnswers: plan.modelSet.meter.cached,
        cost: plan.price ? costOf(usage, plan.price) : null,
      });
    };
    report(true);

    const live = journal;
    /** Writes a neuron's files and commits it; an outcome delivered again is let be. */
    const record = async (ref: NeuronRef, outcome: NeuronOutcome) => {
      if (live.state(ref) !== 'pending') return;
      if (outcome.state === 'done') {
        await copySourceFiles(plan, ref, options.signal);
        await writeFileAtomic(
          join(plan.outDir, scoresFilePath(ref.layer, ref.neuron)),
          outcome.scoresText,
        );
        // The explanation file last: a neuron whose explanation file exists is complete.
        await writeFileAtomic(
          join(plan.outDir, neuronFilePath('explanations', ref.layer, ref.neuron)),
          outcome.explanationsText,
        );
        live.finish(ref, { state: 'done' });
        counts.done += 1;
      } else {
        live.finish(ref, { state: 'failed', reason: outcome.reason });
        counts.failed += 1;
      }
      counts.pending -= 1;
      finishedThisRun += 1;
      live.setFact('usage', JSON.stringify(usageNow()));
      report(false);
    };

    if (options.redis) {
      await runOnQueue(plan, pending, record, () => counts.pending === 0, options);
    } else {
      const limit = pLimit(Math.max(1, options.concurrency));
      await Promise.all(
        pending.map((ref) =>
          limit(async () => {
            options.signal?.throwIfAborted();
            const outcome = await computeNeuron(
              plan.source,
              ref,
              plan.job.spec,
              plan.modelSet.models,
              {
                concurrency: options.recordConcurrency ?? 4,
                ...(options.signal ? { signal: options.signal } : {}),
              },
            );
            options.signal?.throwIfAborted();
            await record(ref, outcome);
          }),
        ),
      );
    }
    report(true);
    const usage = usageNow();
    const failed = journal.failed();
    const cost = plan.price ? costOf(usage, plan.price) : null;
    await finalize(plan, journal, failed, options);
    const seconds = (Date.now() - started) / 1000;
    const n = (value: number) => value.toLocaleString('en-US');
    const text =
      `Batch ${basename(plan.outDir)}: ${n(counts.done)} of ${n(counts.total)} neurons done, ${n(failed.length)} failed` +
      `${failed.length > 0 ? ` (reasons in ${join(plan.outDir, BATCH_FILE)})` : ''}; ` +
      `${n(finishedThisRun)} in this run in ${seconds.toFixed(1)} s` +
      (seconds > 0 ? ` (${(finishedThisRun / seconds).toFixed(1)} neurons/s)` : '') +
      `; upstream ${n(usage.calls)} calls, ${n(usage.promptTokens + usage.completionTokens)} tokens` +
      (cost !== null ? `, about $${cost.toFixed(2)}` : '') +
      ` -> ${join(plan.outDir, 'manifest.json')}`;
    return {
      outDir: plan.outDir,
      total: counts.total,
      done: counts.done,
      failed,
      usage,
      cost,
      text,
    };
  } finally {
    journal.close();
    cache?.close();
    await plan.modelSet.close();
  }
}

/** writeFileAtomic's temporary name: `<file>.<pid>.<random>.tmp`. */
const TEMPORARY = /\.\d+\.[a-z0-9]+\.tmp$/;

/** Half-written files of a run that was killed (their neurons were done again since). */
async function removeStaleTemporaries(outDir: string): Promise<void> {
  const folders = [...NEURON_FILE_KINDS, 'scores'].map((kind) => join(outDir, kind));
  for (const folder of folders) {
    let names: string[];
    try {
      names = await readdir(folder, { recursive: true });
    } catch {
      continue;
    }
    for (const name of names) {
      if (TEMPORARY.test(name)) await rm(join(folder, name), { force: true });
    }
  }
}

/**
 * The job's pending neurons on the Redis queue (see ./queue.ts), computed by `worker` processes
 * anywhere, their outcomes recorded here as they come back, until none is pending. A neuron whose
 * outcome already waits on the result queue (a coordinator restarted) is not enqueued again.
 */
async function runOnQueue(
  plan: BatchPlan,
  pending: readonly NeuronRef[],
  record: (ref: NeuronRef, outcome: NeuronOutcome) => Promise<void>,
  finished: () => boolean,
  options: BatchOptions,
): Promise<void> {
  if (pending.length === 0) return;
  const connection = redisConnection(options.redis as string);
  const waiting = new Queue(resultQueueName(plan.fingerprint), { connection });
  const answered = new Set<string>();
  try {
    for (const ref of pending) {
      const id = neuronMessageId(plan.fingerprint, ref);
      if (await waiting.getJob(id)) answered.add(id);
    }
  } finally {
    await waiting.close();
  }
  const models = options.models;
  await enqueueNeurons(
    connection,
    pending
      .filter((ref) => !answered.has(neuronMessageId(plan.fingerprint, ref)))
      .map((ref) => ({
        batch: plan.fingerprint,
        layer: ref.layer,
        neuron: ref.neuron,
        source: { location: plan.source.location, model: plan.manifest.model },
        spec: plan.job.spec,
        models: {
          simulator: models.simulator,
          simulatorModel: models.simulatorModel,
          explainer: models.explainer,
          explainerModel: models.explainerModel,
          judge: models.judge,
          judgeModel: models.judgeModel,
        },
      })),
  );
  let allDone: () => void = () => {};
  let stop: (error: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    allDone = resolve;
    stop = reject;
  });
  const onAbort = () => stop(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await collectResults(
      connection,
      plan.fingerprint,
      async (result) => {
        await record({ layer: result.layer, neuron: result.neuron }, result.outcome);
        options.onResult?.(result);
        if (finished()) allDone();
      },
      done,
    );
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function journalUsage(journal: Journal): Usage {
  const text = journal.fact('usage');
  return text ? (JSON.parse(text) as Usage) : NO_USAGE;
}

/**
 * Once no neuron is pending: batch.json, then ingest over the folder itself for the manifest and
 * layer indexes, with the job's time in place of the clock's, so the files are the same every run.
 */
async function finalize(
  plan: BatchPlan,
  journal: Journal,
  failed: FailedNeuron[],
  options: BatchOptions,
): Promise<void> {
  await removeStaleTemporaries(plan.outDir);
  const createdAt = jobTime(journal.fact('created_at') ?? new Date().toISOString());
  const counts = journal.counts();
  const batch = {
    format: BATCH_FORMAT,
    createdAt,
    ...plan.job,
    neurons: counts.total,
    done: counts.done,
    failed,
  };
  await writeFileAtomic(join(plan.outDir, BATCH_FILE), `${JSON.stringify(batch, null, 1)}\n`);
  if (counts.done === 0) return;
  const result = await ingestDataset({
    source: '.',
    out: plan.outDir,
    model: plan.manifest.model,
    id: options.id ?? basename(plan.outDir),
    title: options.title ?? `${plan.manifest.title} (batch: ${plan.job.selection})`,
    synthetic: plan.manifest.synthetic,
    records: true,
  });
  const manifestPath = join(plan.outDir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as DatasetManifest;
  manifest.createdAt = createdAt;
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
  if (result.manifest.report) {
    const reportPath = join(plan.outDir, result.manifest.report);
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as Record<string, unknown>;
    report.startedAt = createdAt;
    report.finishedAt = createdAt;
    await writeFile(reportPath, `${JSON.stringify(report, null, 1)}\n`);
  }
}
