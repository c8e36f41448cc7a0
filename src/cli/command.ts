/** What a command file in ./commands/ exports, and helpers shared by commands. */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

/** A failure to report as one line (no stack trace), with the exit code to use. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

export function parsePositive(value: string): number {
  const n = parseCount(value);
  if (n === 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** "3" or "0-47" (inclusive). */
export function parseLayerRange(value: string): { from: number; to: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a layer or a range such as 0-47');
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (to < from) throw new InvalidArgumentError(`the range ${value} is empty`);
  return { from, to };
}

/** A progress bar on stderr in the commands' one look: the bar and percentage, then `fields`. */
export function progressBar(fields: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format: `{bar} {percentage}% | ${fields}`, hideCursor: true, etaBuffer: 2000, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
}

/** Ctrl-C aborts `controller` (with CliError 'interrupted', exit code 130) until the returned call. */
export function abortOnInterrupt(controller: AbortController): () => void {
  const onSigint = () => controller.abort(new CliError('interrupted', 130));
  process.once('SIGINT', onSigint);
  return () => process.removeListener('SIGINT', onSigint);
}
