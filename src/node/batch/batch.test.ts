/**
 * `batch` on the demo dataset, in this process: the offline baseline (which scored the demo, so a
 * re-score must give its scores back), a model behind the local OpenAI-compatible test server
 * (calls as the dry run estimated them, failures with their reasons and no score, retries), the
 * selections, and a folder that holds another job.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BatchSpec } from '../../core/batch/task.ts';
import type { DatasetManifest, LayerIndex } from '../../core/dataset/types.ts';
import { parseNeuronRecord, parseNeuronSimulationResults } from '../../core/format/parse.ts';
import { excerptText } from '../../core/scoring/judge-prompt.ts';
import { planJudging } from '../../core/scoring/judged.ts';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
} from '../../../tests/support/openai-test-server.ts';
import {
  BASELINE_MODELS,
  RESCORE_PUBLISHED,
  testServerModels,
} from '../../../tests/support/batch-models.ts';
import { cli } from '../../../tests/support/cli.ts';
import { writeDemoDataset } from '../demo.ts';
import type { ModelSettings } from './models.ts';
import { estimateBatch, planBatch, runBatch, type BatchOptions } from './run.ts';

const root = mkdtempSync(join(tmpdir(), 'batch-unit-'));
const demo = join(root, 'data', 'demo');
let server: OpenAiTestServer;
let outCount = 0;
const freshOut = () => join(root, 'data', `out-${++outCount}`);

beforeAll(async () => {
  await writeDemoDataset(demo);
  server = await startOpenAiTestServer();
}, 60_000);
beforeEach(() => server.reset());
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const modelSettings = (overrides: Partial<ModelSettings> = {}) =>
  testServerModels(server.baseURL, overrides);

function options(overrides: Partial<BatchOptions>): BatchOptions {
  return {
    data: demo,
    out: freshOut(),
    select: [],
    spec: RESCORE_PUBLISHED,
    models: BASELINE_MODELS,
    concurrency: 4,
    ...overrides,
  };
}

/** Every file of a folder, relative to it (a batch's own .batch/ aside). */
function datasetFiles(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under)).flatMap((name) => {
    const path = under ? `${under}/${name}` : name;
    if (path === '.batch') return [];
    return statSync(join(dir, path)).isDirectory() ? datasetFiles(dir, path) : [path];
  });
}

function indexScores(dir: string): Map<string, number | null> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as DatasetManifest;
  const scores = new Map<string, number | null>();
  for (const layer of manifest.layers) {
    const index = JSON.parse(readFileSync(join(dir, layer.index), 'utf8')) as LayerIndex;
    index.neurons.forEach((neuron, i) => {
      if (index.explanations[i] !== null) scores.set(`${index.layer}/${neuron}`, index.scores[i]!);
    });
  }
  return scores;
}

