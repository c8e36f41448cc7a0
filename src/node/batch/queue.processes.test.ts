/**
 * A batch job across machines, on one real redis-server (started here on a free port; the test is
 * skipped, loudly, only when /usr/bin/redis-server is absent): two `worker` processes drain a
 * 2,000-neuron job that this process planned and collects; no neuron is computed twice or left
 * out. (That the files are the same bytes as on one machine follows from both paths recording
 * outcomes with the same code; resume.processes.test.ts checks the bytes.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASELINE_MODELS, RESCORE_PUBLISHED } from '../../../tests/support/batch-models.ts';
import { writeDemoCopies } from '../../../tests/support/demo-copies.ts';
import { redisServerMissing, startRedis, type TestRedis } from '../../../tests/support/redis.ts';
import type { BatchOptions } from './run.ts';
import { runBatch } from './run.ts';

const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));
const skip = redisServerMissing();
const root = mkdtempSync(join(tmpdir(), 'batch-queue-'));
const data = join(root, 'data', 'demo-x16');
let redis: TestRedis | null = null;

beforeAll(async () => {
  if (skip) return;
  await writeDemoCopies(root, data, 16);
  redis = await startRedis();
}, 120_000);
afterAll(async () => {
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

function startWorker(url: string): { child: ChildProcess; lines: () => string[] } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--redis', url, '--verbose', '--no-answers'],
    { cwd: REPOSITORY, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (chunk) => (out += String(chunk)));
  return { child, lines: () => out.split('\n').filter((line) => /^(done|failed) /.test(line)) };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

const job = (out: string): BatchOptions => ({
  data,
  out,
  select: [],
  limit: 2000,
  spec: RESCORE_PUBLISHED,
  models: BASELINE_MODELS,
  concurrency: 8,
  id: 'x',
  title: 'x',
});

describe.skipIf(skip)('a batch job on a Redis queue', () => {
  it('is drained by two workers with no neuron computed twice or left out', async () => {
    const url = redis!.url;
    const workers = [startWorker(url), startWorker(url)];
    const delivered: string[] = [];
    try {
      const out = join(root, 'data', 'queued');
      const result = await runBatch({
        ...job(out),
        redis: url,
        onResult: (r) => delivered.push(`${r.layer}/${r.neuron}`),
      });
      expect(result.total).toBe(2000);
      expect(result.done + result.failed.length).toBe(2000);

      const computed = workers.map((w) =>
        w.lines().map((line) => line.split(' ')[1]!.replace(/:$/, '')),
      );
      const all = computed.flat();
      // Each worker did part of it; together every neuron exactly once.
      for (const part of computed) expect(part.length).toBeGreaterThan(100);
      expect(all).toHaveLength(2000);
      expect(new Set(all).size).toBe(2000);
      expect(delivered).toHaveLength(2000);
      expect(new Set(delivered)).toEqual(new Set(all));

      // Every neuron done is in the dataset the app opens.
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
        layers: { explained: number }[];
      };
      expect(manifest.layers.reduce((n, l) => n + l.explained, 0)).toBe(result.done);
    } finally {
      await Promise.all(workers.map((w) => stop(w.child)));
    }
  }, 240_000);
});
