/**
 * What /api/simulate and /api/explain do once a request is valid: load the neuron's records,
 * simulate with core's simulateAndScore / simulateTexts, and cache successes. Failures are thrown
 * as they are (errors.ts says what each answers). Results leave compacted (core/api/compact) as
 * validated JSON text.
 */
import { setMaxListeners } from 'node:events';
import { LRUCache } from 'lru-cache';
import { compactScoredSimulation, compactSequenceSimulation } from '../../core/api/compact.ts';
import {
  ExplainResultSchema,
  RecordsSimulationResultSchema,
  TextsSimulationResultSchema,
  type ExplainResult,
  type ExplanationEvent,
  type ProgressEvent,
  type RecordsSimulationResult,
  type TextsSimulationResult,
} from '../../core/api/simulate.ts';
import type { SequenceSimulation } from '../../core/format/types.ts';
import { scoringRecords, trainRecords } from '../../core/scoring/splits.ts';
import { NoRecordsError, simulateAndScore, simulateTexts } from '../../core/simulation/simulate.ts';
import {
  buildSimulationMessages,
  SIMULATION_TOP_LOGPROBS,
} from '../../core/simulation/simulation-prompt.ts';
import type { Explainer, Simulator } from '../../core/simulation/types.ts';
import { cacheKey, type SimulationCache } from '../cache/simulation-cache.ts';
import type { ServedDataset } from '../datasets/registry.ts';
import { UpstreamError } from '../llm/answer.ts';
import type { NeuronRecordStore } from './records.ts';

export interface NeuronJob {
  dataset: ServedDataset;
  layer: number;
  neuron: number;
}

export interface SimulateJob extends NeuronJob {
  explanation: string;
  /** The user's texts as GPT-2 tokens; absent to simulate the neuron's held-out records. */
  texts?: string[][];
}

export interface RunOptions {
  signal: AbortSignal;
  /** Who asked (the client's address): upstream capacity is shared fairly between clients. */
  client?: string;
  onProgress?: (progress: ProgressEvent) => void;
  onExplanation?: (event: ExplanationEvent) => void;
}

export interface EngineOptions {
  simulator: Simulator;
  explainer: Explainer;
  /** Null: nothing is cached (the baseline is instant and changes with the code). */
  cache: SimulationCache | null;
  records: NeuronRecordStore;
  /** Records of one request simulated at once (upstream calls are capped globally as well). */
  concurrency: number;
}

/** What /api/simulate answers: JSON text, and for a cache hit its gzipped bytes on demand. */
export interface SimulationReply {
  json: string;
  /** For a cache hit: the text gzipped (made once, kept with the cached entry). */
  gzipped?: () => Buffer;
}

/** A result as sent, and its value. */
interface Produced<T> extends SimulationReply {
  value: T;
}

export class SimulationEngine {
  readonly simulator: Simulator;
  readonly explainer: Explainer;
  private readonly options: EngineOptions;
  /** Changes whenever core's simulation prompt does, so old cached results are not reused. */
  private readonly promptVersion: string;
  /** Null without a cache (the baseline: nothing worth keeping). */
  private readonly memo: RetryMemo | null;

  constructor(options: EngineOptions) {
    this.options = options;
    this.simulator = options.simulator;
    this.explainer = options.explainer;
    this.promptVersion = cacheKey([
      buildSimulationMessages('{explanation}', ['{token}']),
      SIMULATION_TOP_LOGPROBS,
    ]).slice(0, 16);
    this.memo = options.cache ? new RetryMemo(options.simulator, this.promptVersion) : null;
  }

  /** The result of POST /api/simulate. */
  async simulate(job: SimulateJob, options: RunOptions): Promise<SimulationReply> {
    const { json, gzipped } = await this.produce(job, options);
    return gzipped ? { json, gzipped } : { json };
  }

