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
function progressBar(fields: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format: `{bar} {percentage}% | ${fields}`, hideCursor: true, etaBuffer: 2000, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
}

/**
 * Moves a long command's progress bar to `value` of `total`; `fields` (the values of the bar's
 * fields) is only called when the bar is drawn.
 */
export type ShowProgress = (
  total: number,
  value: number,
  fields: () => Record<string, string | number>,
) => void;

/**
 * Runs a long command the way every command runs one: Ctrl-C aborts `controller` and the command
 * fails with "interrupted: <interrupted>" (exit code 130), and a progress bar (`fields` after the
 * bar) is drawn on stderr when it is a terminal and `progress` is on. The bar is stopped before
 * the command's result or error is written.
 */
export async function runWithProgress<T>(
  {
    fields,
    progress,
    controller,
    interrupted,
  }: { fields: string; progress: boolean; controller: AbortController; interrupted: string },
  run: (show: ShowProgress, showing: boolean) => Promise<T>,
): Promise<T> {
  const bar = progressBar(fields);
  const showing = progress && process.stderr.isTTY;
  let started = false;
  const show: ShowProgress = (total, value, values) => {
    if (!showing) return;
    if (!started) bar.start(total, value, values());
    else bar.update(value, values());
    started = true;
  };
  const onSigint = () => controller.abort(new CliError('interrupted', 130));
  process.once('SIGINT', onSigint);
  try {
    return await run(show, showing);
  } catch (error) {
    if (controller.signal.aborted) throw new CliError(`interrupted: ${interrupted}`, 130);
    throw error;
  } finally {
    if (started) bar.stop();
    process.removeListener('SIGINT', onSigint);
  }
}
