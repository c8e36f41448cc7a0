import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from '../../../tests/support/cli.ts';
import { manifestFor, temporaryDirectory, writeDataset } from '../../../tests/support/datasets.ts';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
} from '../../../tests/support/openai-test-server.ts';
import { scoringNeuronRecord } from '../../../tests/support/scoring-fixture.ts';

let folder: string;
let remove: () => Promise<void>;
let llm: OpenAiTestServer;

beforeAll(async () => {
  const dir = await temporaryDirectory('ne-cli-score-');
  remove = dir.remove;
  const partial = scoringNeuronRecord(0, 4);
  partial.most_positive_activation_records = partial.most_positive_activation_records.slice(0, 4);
  partial.random_sample = [];
  partial.random_sample_by_quantile = null;
  folder = await writeDataset(dir.path, manifestFor('scored', [{ layer: 0, neurons: 8 }]), {
    'collated-activations/0/3.json': scoringNeuronRecord(0, 3),
    'collated-activations/0/4.json': partial,
  });
  llm = await startOpenAiTestServer();
});

afterAll(async () => {
  await llm?.close();
  await remove?.();
});

afterEach(() => vi.unstubAllEnvs());

const score = (...extra: string[]) =>
  cli(['score', '--data', folder, '--neuron', '0/3', '--explanation', 'the word "cat"', ...extra]);

// The first run loads the command and core's scorers: slow on a loaded machine.
describe('score', { timeout: 30_000 }, () => {
  it('prints each scorer’s score, interval and basis, offline by default', async () => {
    const run = await score('--json');
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(output)).toEqual(['simulation', 'detection', 'fuzzing']);
    expect(Object.keys(output.simulation!)).toEqual(['ev_correlation_score', 'interval', 'basis']);
    for (const name of ['detection', 'fuzzing']) {
      expect(Object.keys(output[name]!)).toEqual(['balanced_accuracy', 'f1', 'interval', 'basis']);
      expect(output[name]!.balanced_accuracy).toBe(1);
      expect(output[name]!.basis).toMatchObject({
        records: 40,
        activating: 20,
        non_activating: 20,
        provider: 'baseline',
        model: 'baseline',
        sampling: 'offline',
        weak: false,
      });
    }
    const simulation = output.simulation as { ev_correlation_score: number; interval: number[] };
    expect(simulation.ev_correlation_score).toBeGreaterThan(0.9);
    expect(simulation.interval[0]).toBeLessThanOrEqual(simulation.ev_correlation_score);
    expect(simulation.interval[1]).toBeGreaterThanOrEqual(simulation.ev_correlation_score - 1e-12);
  });

  it('runs only the scorers asked for, and the same again with the same seed', async () => {
    const first = await score('--scorers', 'fuzzing,detection', '--json');
    expect(Object.keys(JSON.parse(first.stdout) as object)).toEqual(['detection', 'fuzzing']);
    expect((await score('--scorers', 'fuzzing,detection', '--json')).stdout).toBe(first.stdout);
    const other = await score('--scorers', 'detection', '--seed', '7', '--json');
    expect(JSON.parse(other.stdout)).toMatchObject({ detection: { basis: { seed: 7 } } });
  });

  it('warns when a score rests on fewer than 5 records', async () => {
    const run = await cli([
      'score',
      '--data',
      folder,
      '--neuron',
      '0/4',
      '--explanation',
      'the word "cat"',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /warning: the simulation score rests on 1 record \(fewer than 5\): weak/,
    );
    expect(run.stdout).toMatch(/note: detection: The neuron has no quiet random-sample records/);
  });

  it('names a bad neuron or scorer', async () => {
    const missing = await cli(['score', '--data', folder, '--neuron', '0/5', '--explanation', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/neuron 0\/5 of scored has no activation records/);
    const outside = await cli(['score', '--data', folder, '--neuron', '0/9', '--explanation', 'x']);
    expect(outside.stderr).toMatch(/layer 0 of scored has 8 neurons/);
    const unknown = await score('--scorers', 'simulation,intruder');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown scorer "intruder"/);
  });

  describe('with a model (the OpenAI-compatible test server)', () => {
    const withModel = async (mode: Parameters<OpenAiTestServer['reset']>[0]) => {
      llm.reset(mode);
      vi.stubEnv('OPENAI_BASE_URL', llm.baseURL);
      vi.stubEnv('OPENAI_API_KEY', 'sk-test');
      return score('--model', 'test-model', '--scorers', 'detection,fuzzing', '--json');
    };

    it('a judge that is right scores 1 with probabilities; one that is wrong scores 0', async () => {
      const right = await withModel({ mode: 'judge-right' });
      expect(right.code).toBe(0);
      expect(JSON.parse(right.stdout)).toMatchObject({
        detection: {
          balanced_accuracy: 1,
          f1: 1,
          basis: { model: 'test-model', sampling: 'logprobs' },
        },
        fuzzing: { balanced_accuracy: 1, f1: 1 },
      });
      // 40 examples in batches of 10, for each of the two scorers.
      expect(llm.requests).toHaveLength(8);
      const wrong = await withModel({ mode: 'judge-wrong' });
      expect(JSON.parse(wrong.stdout)).toMatchObject({
        detection: { balanced_accuracy: 0, f1: 0 },
      });
    });

    it.each([
      ['judge-format', /expected yes or no for excerpt 2, found "probably"/],
      ['judge-refusal', /the judge refused to answer/],
    ] as const)('%s: an error, never a score', async (mode, message) => {
      const run = await withModel({ mode });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
    });
  });
});
