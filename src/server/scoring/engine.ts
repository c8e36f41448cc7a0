/**
 * What /api/score and /api/improve do once a request is valid: run the scorers asked for on the
 * neuron's records, each with its interval and basis. The simulation scorer is /api/simulate's
 * own run (so the two share the cache and the retry memo) with core's interval and basis added;
 * detection and fuzzing are core's, judged by the configured judge, cached per scorer. Scorers run
 * side by side; if any fails, the others still finish (and are cached, so a retry is quick), then
 * the request fails with the first failure, as it was thrown (errors.ts says what each answers):
 * never a result with a made-up score.
 */
import {
  requestedScorers,
  type JudgedScoreResult,
  type ScoreProgressEvent,
  type ScoreResult,
  type Scores,
  type SimulationScoreResult,
} from '../../core/api/score.ts';
import { ExplanationSchema, type RecordsSimulationResult } from '../../core/api/simulate.ts';
import type { NeuronRecord } from '../../core/format/types.ts';
import type { ScorerName } from '../../core/scoring/basis.ts';
import { SCORING_SEED } from '../../core/scoring/basis.ts';
import { EXAMPLES_PER_KIND } from '../../core/scoring/examples.ts';
import { judgePromptVersion, type JudgedScorer } from '../../core/scoring/judge-prompt.ts';
import { JUDGE_BATCH_SIZE, scoreByJudge, type Judge } from '../../core/scoring/judged.ts';
import { simulationScore } from '../../core/scoring/simulation-score.ts';
import { calibrationRecords } from '../../core/scoring/splits.ts';
import { reviseExplanation, type Reviser } from '../../core/simulation/revise.ts';
import { cacheKey, type ResultCache } from '../cache/simulation-cache.ts';
import type { ServedDataset } from '../datasets/registry.ts';
import { ApiError } from '../errors.ts';
import type { SimulationEngine } from '../simulation/engine.ts';
import type { NeuronRecordStore } from '../simulation/records.ts';
import type { RunContext } from '../api/send.ts';

export interface ScoreJob {
  dataset: ServedDataset;
  layer: number;
  neuron: number;
  explanation: string;
  scorers?: readonly ScorerName[] | undefined;
}

/** The run's signal and client; progress per scorer; for /api/improve, the revision once written. */
export type ScoreRunOptions = RunContext<ScoreProgressEvent>;

export interface ScoringEngineOptions {
  simulation: SimulationEngine;
  judge: Judge;
  reviser: Reviser;
  /** Null: nothing cached (the offline baseline); shared through Redis with REDIS_URL. */
  cache: ResultCache | null;
  records: NeuronRecordStore;
  /** Judge calls of one scorer at once (upstream calls are capped over all requests as well). */
  concurrency: number;
}

export class ScoringEngine {
  readonly judge: Judge;
  readonly reviser: Reviser;
  private readonly options: ScoringEngineOptions;

  constructor(options: ScoringEngineOptions) {
    this.options = options;
    this.judge = options.judge;
    this.reviser = options.reviser;
  }

  /** The result of POST /api/score, as JSON text. */
  async score(job: ScoreJob, options: ScoreRunOptions): Promise<string> {
    return JSON.stringify(await this.run(job, options));
  }

  /** The result of POST /api/improve: the revision of `job.explanation`, scored, as JSON text. */
  async improve(job: ScoreJob, options: ScoreRunOptions): Promise<string> {
    const { record } = await this.options.records.get(job.dataset, job.layer, job.neuron);
    const revised = await reviseExplanation(
      this.options.simulation.simulator,
      this.reviser,
      job.explanation,
      record,
      {
        signal: options.signal,
        ...(options.client !== undefined && { client: options.client }),
        concurrency: this.options.concurrency,
        onProgress: ({ done, total }) => options.onProgress?.({ scorer: 'revision', done, total }),
      },
    );
    const checked = ExplanationSchema.safeParse(revised.explanation);
    if (!checked.success) {
      throw new ApiError(
        502,
        'upstream_format',
        `The revision the explainer wrote cannot be scored (${checked.error.issues[0]?.message ?? 'invalid'}); try again.`,
        { retryable: true },
      );
    }
    const reviser = { id: this.reviser.id, model: this.reviser.model };
    options.onExplanation?.({ explanation: checked.data, explainer: reviser });
    const result = await this.run({ ...job, explanation: checked.data }, options);
    const improved: ScoreResult = {
      ...result,
      revision: { from: job.explanation, reviser, shown: revised.shown.map((r) => r.source) },
    };
    return JSON.stringify(improved);
  }

