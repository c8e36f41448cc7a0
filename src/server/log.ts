/** Plain one-line logs: one line per request, and the server's own notices. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

const stamp = () => new Date().toISOString();

export const consoleLogger: Logger = {
  info: (message) => process.stdout.write(`${stamp()} ${message}\n`),
  warn: (message) => process.stderr.write(`${stamp()} warning: ${message}\n`),
  error: (message, error) =>
    process.stderr.write(
      `${stamp()} error: ${message}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}\n`,
    ),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
