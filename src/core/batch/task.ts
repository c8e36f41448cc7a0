/**
 * One neuron of a batch job: which explanations it scores (the dataset's own, or one written by
 * the explainer), and the scorers that score them. Pure: the neuron's files come parsed, the
 * simulator and explainer are injected, and the result is the two files the job writes for the
 * neuron. The local runner and the Redis workers run exactly this.
 *
 * Scorers are a registry (BATCH_SCORERS): simulation, detection and fuzzing (src/core/scoring,
 * the same scorers as /api/score and the score command). Each says which model it asks (the
 * simulator or the judge), estimates its upstream usage for a dry run, and returns its score as
 * JSON with its 95% interval and basis (and, for simulation, the scored simulation that the
 * published explanation file holds).
 */
import type { NeuronRecord, NeuronSimulationResults, ScoredSimulation } from '../format/types.ts';
import type { JudgedScorer } from '../scoring/judge-prompt.ts';
import { scoreByJudge, type Judge, type JudgedScore } from '../scoring/judged.ts';
import { simulationScore } from '../scoring/simulation-score.ts';
import { calibrationRecords, scoringRecords, trainRecords } from '../scoring/splits.ts';
import { NoRecordsError, simulateAndScore } from '../simulation/simulate.ts';
import type { Explainer, Simulator } from '../simulation/types.ts';
import {
  explanationUsage,
  judgeUsage,
  simulationUsage,
  type CountTokens,
  type Usage,
} from './cost.ts';

export const SCORES_FORMAT = 'neuron-explorer.scores/1';

export interface BatchSpec {
  /** Score the dataset's own explanations, or one the explainer writes from the train records. */
  explain: 'published' | 'model';
  /** With `published`: the best explanation only, or every one in the file. */
  explanations: 'best' | 'all';
  /** Scorer names, in the order given (each once). */
  scorers: string[];
  /** Seed of every random draw a scorer makes. */
  seed: number;
}

export interface BatchModels {
  simulator: Simulator;
  explainer: Explainer;
  /** Detection's and fuzzing's judge. */
  judge: Judge;
}

export interface NeuronInput {
  layer: number;
  neuron: number;
  /** The dataset's explanation file, if it has one. */
  published: NeuronSimulationResults | null;
  record: NeuronRecord | null;
}

export interface ScorerRun {
  explanation: string;
  record: NeuronRecord;
  models: BatchModels;
  seed: number;
  signal?: AbortSignal;
  /** Records simulated (or batches judged) at once within the neuron. */
  concurrency: number;
}

export interface ScorerOutcome {
  /** The score as stored in the scores file (JSON), with `scorer` set to the scorer's name. */
  score: { scorer: string } & Record<string, unknown>;
  /** The simulation scorer's scored simulation, for the published explanation file. */
  scoredSimulation?: ScoredSimulation;
}

export interface BatchScorer {
  name: string;
  /** The model it asks: its calls are offline when that model is the baseline. */
  role: 'simulator' | 'judge';
  /** Upstream usage of scoring one explanation (when the scorer's model is not offline). */
  estimate(explanation: string, record: NeuronRecord, seed: number, count: CountTokens): Usage;
  run(run: ScorerRun): Promise<ScorerOutcome>;
}

const simulationScorer: BatchScorer = {
  name: 'simulation',
  role: 'simulator',
  estimate(explanation, record, _seed, count) {
    const records = [...scoringRecords(record), ...calibrationRecords(record)];
    return simulationUsage(
      explanation,
      records.map((r) => r.record),
      count,
    );
  },
  async run({ explanation, record, models, seed, signal, concurrency }) {
    const scored = await simulateAndScore(models.simulator, explanation, record, {
      concurrency,
      ...(signal ? { signal } : {}),
    });
    const simulator = { id: models.simulator.id, model: models.simulator.model };
    const { interval, basis } = simulationScore(scored, scoringRecords(record), simulator, {
      calibrationRecords: calibrationRecords(record).length,
      seed,
    });
    return {
      score: {
        scorer: 'simulation',
        ev_correlation_score: scored.ev_correlation_score,
        rsquared_score: scored.rsquared_score,
        absolute_dev_explained_score: scored.absolute_dev_explained_score,
        interval,
        records: scored.scored_sequence_simulations.length,
        simulator,
        basis,
      },
      scoredSimulation: scored,
    };
  },
};

