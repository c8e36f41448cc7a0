/** Builds the server for a test, with settings from a plain object and no log output. */
import { buildServer, type Server } from '../../src/server/app.ts';
import { silentLogger } from '../../src/server/log.ts';
import { loadSettings, type Settings } from '../../src/server/settings.ts';

export function testSettings(env: Record<string, string | undefined>): Settings {
  return loadSettings([], { LOG_REQUESTS: 'false', APP_DIR: '/nonexistent-app-dir', ...env });
}

export async function testServer(env: Record<string, string | undefined>): Promise<Server> {
  return buildServer({ settings: testSettings(env), logger: silentLogger });
}
