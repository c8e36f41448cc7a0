import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SseParser } from '../core/api/sse.ts';
import type { DatasetList } from '../core/dataset/types.ts';
import { temporaryDirectory } from '../../tests/support/datasets.ts';
import { startOpenAiTestServer } from '../../tests/support/openai-test-server.ts';
import { freePortInRange } from '../../tests/support/ports.ts';
import { CAT_NEURON, DATASET, simulationDataDir } from '../../tests/support/simulation-fixture.ts';

describe('npm start (src/server/main.ts)', () => {
  it('writes the demo dataset, prints the URL, serves, and exits cleanly on SIGTERM', async () => {
    const data = await temporaryDirectory('ne-start-');
    const app = await temporaryDirectory('ne-start-app-');
    await writeFile(join(app.path, 'index.html'), '<!doctype html><title>Neuron Explorer</title>');
    const port = await freePortInRange();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: data.path,
        APP_DIR: app.path,
        CACHE_DIR: join(data.path, '.cache'),
        OPENAI_API_KEY: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (output.includes('is running at')) {
            clearInterval(timer);
            resolve();
          }
        }, 50);
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`Neuron Explorer is running at http://127.0.0.1:${port}/`);
      expect(output).toMatch(/wrote the demo dataset/);

      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/`)).text()).toContain('<title>Neuron Explorer</title>');
      const list = (await (await fetch(`${base}/datasets/index.json`)).json()) as DatasetList;
      expect(list.default).toBe('demo');
      const health = (await (await fetch(`${base}/api/health`)).json()) as {
        simulator: { id: string };
      };
      expect(health.simulator.id).toBe('baseline');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output).toMatch(/GET \/datasets\/index\.json 200 [\d.]+ms/);

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('closed');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await Promise.all([data.remove(), app.remove()]);
    }
  }, 60_000);
});

describe('npm start, stopped by a signal', () => {
  it('answers every open request (JSON and event stream) and leaves nothing listening', async () => {
    const upstream = await startOpenAiTestServer({ mode: 'timeout' });
    const data = await simulationDataDir();
    const app = await temporaryDirectory('ne-start-app-');
    await writeFile(join(app.path, 'index.html'), '<!doctype html><title>Neuron Explorer</title>');
    const port = await freePortInRange();
    // As a user runs it: npm, which runs the start script in a shell.
    const npm = spawn('npm', ['start', '--silent'], {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: data.path,
        APP_DIR: app.path,
        CACHE_DIR: join(data.path, '.cache'),
        SIMULATOR: 'openai',
        OPENAI_API_KEY: 'sk-test-start',
        OPENAI_BASE_URL: upstream.baseURL,
        SHUTDOWN_GRACE_MS: '300',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own, so that nothing it started outlives a failed test.
      detached: true,
    });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
    // Also when the test times out (its own finally would wait for a request that never ends).
    onTestFinished(() => {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // The group has exited, as it should.
      }
    });
    try {
      await until(
        () => output.includes('is running at'),
        () => output,
      );
      const base = `http://127.0.0.1:${port}`;
      const request = (accept: string) =>
        fetch(`${base}/api/simulate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept },
          body: JSON.stringify({ dataset: DATASET, ...CAT_NEURON, explanation: 'cats' }),
        });
      const json = request('application/json');
      const stream = request('text/event-stream');
      // And a request whose body never comes: it never reaches a route, and must not hold the
      // shutdown up.
      const stalled = connect(port, '127.0.0.1', () =>
        stalled.write(
          'POST /api/simulate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
            'Content-Length: 100\r\n\r\n{"dataset":',
        ),
      );
      stalled.on('error', () => undefined);
      const stalledClosed = new Promise((resolve) => stalled.once('close', resolve));
      // Both wait for the LLM server, which never answers (16 calls in flight at most).
      await until(
        () => upstream.requests.length >= 16,
        () => `${upstream.requests.length} upstream calls; ${output}`,
      );

      npm.kill('SIGTERM');
      const jsonResponse = await json;
      expect(jsonResponse.status).toBe(503);
      expect(jsonResponse.headers.get('retry-after')).toBe('5');
      expect(await jsonResponse.json()).toMatchObject({
        error: { code: 'unavailable', retryable: true },
      });
      const events = new SseParser().push(await (await stream).text());
      expect(events.at(-1)).toMatchObject({
        event: 'error',
        data: { code: 'unavailable', message: expect.stringMatching(/shutting down/) },
      });

      expect(await exited).toBe(0);
      await stalledClosed;
      await expect(fetch(`${base}/api/health`)).rejects.toThrow();
      expect(output).toMatch(/SIGTERM: closing/);
      expect(output).toMatch(/closed/);
    } finally {
      await upstream.close();
      await Promise.all([data.remove(), app.remove()]);
    }
  }, 60_000);
});

/** Resolves once `done()` holds, checking every 50 ms; fails after 30 s, saying `why()`. */
async function until(done: () => boolean, why: () => string): Promise<void> {
  for (let waited = 0; !done(); waited += 50) {
    if (waited > 30_000) throw new Error(`gave up waiting: ${why()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