/**
 * A judged score as the scores file keeps it: the scores, interval and basis, and each example's
 * verdict by where the example comes from (its tokens and activations are in the neuron's
 * collated-activations file, copied beside it), not the example texts again.
 */
export function storedJudgedScore(score: JudgedScore, judge: { id: string; model: string }) {
  return {
    scorer: score.scorer,
    balanced_accuracy: score.balanced_accuracy,
    f1: score.f1,
    precision: score.precision,
    recall: score.recall,
    accuracy: score.accuracy,
    auprc: score.auprc,
    interval: score.interval,
    judge,
    basis: score.basis,
    note: score.note,
    firing_level: score.firing_level,
    quiet_level: score.quiet_level,
    examples: score.examples.map((example) => ({
      source: example.source,
      activating: example.activating,
      ...(example.marked && { marked: example.marked }),
      fits: example.verdict.fits,
      probability: example.verdict.probability,
      correct: example.correct,
    })),
  };
}

function judgedScorer(name: JudgedScorer): BatchScorer {
  return {
    name,
    role: 'judge',
    estimate: (explanation, record, seed, count) =>
      judgeUsage(name, explanation, record, seed, count),
    async run({ explanation, record, models, seed, signal, concurrency }) {
      const score = await scoreByJudge(name, models.judge, explanation, record, {
        seed,
        concurrency,
        ...(signal ? { signal } : {}),
      });
      return {
        score: storedJudgedScore(score, { id: models.judge.id, model: models.judge.model }),
      };
    },
  };
}

export const BATCH_SCORERS: Readonly<Record<string, BatchScorer>> = {
  simulation: simulationScorer,
  detection: judgedScorer('detection'),
  fuzzing: judgedScorer('fuzzing'),
};

/** The registry's scorers by name; an unknown name is an error that lists the known ones. */
export function batchScorers(names: readonly string[]): BatchScorer[] {
  if (names.length === 0) throw new RangeError('name at least one scorer');
  const seen = new Set<string>();
  return names.map((name) => {
    const scorer = BATCH_SCORERS[name];
    if (!scorer) {
      throw new RangeError(
        `unknown scorer ${JSON.stringify(name)} (known: ${Object.keys(BATCH_SCORERS).join(', ')})`,
      );
    }
    if (seen.has(name)) throw new RangeError(`the scorer ${name} is named twice`);
    seen.add(name);
    return scorer;
  });
}

/** Why a neuron got no result; it is listed with this reason and never gets a score. */
export class NeuronTaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NeuronTaskError';
  }
}

export interface ScoredExplanationEntry {
  explanation: string;
  /** Where the explanation came from. */
  origin: 'published' | 'model';
  explainer: { id: string; model: string } | null;
  scores: Record<string, { scorer: string } & Record<string, unknown>>;
}

/** `scores/{L}/{N}.json`: every scorer's result for each explanation of the neuron. */
export interface NeuronScoresFile {
  format: typeof SCORES_FORMAT;
  neuron_id: { layer_index: number; neuron_index: number };
  explanations: ScoredExplanationEntry[];
}

export interface NeuronResult {
  /** `explanations/{L}/{N}.jsonl`, in the published form. */
  explanations: NeuronSimulationResults;
  scores: NeuronScoresFile;
}

/** The explanations the job scores for this neuron, before any call. */
export function publishedExplanations(input: NeuronInput, spec: BatchSpec): string[] {
  const items = input.published?.scored_explanations ?? [];
  if (items.length === 0) return [];
  if (spec.explanations === 'all') return items.map((item) => item.explanation);
  let best = items[0]!;
  for (const item of items) {
    const score = item.scored_simulation.ev_correlation_score;
    const bestScore = best.scored_simulation.ev_correlation_score;
    if (score !== null && (bestScore === null || score > bestScore)) best = item;
  }
  return [best.explanation];
}

