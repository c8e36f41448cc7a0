/** Builds the server for a test, with settings from a plain object and no log output. */
import { buildServer, type Server } from '../../src/server/app.ts';
import { silentLogger, type Logger } from '../../src/server/log.ts';
import { loadSettings, type Settings } from '../../src/server/settings.ts';

export function testSettings(env: Record<string, string | undefined>): Settings {
  return loadSettings([], { LOG_REQUESTS: 'false', APP_DIR: '/nonexistent-app-dir', ...env });
}

export async function testServer(
  env: Record<string, string | undefined>,
  logger: Logger = silentLogger,
): Promise<Server> {
  return buildServer({ settings: testSettings(env), logger });
}

/** A logger that keeps every line it is given (as the console would print it), for tests. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(message),
    warn: (message) => lines.push(`warning: ${message}`),
    error: (message, error) =>
      lines.push(`error: ${message}${error instanceof Error ? `\n${error.stack}` : ''}`),
  };
}
