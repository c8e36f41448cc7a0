import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetList } from '../core/dataset/types.ts';
import { temporaryDirectory } from '../../tests/support/datasets.ts';
import { freePortInRange } from '../../tests/support/ports.ts';

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
