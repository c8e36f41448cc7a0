/**
 * `npm start`: one Node process that builds the app if needed, writes the demo dataset if needed,
 * and serves the app, the datasets and the API until SIGINT or SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import { appBuildState, buildApp } from '../node/app-build.ts';
import { ensureDemoDataset } from '../node/demo.ts';
import { buildServer } from './app.ts';
import { consoleLogger, safeLogger } from './log.ts';
import { loadSettings, SettingsError, settingsHelp, type Settings } from './settings.ts';

const log = safeLogger(consoleLogger);

/**
 * After the grace period, running requests are stopped and answer at once; this long after that,
 * connections still open are closed (kept-alive idle ones, and requests whose body never came, which
 * never reached a route), and the process exits if anything still holds it.
 */
const CLOSE_AFTER_STOP_MS = 1_000;
const EXIT_AFTER_STOP_MS = 5_000;

async function ensureApp(settings: Settings) {
  const state = appBuildState(settings.APP_DIR);
  if (state === 'fresh') return;
  log.info(
    `${state === 'missing' ? 'building' : 'rebuilding (sources changed)'} the app into ${settings.APP_DIR} (takes a few seconds) ...`,
  );
  await buildApp(settings.APP_DIR);
}

async function ensureDemo(settings: Settings) {
  const started = performance.now();
  try {
    const { created, path, modelPath, modelProblem } = await ensureDemoDataset(
      settings.DATA_DIR,
      settings.MODELS_DIR,
    );
    if (created) {
      log.info(
        `wrote the demo dataset to ${path} and its model to ${modelPath} in ${Math.round(performance.now() - started)} ms`,
      );
    }
    if (modelProblem) log.warn(`the demo model was not written: ${modelProblem}`);
  } catch (error) {
    // The other datasets can still be served.
    log.warn(`the demo dataset could not be written: ${(error as Error).message}`);
  }
}

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${settingsHelp()}\n`);
    return;
  }
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
    return;
  }

  await ensureApp(settings);
  await ensureDemo(settings);
  const { app, registry, stopRequests } = await buildServer({ settings });

  // On a signal the server stops listening and lets running requests finish for the grace
  // period; then it stops them, and each answers (a 503, or an `error` event on its stream)
  // before its connection closes. The process exits once every connection has.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) {
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    closing = true;
    const grace = settings.SHUTDOWN_GRACE_MS;
    log.info(`${signal}: closing (open requests get ${grace / 1000} s) ...`);
    // Unref'd: once the server has closed, these wait for nothing.
    setTimeout(() => {
      log.warn(`still closing after the grace period: stopped ${stopRequests()} running requests`);
    }, grace).unref();
    setTimeout(() => app.server.closeAllConnections(), grace + CLOSE_AFTER_STOP_MS).unref();
    setTimeout(() => {
      log.warn('still not closed after stopping every request: exiting');
      process.exit(1);
    }, grace + EXIT_AFTER_STOP_MS).unref();
    app.close().then(
      () => log.info('closed'),
      (error: unknown) => {
        log.error('closing failed', error);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  await app.listen({ port: settings.PORT, host: settings.HOST });
  const { port } = app.server.address() as AddressInfo;
  const host = ['0.0.0.0', '::', '127.0.0.1', 'localhost'].includes(settings.HOST)
    ? '127.0.0.1'
    : settings.HOST.includes(':')
      ? `[${settings.HOST}]`
      : settings.HOST;
  const list = await registry.datasetList();
  log.info(
    `datasets in ${settings.DATA_DIR}: ${list.datasets.map((d) => d.id).join(', ') || 'none'}` +
      (list.default ? ` (default ${list.default})` : ''),
  );
  log.info(
    `simulator: ${settings.SIMULATOR}` +
      (settings.SIMULATOR === 'openai' ? ` (${settings.SIMULATOR_MODEL})` : ''),
  );
  process.stdout.write(`\nNeuron Explorer is running at http://${host}:${port}/\n\n`);
}

main().catch((error: unknown) => {
  log.error('could not start', error);
  process.exit(1);
});
