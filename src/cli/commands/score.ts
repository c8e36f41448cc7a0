/**
 * `score`: an explanation of one neuron scored by simulation, detection and fuzzing, each with its
 * 95% interval and basis, from an ingested dataset folder. Offline baselines unless a model is
 * named (then any OpenAI-compatible server, from OPENAI_BASE_URL and OPENAI_API_KEY).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parseNeuronRecord } from '../../core/format/parse.ts';
import { baselineJudge } from '../../core/scoring/baseline-judge.ts';
import {
  SCORER_NAMES,
  SCORING_SEED,
  WEAK_BASIS_RECORDS,
  type ScoreBasis,
  type ScorerName,
} from '../../core/scoring/basis.ts';
import { scoreByJudge, type Judge, type JudgedScore } from '../../core/scoring/judged.ts';
import { scoreSimulation, type SimulationScore } from '../../core/scoring/simulation-score.ts';
import { baselineSimulator } from '../../core/simulation/baseline.ts';
import type { Simulator } from '../../core/simulation/types.ts';
import { readManifestFile } from '../../node/dataset-files.ts';
import { modelChatClient, UsageMeter } from '../../node/batch/models.ts';
import { openAiJudge } from '../../node/llm/judge.ts';
import { openAiSimulator } from '../../node/llm/openai.ts';
import { openManifestSource } from '../../node/source.ts';
import { CliError, parseCount } from '../command.ts';

interface ScoreFlags {
  data: string;
  neuron: { layer: number; neuron: number };
  explanation: string;
  scorers: ScorerName[];
  seed: number;
  model?: string;
  judgeModel?: string;
  json?: boolean;
}

/** What --json prints: exactly these fields per scorer. */
export interface ScoreOutput {
  simulation?: {
    ev_correlation_score: number | null;
    interval: [number, number] | null;
    basis: ScoreBasis;
  };
  detection?: JudgedOutput;
  fuzzing?: JudgedOutput;
}
interface JudgedOutput {
  balanced_accuracy: number | null;
  f1: number | null;
  interval: [number, number] | null;
  basis: ScoreBasis;
}

function parseNeuron(value: string): { layer: number; neuron: number } {
  const match = /^(\d+)[/:](\d+)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected layer/neuron, e.g. 5/131');
  return { layer: Number(match[1]), neuron: Number(match[2]) };
}