  /** The result of POST /api/explain, as JSON text. */
  async explain(job: NeuronJob, options: RunOptions): Promise<string> {
    const { record } = await this.options.records.get(job.dataset, job.layer, job.neuron);
    const train = trainRecords(record);
    if (train.length === 0) throw new NoRecordsError();
    const written = await this.explainer.explain(train, {
      signal: options.signal,
      ...(options.client !== undefined && { client: options.client }),
    });
    const explainer = { id: this.explainer.id, model: this.explainer.model };
    const explanation = written.trim();
    options.onExplanation?.({ explanation, explainer });
    const simulated = await this.produce({ ...job, explanation }, options);
    const result: ExplainResult = ExplainResultSchema.parse({ ...simulated.value, explainer });
    return JSON.stringify(result);
  }

  private produce(
    job: SimulateJob,
    options: RunOptions,
  ): Promise<Produced<RecordsSimulationResult | TextsSimulationResult>> {
    return job.texts
      ? this.simulateTexts(job, job.texts, options)
      : this.simulateRecords(job, options);
  }

  private meta(job: SimulateJob) {
    return {
      cached: false,
      dataset: job.dataset.id,
      layer: job.layer,
      neuron: job.neuron,
      explanation: job.explanation,
      simulator: this.simulator.id,
      model: this.simulator.model,
    };
  }

  private key(kind: string, job: SimulateJob, records: unknown): string {
    const { id, model } = this.simulator;
    return cacheKey([
      kind,
      job.dataset.id,
      job.layer,
      job.neuron,
      job.explanation,
      records,
      id,
      model,
      this.promptVersion,
    ]);
  }

  private fromCache<T>(key: string): Produced<T> | null {
    const hit = this.options.cache?.lookup(key);
    if (hit === undefined) return null;
    // Stored as a hit is sent (`cached: true`); parsed only when wanted (by /api/explain).
    return {
      json: hit.json,
      gzipped: () => hit.gzipped(),
      get value() {
        return hit.value as T;
      },
    };
  }

  /**
   * Caches a fresh result, as sent (serialized once: markCached makes a hit's form of it when one
   * is asked for).
   */
  private store<T extends { cached: boolean }>(key: string, value: T): Produced<T> {
    const { cached: _cached, ...result } = value;
    const sent = { cached: false, ...result };
    const json = JSON.stringify(sent);
    this.options.cache?.put(key, sent, json);
    return { json, value };
  }

  /**
   * The simulator for one run and the run's signal: on behalf of the run's client, remembering
   * what it simulated when the run fails (see RetryMemo), and stopping the run's other calls once
   * the LLM server has failed one (the run has failed; more calls would only add to the load on a
   * failing server, and to the circuit breaker's count). A record whose answer cannot be read
   * does not stop the others: they are kept for the user's retry.
   */
  private run(options: RunOptions): {
    simulator: Simulator;
    keep: () => void;
    signal: AbortSignal;
  } {
    const run = this.memo?.run() ?? { simulator: this.simulator, keep() {} };
    // Aborted with the request's signal, or by the run itself (AbortSignal.any costs more).
    const stop = new AbortController();
    const { signal } = stop;
    if (options.signal.aborted) stop.abort(options.signal.reason);
    else
      options.signal.addEventListener('abort', () => stop.abort(options.signal.reason), {
        once: true,
      });
    // Every upstream call of the run (20 or more) listens to it.
    setMaxListeners(500, signal);
    const { client } = options;
    const inner = run.simulator;
    return {
      simulator: {
        id: inner.id,
        model: inner.model,
        async simulateRecord(explanation, tokens, recordOptions) {
          try {
            return await inner.simulateRecord(explanation, tokens, {
              ...recordOptions,
              signal,
              ...(client !== undefined && { client }),
            });
          } catch (error) {
            if (error instanceof UpstreamError) stop.abort(error);
            throw error;
          }
        },
      },
      keep: run.keep,
      signal,
    };
  }