  private async run(job: ScoreJob, options: ScoreRunOptions): Promise<ScoreResult> {
    const loaded = await this.options.records.get(job.dataset, job.layer, job.neuron);
    const scorers = requestedScorers(job.scorers);
    const outcomes = await Promise.allSettled(
      scorers.map((scorer) =>
        scorer === 'simulation'
          ? this.simulation(job, loaded.record, options)
          : this.judged(scorer, job, loaded, options),
      ),
    );
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const scores: Scores = {};
    outcomes.forEach((outcome) => {
      const value = (outcome as PromiseFulfilledResult<SimulationScoreResult | JudgedScoreResult>)
        .value;
      if (value.scorer === 'simulation') scores.simulation = value;
      else scores[value.scorer] = value;
    });
    const all = Object.values(scores);
    // Made of results validated where they were made (the simulation engine's) and of core's
    // typed scores: not validated again here (a fifth of a full score's CPU); the tests and the
    // app hold the answer to ScoreResultSchema.
    return {
      dataset: job.dataset.id,
      layer: job.layer,
      neuron: job.neuron,
      explanation: job.explanation,
      cached: all.length > 0 && all.every((score) => score.cached),
      scores,
    };
  }

  private async simulation(
    job: ScoreJob,
    record: NeuronRecord,
    options: ScoreRunOptions,
  ): Promise<SimulationScoreResult> {
    const reply = await this.options.simulation.simulate(
      { dataset: job.dataset, layer: job.layer, neuron: job.neuron, explanation: job.explanation },
      {
        signal: options.signal,
        ...(options.client !== undefined && { client: options.client }),
        onProgress: ({ done, total }) =>
          options.onProgress?.({ scorer: 'simulation', done, total }),
      },
    );
    // Validated by the simulation engine when it was made (and before it was cached).
    const result = JSON.parse(reply.json) as RecordsSimulationResult;
    const score = simulationScore(
      result,
      result.records,
      { id: result.simulator, model: result.model },
      { calibrationRecords: calibrationRecords(record).length },
    );
    return {
      ...score,
      cached: result.cached,
      records: result.records,
      scored_sequence_simulations: result.scored_sequence_simulations,
    };
  }

  private async judged(
    scorer: JudgedScorer,
    job: ScoreJob,
    loaded: { record: NeuronRecord; hash: string },
    options: ScoreRunOptions,
  ): Promise<JudgedScoreResult> {
    const { id, model } = this.judge;
    const key = cacheKey([
      'judged',
      scorer,
      job.dataset.id,
      job.layer,
      job.neuron,
      job.explanation,
      loaded.hash,
      id,
      model,
      id === 'baseline' ? null : judgePromptVersion(scorer),
      SCORING_SEED,
      EXAMPLES_PER_KIND,
      JUDGE_BATCH_SIZE,
    ]);
    // A hit comes marked `cached: true` (the cache's hit form).
    const hit = (await this.options.cache?.lookup(key))?.value as JudgedScoreResult | undefined;
    if (hit !== undefined) {
      options.onProgress?.({ scorer, done: hit.examples.length, total: hit.examples.length });
      return hit;
    }
    const score = await scoreByJudge(scorer, this.judge, job.explanation, loaded.record, {
      seed: SCORING_SEED,
      concurrency: this.options.concurrency,
      signal: options.signal,
      ...(options.client !== undefined && { client: options.client }),
      onProgress: ({ done, total }) => options.onProgress?.({ scorer, done, total }),
    });
    const value: JudgedScoreResult = { cached: false, ...score };
    // A shared cache resolves once other instances can find the result.
    await this.options.cache?.put(key, value);
    return value;
  }
}
