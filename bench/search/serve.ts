/**
 * What the browser benchmarks of browse and compare share: the 307,200-neuron scale dataset
 * (made by the CLI when missing), the project's server serving it and the built app, and
 * quantiles.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * p;
  const below = Math.floor(at);
  return (
    sorted[below]! +
    (sorted[Math.min(sorted.length - 1, below + 1)]! - sorted[below]!) * (at - below)
  );
}

export const median = (values: number[]) => quantile(values, 0.5);

/** The 307,200-neuron scale fixture, generated and ingested by the CLI into `datasetDir`. */
export function makeScaleDataset(datasetDir: string) {
  const cli = (...words: string[]) =>
    execFileSync('npx', ['tsx', 'src/cli/main.ts', ...words], { stdio: 'inherit' });
  if (!existsSync('fixtures-out/scale')) cli('fixture', 'scale', '--out', 'fixtures-out/scale');
  cli(
    'ingest',
    '--source',
    'fixtures-out/scale',
    '--out',
    datasetDir,
    '--synthetic',
    '--title',
    'Scale fixture (307,200 neurons)',
    '--no-progress',
  );
}

async function waitForServer(base: string) {
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(`${base}/datasets/index.json`);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`The server did not answer on ${base}`);
}

/**
 * The project's server on `port`, serving `dataDir` and the built app (dist/); resolves once it
 * answers, with a function that stops it (also called when this process exits).
 */
export async function startAppServer(port: number, dataDir: string): Promise<() => void> {
  const server = spawn(
    'npx',
    [
      'tsx',
      'src/server/main.ts',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--app-dir',
      'dist',
      '--log-requests',
      'false',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid);
    } catch {
      // already gone
    }
  };
  process.on('exit', stop);
  await waitForServer(`http://127.0.0.1:${port}`);
  return stop;
}

/**
 * Page-side (a string, for an init script): window.__paintedWhen(test) resolves with the time,
 * after the next paint, when test(the element `selector` finds) first holds.
 */
export function paintedWhenHelper(selector: string): string {
  return `
  window.__paintedWhen = function (test) {
    return new Promise(function (done) {
      let observer = null;
      function check() {
        const element = document.querySelector(${JSON.stringify(selector)});
        if (element && test(element)) {
          if (observer) observer.disconnect();
          requestAnimationFrame(function () { setTimeout(function () { done(performance.now()); }, 0); });
          return true;
        }
        return false;
      }
      if (check()) return;
      observer = new MutationObserver(check);
      observer.observe(document.body, { attributes: true, childList: true, subtree: true });
    });
  };`;
}