/** A scored simulation with no records, for an explanation that no simulation scored. */
const UNSCORED: ScoredSimulation = {
  scored_sequence_simulations: [],
  ev_correlation_score: null,
  rsquared_score: null,
  absolute_dev_explained_score: null,
};

export async function runNeuron(
  input: NeuronInput,
  spec: BatchSpec,
  models: BatchModels,
  options: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<NeuronResult> {
  const scorers = batchScorers(spec.scorers);
  const record = input.record;
  if (record === null) throw new NeuronTaskError(new NoRecordsError().message);
  if (scoringRecords(record).length === 0) throw new NeuronTaskError(new NoRecordsError().message);

  let explanations: { text: string; origin: 'published' | 'model' }[];
  let explainer: ScoredExplanationEntry['explainer'] = null;
  if (spec.explain === 'published') {
    explanations = publishedExplanations(input, spec).map((text) => ({
      text,
      origin: 'published',
    }));
    if (explanations.length === 0) {
      throw new NeuronTaskError('the dataset has no explanation of this neuron to score');
    }
  } else {
    const train = trainRecords(record);
    if (train.length === 0) throw new NeuronTaskError('no top-activating records to explain from');
    const written = await models.explainer.explain(
      train,
      options.signal ? { signal: options.signal } : {},
    );
    explanations = [{ text: written.trim(), origin: 'model' }];
    explainer = { id: models.explainer.id, model: models.explainer.model };
  }

  const entries: ScoredExplanationEntry[] = [];
  const scored: NeuronSimulationResults['scored_explanations'] = [];
  for (const { text, origin } of explanations) {
    const scores: ScoredExplanationEntry['scores'] = {};
    let scoredSimulation: ScoredSimulation = UNSCORED;
    for (const scorer of scorers) {
      const outcome = await scorer.run({
        explanation: text,
        record,
        models,
        seed: spec.seed,
        concurrency: options.concurrency ?? 4,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      scores[scorer.name] = outcome.score;
      if (outcome.scoredSimulation) scoredSimulation = outcome.scoredSimulation;
    }
    entries.push({
      explanation: text,
      origin,
      explainer: origin === 'model' ? explainer : null,
      scores,
    });
    scored.push({ explanation: text, scored_simulation: scoredSimulation });
  }
  const neuron_id = { layer_index: input.layer, neuron_index: input.neuron };
  return {
    explanations: { neuron_id, scored_explanations: scored },
    scores: { format: SCORES_FORMAT, neuron_id, explanations: entries },
  };
}

/** Upstream usage of one neuron, for a dry run (the explainer's call included when it writes). */
export function estimateNeuron(
  input: NeuronInput,
  spec: BatchSpec,
  count: CountTokens,
  offline: { simulator: boolean; explainer: boolean; judge: boolean },
): Usage {
  const usage: Usage = { calls: 0, promptTokens: 0, completionTokens: 0 };
  const add = (u: Usage) => {
    usage.calls += u.calls;
    usage.promptTokens += u.promptTokens;
    usage.completionTokens += u.completionTokens;
  };
  const record = input.record;
  if (record === null) return usage;
  let explanations: string[];
  if (spec.explain === 'model') {
    if (!offline.explainer) add(explanationUsage(trainRecords(record), count));
    // The written explanation is unknown before the call: a typical one stands in for it.
    explanations = ['words and phrases related to a typical topic of this neuron'];
  } else {
    explanations = publishedExplanations(input, spec);
  }
  for (const scorer of batchScorers(spec.scorers)) {
    if (offline[scorer.role]) continue;
    for (const text of explanations) add(scorer.estimate(text, record, spec.seed, count));
  }
  return usage;
}