describe('batch', () => {
  it('re-scores the demo with the baseline that scored it: the same scores, a dataset the app opens', async () => {
    const out = freshOut();
    const result = await runBatch(options({ out }));
    expect(result.total).toBe(127);
    // The demo's planted problems: a neuron without records, a truncated file, one without an
    // explanation, and the like. Each is listed with its reason, and gets no file.
    expect(result.failed.length).toBeGreaterThan(0);
    for (const failed of result.failed) {
      expect(failed.reason).not.toBe('');
      expect(
        existsSync(join(out, 'explanations', String(failed.layer), `${failed.neuron}.jsonl`)),
      ).toBe(false);
    }
    expect(result.done + result.failed.length).toBe(127);
    expect(result.usage.calls).toBe(0);

    const mine = indexScores(out);
    const theirs = indexScores(demo);
    expect(mine.size).toBe(result.done);
    for (const [neuron, score] of mine) expect(score).toBe(theirs.get(neuron));

    const manifest = JSON.parse(
      readFileSync(join(out, 'manifest.json'), 'utf8'),
    ) as DatasetManifest;
    expect(manifest).toMatchObject({ model: 'demo', synthetic: true, source: '.' });
    const batch = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(batch).toMatchObject({
      format: 'neuron-explorer.batch/1',
      dataset: { id: 'demo' },
      simulator: { id: 'baseline', model: 'baseline' },
      neurons: 127,
      done: result.done,
      failed: result.failed,
    });
    // The records came along, so the neuron page shows them; the scores file names the scorer.
    const [first] = [...mine.keys()];
    const [layer, neuron] = first!.split('/');
    expect(existsSync(join(out, 'collated-activations', layer!, `${neuron}.json`))).toBe(true);
    const scores = JSON.parse(readFileSync(join(out, 'scores', layer!, `${neuron}.json`), 'utf8'));
    expect(scores.explanations[0].scores.simulation).toMatchObject({
      scorer: 'simulation',
      simulator: { id: 'baseline', model: 'baseline' },
    });
    // The explanation file is in the release's form, and our parser reads it.
    const text = readFileSync(join(out, 'explanations', layer!, `${neuron}.jsonl`), 'utf8');
    expect(text).toMatch(/^\{"dataclass_name":"NeuronSimulationResults"/);
    const parsed = parseNeuronSimulationResults(text, { path: 'x' });
    expect(
      parsed.scored_explanations[0]!.scored_simulation.scored_sequence_simulations,
    ).toHaveLength(10);
  });

  it('makes as many upstream calls as the dry run estimated, and writes nothing for it', async () => {
    const settings = modelSettings();
    const out = freshOut();
    const opts = options({ out, select: ['layers:0'], models: settings, answers: null });
    const plan = await planBatch(opts);
    const estimate = await estimateBatch(plan, 1000);
    expect(existsSync(out)).toBe(false);
    expect(estimate.sampled).toBe(plan.neurons.length);
    const result = await runBatch(opts, plan);
    expect(result.done).toBeGreaterThan(20);
    // One call per simulated record: 10 scored and 10 calibration records per neuron.
    expect(server.requests).toHaveLength(result.usage.calls);
    expect(estimate.usage.calls, JSON.stringify({ done: result.done, failed: result.failed })).toBe(
      result.usage.calls,
    );
    expect(result.usage.calls).toBe(20 * result.done);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
  }, 60_000);

  it('lists a neuron whose model calls fail after their retries as failed, with the reason and no score', async () => {
    server.configure({ mode: 'server-error' });
    const out = freshOut();
    const result = await runBatch(
      options({
        out,
        select: ['layers:2'],
        limit: 3,
        // Calls pause (and wait) after 10 failures in a row: briefly here.
        models: modelSettings({ maxRetries: 1, breaker: { failures: 10, cooldownMs: 100 } }),
      }),
    );
    expect(result.done).toBe(0);
    expect(result.failed).toHaveLength(3);
    for (const failed of result.failed) expect(failed.reason).toContain('HTTP 500');
    expect(existsSync(join(out, 'explanations'))).toBe(false);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);

    // Once the server answers, --retry-failed runs them again.
    server.reset();
    const again = await runBatch(
      options({
        out,
        select: ['layers:2'],
        limit: 3,
        models: modelSettings({ maxRetries: 1 }),
        retryFailed: true,
      }),
    );
    expect(again.done).toBe(3);
    expect(again.failed).toEqual([]);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  it('retries a rate-limited call and scores the neuron', async () => {
    server.configure({ mode: 'rate-limit', failFirst: 3, retryAfter: '0' });
    const result = await runBatch(
      options({ select: ['layers:3'], limit: 1, models: modelSettings(), answers: null }),
    );
    expect(result.done).toBe(1);
    expect(result.usage.calls).toBe(23);
  });

  it('writes a new explanation from the explainer, then scores it', async () => {
    server.configure({ explanation: 'the word "dog"' });
    const out = freshOut();
    const result = await runBatch(
      options({
        out,
        select: ['layers:1'],
        limit: 2,
        spec: { ...RESCORE_PUBLISHED, explain: 'model' },
        models: modelSettings(),
      }),
    );
    expect(result.done).toBe(2);
    const batch = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8'));
    expect(batch.explainer).toEqual({ id: 'openai', model: 'test-explainer' });
    const written = parseNeuronSimulationResults(
      readFileSync(join(out, 'explanations', '1', '0.jsonl'), 'utf8'),
      { path: 'x' },
    );
    expect(written.scored_explanations.map((e) => e.explanation)).toEqual(['the word "dog"']);
  });

  it('scores by detection and fuzzing too: each with its interval, basis and verdicts; calls as estimated; a rerun the same bytes', async () => {
    // The judge says yes exactly where the neuron 1/0 fires (the truth of core's own examples).
    const truth = new Map<string, boolean>();
    const path = join(demo, 'collated-activations', '1', '0.json');
    const record = parseNeuronRecord(readFileSync(path, 'utf8'), { path, layer: 1, neuron: 0 });
    for (const scorer of ['detection', 'fuzzing'] as const) {
      const { selection, excerpts } = planJudging(scorer, record, { seed: 1 });
      excerpts.forEach((excerpt, i) =>
        truth.set(excerptText(excerpt), selection.examples[i]!.activating),
      );
    }
    server.configure({ judgeTruth: (excerpt) => truth.get(excerpt) });
    const spec: BatchSpec = {
      ...RESCORE_PUBLISHED,
      scorers: ['simulation', 'detection', 'fuzzing'],
    };
    const out = freshOut();
    const opts = options({ out, select: ['layers:1'], limit: 1, spec, models: modelSettings() });
    const plan = await planBatch(opts);
    expect(plan.job.judge).toEqual({ id: 'openai', model: 'test-judge' });
    const estimate = await estimateBatch(plan, 1000);
    const result = await runBatch(opts, plan);
    expect(result.done, JSON.stringify(result.failed)).toBe(1);
    expect(estimate.usage.calls).toBe(result.usage.calls);
    // Per neuron: 20 simulation calls, and one judge call per 10 examples per judged scorer.
    const judgeCalls = server.requests.filter((r) => JSON.stringify(r).includes('Excerpts ('));
    expect(judgeCalls.length).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(result.usage.calls);

    const file = JSON.parse(readFileSync(join(out, 'scores', '1', '0.json'), 'utf8'));
    const { simulation, detection, fuzzing } = file.explanations[0].scores;
    expect(simulation).toMatchObject({
      scorer: 'simulation',
      basis: { scorer: 'simulation', role: 'simulator', model: 'test-simulator', seed: 1 },
    });
    expect(simulation.interval === null || simulation.interval.length === 2).toBe(true);
    for (const judged of [detection, fuzzing]) {
      expect(judged).toMatchObject({
        judge: { id: 'openai', model: 'test-judge' },
        basis: { role: 'judge', provider: 'openai', model: 'test-judge', seed: 1 },
      });
      // A judge right on every example: balanced accuracy and F1 of 1, every verdict correct.
      expect(judged.balanced_accuracy).toBe(1);
      expect(judged.f1).toBe(1);
      expect(judged.interval).toEqual([1, 1]);
      expect(judged.examples.length).toBe(judged.basis.records);
      expect(judged.examples.every((e: { correct: boolean }) => e.correct)).toBe(true);
    }
    expect(
      fuzzing.examples.some((e: { marked?: number[] }) => e.marked && e.marked.length > 0),
    ).toBe(true);
    expect(detection.examples.every((e: { marked?: number[] }) => e.marked === undefined)).toBe(
      true,
    );

    // Run again into a new folder with the first run's answers: no call, the same files.
    const calls = server.requests.length;
    const again = freshOut();
    await runBatch({ ...opts, out: again, answers: join(out, '.batch', 'answers.sqlite') });
    expect(server.requests).toHaveLength(calls);
    const scored = datasetFiles(out).filter((path) => /^(scores|explanations)\//.test(path));
    expect(scored.length).toBe(2 * result.done);
    for (const path of scored) {
      expect(readFileSync(join(again, path)), path).toEqual(readFileSync(join(out, path)));
    }
  }, 60_000);

  it('a judge whose answer cannot be read, or who refuses, fails the neuron with the reason and no score', async () => {
    for (const mode of ['judge-format', 'judge-refusal'] as const) {
      server.reset();
      server.configure({ mode });
      const out = freshOut();
      const result = await runBatch(
        options({
          out,
          select: ['layers:1'],
          limit: 2,
          spec: { ...RESCORE_PUBLISHED, scorers: ['detection'] },
          models: modelSettings({ maxRetries: 0 }),
        }),
      );
      expect(result.done).toBe(0);
      expect(result.failed.length).toBe(2);
      for (const failed of result.failed) {
        expect(failed.reason).toMatch(mode === 'judge-format' ? /answer|line/i : /refus/i);
      }
      expect(existsSync(join(out, 'scores'))).toBe(false);
    }
  }, 60_000);

  it('selects by layer, score, search and file, intersected', async () => {
    const list = join(root, 'list.txt');
    writeFileSync(list, '0/1\n0/2\n3/5\n');
    const plan = await planBatch(options({ select: ['layers:0-2', `file:${list}`] }));
    expect(plan.neurons).toEqual([
      { layer: 0, neuron: 1 },
      { layer: 0, neuron: 2 },
    ]);
    const theirs = indexScores(demo);
    const low = await planBatch(options({ select: ['score:..0.3'] }));
    expect(low.neurons.length).toBeGreaterThan(0);
    for (const n of low.neurons)
      expect(theirs.get(`${n.layer}/${n.neuron}`)).toBeLessThanOrEqual(0.3);
    await expect(planBatch(options({ select: ['search:zzzqqq'] }))).rejects.toThrow(
      'matches no neuron',
    );
  });

  it('refuses an out folder that holds another job or other files', async () => {
    const out = freshOut();
    await runBatch(options({ out, select: ['layers:0'], limit: 2 }));
    await expect(runBatch(options({ out, select: ['layers:1'], limit: 2 }))).rejects.toThrow(
      'holds another batch job',
    );
    await expect(
      runBatch(options({ out: demo.replace('demo', 'out-1') + '/index' })),
    ).rejects.toThrow('is not empty');
  });

  it('prints a dry run through the CLI, offline and with a model', async () => {
    const offline = await cli([
      'batch',
      '--data',
      demo,
      '--out',
      freshOut(),
      '--dry-run',
      '--simulator',
      'baseline',
    ]);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toContain('127 neurons selected (all) of demo');
    expect(offline.stdout).toContain('(offline: no cost)');
    const judged = await cli([
      'batch',
      '--data',
      demo,
      '--out',
      freshOut(),
      '--dry-run',
      '--select',
      'layers:1',
      '--scorers',
      'detection,fuzzing',
      '--simulator',
      'baseline',
      '--judge',
      'openai',
      '--judge-model',
      'test-judge',
    ]);
    expect(judged.code, judged.stderr).toBe(0);
    expect(judged.stdout).toContain(
      'to run with detection, fuzzing (simulator baseline, judge test-judge)',
    );
    // The judge's calls only (the simulator is offline): 4 per scorer for 20 + 20 examples.
    expect(judged.stdout).toMatch(/Estimate from \d+ of them: [\d,]+ upstream calls/);
    expect(server.requests).toHaveLength(0);
    const bad = await cli([
      'batch',
      '--data',
      demo,
      '--out',
      freshOut(),
      '--scorers',
      'simulation,telepathy',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'unknown scorer "telepathy" (known: simulation, detection, fuzzing)',
    );
  });
});
