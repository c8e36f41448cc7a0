/**
 * `activations`: run a GPT-2 checkpoint folder (config.json + model.safetensors, as Hugging Face
 * publishes them) over a text and print its MLP neurons' activations; `activations verify`:
 * compute a dataset's recorded activations again and say how close they are.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { NeuronRecord } from '../../core/format/types.ts';
import { parseNeuronRecord } from '../../core/format/parse.ts';
import { ModelFileError } from '../../core/model/errors.ts';
import type { LoadProgress } from '../../core/model/progress.ts';
import type { NeuronRef } from '../../core/model/runner.ts';
import {
  APPROXIMATE_GELU_NOTE,
  checkNeuronRecords,
  type NeuronCheck,
} from '../../core/model/verify.ts';
import { readManifestFile } from '../../node/dataset-files.ts';
import {
  openModelFolder,
  type NodeModelRunner,
  type OpenModelOptions,
} from '../../node/model/runner.ts';
import { openManifestSource } from '../../node/source.ts';
import { CliError, parseCount, parsePositive } from '../command.ts';

/** "L/N" (also "L:N"). */
export function parseNeuron(value: string): NeuronRef {
  const match = /^(\d+)[/:](\d+)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a neuron as LAYER/NEURON, e.g. 5/131');
  return { layer: Number(match[1]), neuron: Number(match[2]) };
}

function parseNeurons(value: string): NeuronRef[] {
  return value
    .split(',')
    .filter((part) => part.trim() !== '')
    .map(parseNeuron);
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/** A one-line progress report on stderr while weights load (on a terminal only). */
function progressPrinter(enabled: boolean): (progress: LoadProgress) => void {
  return (progress) => {
    if (!enabled || progress.phase !== 'weights') return;
    const rate = progress.bytesPerSecond ? `, ${megabytes(progress.bytesPerSecond)}/s` : '';
    const eta = progress.etaSeconds !== null ? `, ${Math.ceil(progress.etaSeconds)} s left` : '';
    process.stderr.write(
      `\rloading weights ${megabytes(progress.loaded)} of ${megabytes(progress.total)}${rate}${eta}   `,
    );
  };
}

async function openModel(folder: string, options: OpenModelOptions): Promise<NodeModelRunner> {
  try {
    const runner = await openModelFolder(folder, options);
    if (process.stderr.isTTY) process.stderr.write('\n');
    return runner;
  } catch (error) {
    if (error instanceof ModelFileError) throw new CliError(error.message);
    throw error;
  }
}

function checkNeuronInModel(runner: NodeModelRunner, neuron: NeuronRef): void {
  const { layers, inner } = runner.session.config;
  if (neuron.layer >= layers || neuron.neuron >= inner) {
    throw new CliError(
      `neuron ${neuron.layer}/${neuron.neuron} is not in this model (layers 0-${layers - 1}, neurons 0-${inner - 1})`,
    );
  }
}

interface RunFlags {
  model: string;
  text: string;
  neuron?: NeuronRef;
  top?: number;
  maxTokens: number;
  json?: boolean;
  progress: boolean;
}

/** What `activations --json` prints. */
export interface ActivationsOutput {
  tokens: string[];
  token_ids: number[];
  /** With --neuron L/N: its activation at each token. */
  activations?: number[];
  /** With --top K: each token's K strongest neurons over all layers, strongest first. */
  top?: { layer: number; neuron: number; activation: number }[][];
}

async function runActivationsCommand(flags: RunFlags): Promise<void> {
  const runner = await openModel(flags.model, {
    onProgress: progressPrinter(flags.progress && process.stderr.isTTY),
  });
  try {
    if (flags.neuron) checkNeuronInModel(runner, flags.neuron);
    const run = await runner.session.runText(flags.text, {
      maxTokens: flags.maxTokens,
      top: flags.top ?? 0,
      ...(flags.neuron ? { neurons: [flags.neuron] } : {}),
    });
    const output: ActivationsOutput = { tokens: run.tokens, token_ids: run.tokenIds };
    if (flags.neuron) output.activations = run.neurons[0]!.activations;
    if (flags.top !== undefined && flags.top > 0) output.top = run.top;
    if (run.truncated) {
      process.stderr.write(
        `The text has ${run.totalTokens} tokens; the first ${run.tokenIds.length} were read (--max-tokens).\n`,
      );
    }
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(output)}\n`);
      return;
    }
    const lines = run.tokens.map((token, i) => {
      const parts = [`${String(i).padStart(3)}  ${JSON.stringify(token).padEnd(16)}`];
      if (output.activations) parts.push(output.activations[i]!.toFixed(4).padStart(9));
      if (output.top) {
        parts.push(
          output.top[i]!.map((n) => `${n.layer}/${n.neuron} ${n.activation.toFixed(3)}`).join('  '),
        );
      }
      return parts.join('  ');
    });
    const head = [' #   token'];
    if (output.activations)
      head.push(`${flags.neuron!.layer}/${flags.neuron!.neuron}`.padStart(24));
    if (output.top) head.push(`   top ${flags.top} (layer/neuron activation)`);
    process.stdout.write(`${[head.join(''), ...lines].join('\n')}\n`);
  } finally {
    await runner.close();
  }
}

interface VerifyFlags {
  data: string;
  model: string;
  neurons?: NeuronRef[];
  limit: number;
  json?: boolean;
  progress: boolean;
}

/** The first `limit` neurons (layer order) whose records the source has. */
async function neuronsWithRecords(
  source: ReturnType<typeof openManifestSource>,
  layers: number[],
  limit: number,
): Promise<NeuronRef[]> {
  const found: NeuronRef[] = [];
  for (const layer of layers) {
    const neurons = await source.listNeurons('collated-activations', layer);
    for (const neuron of neurons ?? []) {
      if (found.length >= limit) return found;
      found.push({ layer, neuron });
    }
  }
  return found;
}

/** A difference: 4 decimals, or its order of magnitude when smaller than that shows. */
const difference = (value: number) =>
  value === 0 || value >= 0.001 ? value.toFixed(4) : value.toExponential(1);

function formatCheck(check: NeuronCheck): string {
  const id = `${check.layer}/${check.neuron}`.padEnd(10);
  if (check.tokens === 0) {
    return `${id} no record could be run${check.skipped[0] ? ` (${check.skipped[0].reason})` : ''}`;
  }
  const worst = check.worst!;
  const skipped = check.skipped.length ? `; ${check.skipped.length} record(s) skipped` : '';
  return `${id} ${String(check.records).padStart(3)} records, ${String(check.tokens).padStart(5)} tokens: median difference ${difference(check.medianDifference!)}, max ${difference(check.maxDifference!)} (record ${worst.record}, token ${worst.token}: recorded ${worst.recorded.toFixed(4)}, computed ${worst.computed.toFixed(4)})${skipped}`;
}

async function verifyCommand(flags: VerifyFlags): Promise<void> {
  const manifest = await readManifestFile(flags.data);
  const neuronsPerLayer = manifest.layers[0]?.neurons ?? 0;
  const runner = await openModel(flags.model, {
    expected: { layers: manifest.layers.length, neuronsPerLayer, dataset: manifest.id },
    onProgress: progressPrinter(flags.progress && process.stderr.isTTY),
  });
  try {
    const source = openManifestSource(flags.data, manifest.source);
    const neurons =
      flags.neurons ??
      (await neuronsWithRecords(
        source,
        manifest.layers.map((l) => l.layer),
        flags.limit,
      ));
    if (!flags.json) process.stdout.write(`${APPROXIMATE_GELU_NOTE}\n`);
    const checks: (NeuronCheck | { layer: number; neuron: number; error: string })[] = [];
    for (const neuron of neurons) {
      checkNeuronInModel(runner, neuron);
      let record: NeuronRecord;
      try {
        const text = await source.readNeuronFile(
          'collated-activations',
          neuron.layer,
          neuron.neuron,
        );
        if (text === null) throw new Error('the dataset has no activation records for it');
        record = parseNeuronRecord(text, {
          path: `collated-activations/${neuron.layer}/${neuron.neuron}.json`,
        });
      } catch (error) {
        const failed = { ...neuron, error: (error as Error).message };
        checks.push(failed);
        if (!flags.json)
          process.stdout.write(
            `${`${neuron.layer}/${neuron.neuron}`.padEnd(10)} ${failed.error}\n`,
          );
        continue;
      }
      const check = await checkNeuronRecords(
        runner.session,
        neuron,
        record.most_positive_activation_records,
      );
      checks.push(check);
      if (!flags.json) process.stdout.write(`${formatCheck(check)}\n`);
    }
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({
          note: APPROXIMATE_GELU_NOTE,
          neurons: checks.map((check) =>
            'error' in check ? check : { ...check, computed: undefined },
          ),
        })}\n`,
      );
    }
  } finally {
    await runner.close();
  }
}

