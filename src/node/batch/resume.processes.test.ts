/**
 * A batch job over the demo dataset, killed with SIGKILL at random points (each time once a random
 * number of neurons is committed) and resumed, against the same job run without interruption:
 * the two datasets are the same bytes, every neuron finished before a kill keeps its files
 * untouched (never redone), and none is lost. The jobs run in child processes through the CLI,
 * with a model behind the local OpenAI-compatible test server, which simulates and judges (all
 * three scorers, so the scores files of detection and fuzzing are held to the same bytes too).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
} from '../../../tests/support/openai-test-server.ts';
import { Random } from '../../core/random/random.ts';
import { writeDemoDataset } from '../demo.ts';
import { Journal } from './journal.ts';

const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'batch-resume-'));
const demo = join(root, 'data', 'demo');
let server: OpenAiTestServer;

beforeAll(async () => {
  await writeDemoDataset(demo);
  // A little latency, so that a kill lands in the middle of the job.
  server = await startOpenAiTestServer({ latencyMs: 5 });
}, 60_000);
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function startBatch(out: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'batch',
      '--data',
      demo,
      '--out',
      out,
      '--id',
      'rescored',
      '--title',
      'Demo, re-scored',
      '--scorers',
      'simulation,detection,fuzzing',
      '--concurrency',
      '4',
      '--no-progress',
    ],
    {
      cwd: REPOSITORY,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: server.baseURL,
        SIMULATOR_MODEL: 'test-simulator',
        SOURCE_DATE_EPOCH: '1700000000',
      },
    },
  );
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
}

function files(dir: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.batch') walk(path);
      } else {
        found.set(relative(dir, path), readFileSync(path));
      }
    }
  };
  walk(dir);
  return found;
}

describe('a batch job killed at random points and resumed', () => {
  it('ends with the same bytes as an uninterrupted run, redoing and losing no finished neuron', async () => {
    const reference = join(root, 'data', 'reference');
    const whole = await exited(startBatch(reference));
    expect(whole.code, whole.stderr).toBe(0);

    const out = join(root, 'data', 'resumed');
    const kills: number[] = [];
    /** The explanation file of each neuron done before a kill, by its inode (a rewrite changes it). */
    const finished = new Map<string, number>();
    const random = new Random(0x5eed);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const before = Journal.doneNeurons(out).length;
      const target = before + 5 + random.int(25);
      const child = startBatch(out);
      const ended = exited(child);
      let running = true;
      void ended.then(() => (running = false));
      while (running && Journal.doneNeurons(out).length < target) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      child.kill('SIGKILL');
      const { signal } = await ended;
      if (signal !== 'SIGKILL') break; // it finished first: nothing left to interrupt
      kills.push(Journal.doneNeurons(out).length);
      for (const { layer, neuron } of Journal.doneNeurons(out)) {
        const path = join(out, 'explanations', String(layer), `${neuron}.jsonl`);
        const key = `${layer}/${neuron}`;
        if (!finished.has(key)) finished.set(key, statSync(path).ino);
      }
    }
    expect(kills.length, 'the job was interrupted at least once').toBeGreaterThan(0);
    const last = await exited(startBatch(out));
    expect(last.code, last.stderr).toBe(0);

    const expected = files(reference);
    const actual = files(out);
    const extra = [...actual.keys()].filter((path) => !expected.has(path));
    const missing = [...expected.keys()].filter((path) => !actual.has(path));
    expect({ extra, missing }, `killed after ${kills.join(', ')} neurons`).toEqual({
      extra: [],
      missing: [],
    });
    for (const [path, bytes] of expected) {
      expect(actual.get(path)?.equals(bytes), `${path} (killed after ${kills.join(', ')})`).toBe(
        true,
      );
    }
    for (const [key, inode] of finished) {
      const [layer, neuron] = key.split('/');
      const path = join(out, 'explanations', layer!, `${neuron}.jsonl`);
      expect(statSync(path).ino, `${key} was written again after a kill`).toBe(inode);
    }
    const batch = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8'));
    expect(batch.done + batch.failed.length).toBe(127);
    const scores = [...expected.keys()].filter((path) => path.startsWith('scores/'));
    expect(scores.length).toBe(batch.done);
    const first = JSON.parse(expected.get(scores[0]!)!.toString('utf8'));
    expect(Object.keys(first.explanations[0].scores)).toEqual([
      'simulation',
      'detection',
      'fuzzing',
    ]);
  }, 180_000);
});
