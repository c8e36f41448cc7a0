/**
 * Plain one-line logs: one line per request, and the server's own notices. Every line is redacted
 * (see redact.ts) and bounded in length; an error is its name and message on one line, then a few
 * stack frames, never a dump of whatever the error carries.
 */
import { capped } from './redact.ts';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Longest log line (before the stack frames of an error). */
const MAX_LINE_CHARS = 1000;
/** Stack frames shown for an unexpected error. */
const STACK_FRAMES = 8;

const stamp = () => new Date().toISOString();

/** A log line: redacted, one line, at most MAX_LINE_CHARS. */
export function logLine(message: string): string {
  return capped(message.replace(/\s*\n\s*/g, ' | '), MAX_LINE_CHARS);
}

/**
 * An error for the log: `Name: first line of the message`, then its first stack frames. (A
 * validation error's message is a dump of every issue, which its stack would repeat.)
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return logLine(String(error));
  const firstLine = error.message.split('\n', 1)[0] ?? '';
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, STACK_FRAMES)
    .map((line) => capped(line, 300));
  return [logLine(`${error.name}: ${firstLine}`), ...frames].join('\n');
}

/** Prints lines as given (use it through safeLogger). */
export const consoleLogger: Logger = {
  info: (message) => process.stdout.write(`${stamp()} ${message}\n`),
  warn: (message) => process.stderr.write(`${stamp()} warning: ${message}\n`),
  error: (message, error) =>
    process.stderr.write(
      `${stamp()} error: ${message}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}\n`,
    ),
};

/**
 * The logger every part of the server writes to: each line redacted and bounded, an error given as
 * describeError's text, before `inner` (the console, or a test's list of lines) sees it.
 */
export function safeLogger(inner: Logger): Logger {
  return {
    info: (message) => inner.info(logLine(message)),
    warn: (message) => inner.warn(logLine(message)),
    error: (message, error) =>
      inner.error(
        error === undefined ? logLine(message) : `${logLine(message)}: ${describeError(error)}`,
      ),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
