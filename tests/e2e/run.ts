/**
 * `npm run test:e2e`: builds the app if needed, prepares a temporary DATA_DIR, starts the real
 * server on a free port and runs the Playwright tests in headless Chromium against it. Extra
 * arguments go to `playwright test` (e.g. `npm run test:e2e -- -g "dark mode"`).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findChromium } from './chromium.ts';
import {
  addRescoredDemo,
  buildAppIfNeeded,
  freePort,
  prepareDataDir,
  repoRoot,
  startServer,
} from './environment.ts';

async function main(): Promise<number> {
  const chromiumPath = findChromium();
  const appDir = await buildAppIfNeeded();
  const data = prepareDataDir();
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    await addRescoredDemo(data);
    server = await startServer({ dataDir: data.path, appDir, port: await freePort() });
    const playwright = spawn(
      join(repoRoot, 'node_modules/.bin/playwright'),
      [
        'test',
        '--config',
        join(repoRoot, 'tests/e2e/playwright.config.ts'),
        ...process.argv.slice(2),
      ],
      {
        cwd: repoRoot,
        stdio: 'inherit',
        env: { ...process.env, E2E_BASE_URL: server.url, CHROMIUM_PATH: chromiumPath },
      },
    );
    return await new Promise<number>((done) => playwright.once('exit', (code) => done(code ?? 1)));
  } finally {
    await server?.stop();
    if (!process.env.E2E_KEEP_DATA) data.remove();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