function parseScorers(value: string): ScorerName[] {
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(SCORER_NAMES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown scorer "${name}" (use ${SCORER_NAMES.join(', ')})`);
    }
  }
  if (new Set(names).size !== names.length)
    throw new InvalidArgumentError('a scorer is named twice');
  return SCORER_NAMES.filter((name) => names.includes(name));
}

/** The scores of one explanation on one neuron of a dataset folder. */
export async function scoreExplanation(flags: ScoreFlags): Promise<{
  simulation?: SimulationScore;
  detection?: JudgedScore;
  fuzzing?: JudgedScore;
}> {
  const explanation = flags.explanation.trim();
  if (explanation === '') throw new CliError('--explanation must not be empty');
  const manifest = await readManifestFile(flags.data);
  const { layer, neuron } = flags.neuron;
  const summary = manifest.layers.find((l) => l.layer === layer);
  if (!summary) throw new CliError(`${manifest.id} has no layer ${layer}`);
  if (neuron >= summary.neurons) {
    throw new CliError(
      `layer ${layer} of ${manifest.id} has ${summary.neurons} neurons (0 to ${summary.neurons - 1})`,
    );
  }
  const source = openManifestSource(flags.data, manifest.source, { model: manifest.model });
  const path = `collated-activations/${layer}/${neuron}.json`;
  const text = await source.readNeuronFile('collated-activations', layer, neuron);
  if (text === null) {
    throw new CliError(
      `neuron ${layer}/${neuron} of ${manifest.id} has no activation records (${path}), so it cannot be scored`,
    );
  }
  const record = parseNeuronRecord(text, { path, layer, neuron });

  let simulator: Simulator = baselineSimulator;
  let judge: Judge = baselineJudge;
  let close = async () => {};
  if (flags.model) {
    // The proxy's chat client (src/node/llm), as the batch command makes it: its retries, a cap on
    // calls, its answer checks; no secret in a failure's reason.
    const chat = modelChatClient(
      {
        baseURL: process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
        apiKey: process.env.OPENAI_API_KEY,
        maxCalls: 8,
        maxRetries: 3,
        timeoutMs: 60_000,
      },
      new UsageMeter(),
    );
    simulator = openAiSimulator(chat, flags.model);
    judge = openAiJudge(chat, flags.judgeModel ?? flags.model);
    close = () => chat.close();
  }
  const run = (scorer: ScorerName) => flags.scorers.includes(scorer);
  // Closed however the scorers end (the connections would keep the process alive).
  const [simulation, detection, fuzzing] = await (async () => {
    try {
      return await Promise.all([
        run('simulation')
          ? scoreSimulation(simulator, explanation, record, { seed: flags.seed }).then(
              (r) => r.score,
            )
          : undefined,
        run('detection')
          ? scoreByJudge('detection', judge, explanation, record, { seed: flags.seed })
          : undefined,
        run('fuzzing')
          ? scoreByJudge('fuzzing', judge, explanation, record, { seed: flags.seed })
          : undefined,
      ]);
    } finally {
      await close();
    }
  })();
  return {
    ...(simulation && { simulation }),
    ...(detection && { detection }),
    ...(fuzzing && { fuzzing }),
  };
}

export function toOutput(scores: Awaited<ReturnType<typeof scoreExplanation>>): ScoreOutput {
  const judged = (score: JudgedScore): JudgedOutput => ({
    balanced_accuracy: score.balanced_accuracy,
    f1: score.f1,
    interval: score.interval,
    basis: score.basis,
  });
  return {
    ...(scores.simulation && {
      simulation: {
        ev_correlation_score: scores.simulation.ev_correlation_score,
        interval: scores.simulation.interval,
        basis: scores.simulation.basis,
      },
    }),
    ...(scores.detection && { detection: judged(scores.detection) }),
    ...(scores.fuzzing && { fuzzing: judged(scores.fuzzing) }),
  };
}

const number = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));

function describeBasis(basis: ScoreBasis): string {
  const who =
    basis.provider === 'baseline'
      ? `baseline ${basis.role} (offline, not a language model)`
      : `${basis.model} (${basis.sampling === 'logprobs' ? 'log-probabilities' : basis.sampling === 'sampled' ? 'sampled answers' : 'partly log-probabilities'}, prompt ${basis.prompt_version})`;
  const what =
    basis.scorer === 'simulation'
      ? `${basis.records} records (${basis.record_kinds.top} top, ${basis.record_kinds.random} random)`
      : `${basis.records} examples (${basis.activating} firing, ${basis.non_activating} quiet)`;
  return `${what}, ${basis.tokens} tokens; ${who}; seed ${basis.seed}`;
}

/** The scores as a short table, with any weak-basis warning. */
export function formatScores(scores: Awaited<ReturnType<typeof scoreExplanation>>): string {
  const rows: [string, string, string, ScoreBasis, string | null][] = [];
  if (scores.simulation) {
    const s = scores.simulation;
    rows.push([
      'simulation',
      `correlation ${number(s.ev_correlation_score)}`,
      interval(s.interval),
      s.basis,
      null,
    ]);
  }
  for (const s of [scores.detection, scores.fuzzing]) {
    if (s)
      rows.push([
        s.scorer,
        `balanced accuracy ${number(s.balanced_accuracy)}, F1 ${number(s.f1)}`,
        interval(s.interval),
        s.basis,
        s.note,
      ]);
  }
  const lines = rows.map(
    ([name, score, range, basis]) =>
      `${name.padEnd(11)} ${score.padEnd(38)} ${range.padEnd(17)} ${describeBasis(basis)}`,
  );
  for (const [name, , , basis, note] of rows) {
    if (basis.weak)
      lines.push(
        `warning: the ${name} score rests on ${basis.records} record${basis.records === 1 ? '' : 's'} (fewer than ${WEAK_BASIS_RECORDS}): weak`,
      );
    if (note) lines.push(`note: ${name}: ${note}`);
  }
  return [
    `${'scorer'.padEnd(11)} ${'score'.padEnd(38)} ${'95% interval'.padEnd(17)} basis`,
    ...lines,
  ].join('\n');
}

function interval(range: [number, number] | null): string {
  return range ? `[${number(range[0])}, ${number(range[1])}]` : 'n/a';
}

export function register(program: Command): void {
  program
    .command('score')
    .description(
      'Score an explanation of one neuron by simulation, detection and fuzzing, each with its 95% interval and basis (offline baselines unless --model is given)',
    )
    .requiredOption('--data <folder>', 'dataset folder (with manifest.json)')
    .requiredOption('--neuron <L/N>', 'the neuron, e.g. 5/131', parseNeuron)
    .requiredOption('--explanation <text>', 'what the neuron is said to find')
    .option('--scorers <names>', `comma-separated: ${SCORER_NAMES.join(',')}`, parseScorers, [
      ...SCORER_NAMES,
    ])
    .option(
      '--seed <n>',
      'seed of example draws, batches, marks and the bootstrap',
      parseCount,
      SCORING_SEED,
    )
    .option(
      '--model <name>',
      'simulate and judge with this chat model (OPENAI_BASE_URL, OPENAI_API_KEY)',
    )
    .option('--judge-model <name>', 'judge with this model instead (with --model)')
    .option(
      '--json',
      'print {simulation, detection, fuzzing}, each with its score, interval and basis',
    )
    .action(async (flags: ScoreFlags) => {
      const scores = await scoreExplanation(flags);
      process.stdout.write(
        flags.json ? `${JSON.stringify(toOutput(scores), null, 2)}\n` : `${formatScores(scores)}\n`,
      );
    });
}