export function register(program: Command): void {
  // `activations verify --model ...`: options after "verify" are verify's, not activations' own.
  program.enablePositionalOptions();
  const command = program
    .command('activations')
    .description(
      "Run a GPT-2 checkpoint folder (config.json + model.safetensors) over a text: its MLP neurons' activations per token",
    )
    .option(
      '--model <folder>',
      'folder with config.json and model.safetensors (Hugging Face layout)',
    )
    .option('--text <text>', 'the text to read (tokenized as GPT-2 does)')
    .option('--neuron <L/N>', "print this neuron's activation at each token", parseNeuron)
    .option('--top <K>', "print each token's K strongest neurons over all layers", parseCount)
    .option('--max-tokens <n>', 'read at most this many tokens of the text', parsePositive, 64)
    .option('--json', 'print {tokens, token_ids, activations?, top?} as JSON')
    .option('--no-progress', 'no progress line while the weights load')
    .action(async (flags: Partial<RunFlags>) => {
      if (!flags.model || flags.text === undefined) {
        throw new CliError(
          'activations needs --model <folder> and --text "..." (or the verify subcommand)',
          2,
        );
      }
      await runActivationsCommand(flags as RunFlags);
    });
  command
    .command('verify')
    .description(
      "Compute a dataset's recorded activations (each neuron's top records) with a checkpoint and compare",
    )
    .requiredOption('--data <folder>', 'dataset folder (with manifest.json)')
    .requiredOption('--model <folder>', 'folder with config.json and model.safetensors')
    .option(
      '--neurons <L/N,...>',
      'neurons to check (default: the first ones with records)',
      parseNeurons,
    )
    .option('--limit <n>', 'without --neurons, how many neurons to check', parsePositive, 5)
    .option('--json', 'print the comparisons as JSON')
    .option('--no-progress', 'no progress line while the weights load')
    .action(async (flags: VerifyFlags) => verifyCommand(flags));
}