  private async simulateRecords(
    job: SimulateJob,
    options: RunOptions,
  ): Promise<Produced<RecordsSimulationResult>> {
    const loaded = await this.options.records.get(job.dataset, job.layer, job.neuron);
    const key = this.key('records', job, loaded.hash);
    const hit = this.fromCache<RecordsSimulationResult>(key);
    if (hit) return hit;
    const run = this.run(options);
    const scored = await simulateAndScore(run.simulator, job.explanation, loaded.record, {
      signal: run.signal,
      concurrency: this.options.concurrency,
      onProgress: (progress) => options.onProgress?.(progress),
    }).catch((error: unknown) => {
      run.keep();
      throw error;
    });
    const result = RecordsSimulationResultSchema.parse({
      ...this.meta(job),
      mode: 'records',
      records: scoringRecords(loaded.record).map(({ kind, index }) => ({ kind, index })),
      ...compactScoredSimulation(scored),
    });
    return this.store(key, result);
  }

  private async simulateTexts(
    job: SimulateJob,
    texts: string[][],
    options: RunOptions,
  ): Promise<Produced<TextsSimulationResult>> {
    const key = this.key('texts', job, texts);
    const hit = this.fromCache<TextsSimulationResult>(key);
    if (hit) return hit;
    let done = 0;
    const run = this.run(options);
    const reporting: Simulator = {
      id: run.simulator.id,
      model: run.simulator.model,
      simulateRecord: async (explanation, tokens, runOptions) => {
        const simulation = await run.simulator.simulateRecord(explanation, tokens, runOptions);
        const index = texts.indexOf(tokens);
        options.onProgress?.({
          done: ++done,
          total: texts.length,
          record: { kind: 'text', index },
        });
        return simulation;
      },
    };
    const simulations = await simulateTexts(reporting, job.explanation, texts, {
      signal: run.signal,
      concurrency: this.options.concurrency,
    }).catch((error: unknown) => {
      run.keep();
      throw error;
    });
    const result = TextsSimulationResultSchema.parse({
      ...this.meta(job),
      mode: 'texts',
      simulations: simulations.map(compactSequenceSimulation),
    });
    return this.store(key, result);
  }
}

/**
 * A stored result as a cache hit sends it (SimulationCache's hitForm). `cached` comes first, in a
 * fresh result too, so that a reader of the text sees at once which it is.
 */
export function markCached(result: unknown): unknown {
  const { cached: _cached, ...rest } = result as { cached?: boolean };
  return { cached: true, ...rest };
}

/** Record simulations kept from failed runs: enough for the users' retries. */
const REMEMBERED_RECORDS = 2000;

/**
 * When a simulation fails (one record's answer unreadable, say), the records that succeeded are
 * kept here, so the user's retry re-simulates only what failed. Successful runs are cached whole.
 */
class RetryMemo {
  private readonly remembered = new LRUCache<string, SequenceSimulation>({
    max: REMEMBERED_RECORDS,
  });
  private readonly inner: Simulator;
  private readonly promptVersion: string;

  constructor(inner: Simulator, promptVersion: string) {
    this.inner = inner;
    this.promptVersion = promptVersion;
  }

  /** A simulator for one run; `keep()` after a failure remembers what the run simulated. */
  run(): { simulator: Simulator; keep: () => void } {
    const { inner, remembered, promptVersion } = this;
    const keyOf = (explanation: string, tokens: string[]) =>
      cacheKey([inner.id, inner.model, promptVersion, explanation, tokens]);
    const succeeded: { explanation: string; tokens: string[]; simulation: SequenceSimulation }[] =
      [];
    const simulator: Simulator = {
      id: inner.id,
      model: inner.model,
      async simulateRecord(explanation, tokens, options) {
        // Keys (a hash each) are made only when something failed before or fails now.
        const known = remembered.size > 0 ? remembered.get(keyOf(explanation, tokens)) : undefined;
        const simulation = known ?? (await inner.simulateRecord(explanation, tokens, options));
        succeeded.push({ explanation, tokens, simulation });
        return simulation;
      },
    };
    const keep = () => {
      for (const { explanation, tokens, simulation } of succeeded) {
        remembered.set(keyOf(explanation, tokens), simulation);
      }
    };
    return { simulator, keep };
  }
}
