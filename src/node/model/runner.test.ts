import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenizeText } from '../../core/model/tokens.ts';
import {
  maxDifference,
  referenceActivations,
  REFERENCE_CHECKPOINTS,
  REFERENCE_TEXTS,
  type ReferenceJob,
} from '../../../tests/model/reference.ts';
import { openModelFolder } from './runner.ts';
import { writeSyntheticCheckpoint } from './synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'model-runner-'));
const ids = REFERENCE_TEXTS.map((text) => tokenizeText(text, 96).tokenIds);
/** Per checkpoint (and the F16-stored variant of the first), per text, per layer. */
let expected: Float32Array[][][];

beforeAll(async () => {
  const jobs: ReferenceJob[] = [];
  for (const { name, options } of REFERENCE_CHECKPOINTS) {
    await writeSyntheticCheckpoint(join(dir, name), options);
    jobs.push({ dir: join(dir, name), ids, out: join(dir, `${name}.bin`) });
  }
  jobs.push({ dir: join(dir, 'f32-plain'), ids, asF16: true, out: join(dir, 'as-f16.bin') });
  expected = referenceActivations(jobs, [
    ...REFERENCE_CHECKPOINTS.map((c) => c.options.config),
    REFERENCE_CHECKPOINTS[0]!.options.config,
  ]);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Node runner against the PyTorch reference', () => {
  it.each(REFERENCE_CHECKPOINTS.map((c, i) => [c.name, i] as const))(
    '%s: every neuron of every layer within 1e-4',
    async (name, index) => {
      const runner = await openModelFolder(join(dir, name), { threads: 1 });
      try {
        const { config } = runner.session;
        for (const [t, tokenIds] of ids.entries()) {
          const run = await runner.session.runTokens(tokenIds, { keepActivations: true, top: 3 });
          let largest = 0;
          for (let layer = 0; layer < config.layers; layer++) {
            const reference = expected[index]![t]![layer]!;
            expect(maxDifference(run.activations![layer]!, reference)).toBeLessThan(1e-4);
            for (const value of reference) largest = Math.max(largest, Math.abs(value));
          }
          // The weights' spread makes the comparison meaningful: activations well past 1.
          expect(largest).toBeGreaterThan(1);
          // Each token's top neurons are the reference's largest values.
          for (let token = 0; token < tokenIds.length; token++) {
            const best = run.top[token]![0]!;
            let max = -Infinity;
            for (let layer = 0; layer < config.layers; layer++) {
              const row = expected[index]![t]![layer]!.subarray(
                token * config.inner,
                (token + 1) * config.inner,
              );
              for (const value of row) max = Math.max(max, value);
            }
            expect(Math.abs(best.activation - max)).toBeLessThan(1e-4);
            const value = expected[index]![t]![best.layer]![token * config.inner + best.neuron]!;
            expect(Math.abs(value - max)).toBeLessThan(1e-4);
          }
        }
      } finally {
        await runner.close();
      }
    },
    60_000,
  );

  it('runs several texts in one pass exactly as each alone (their own positions and attention)', async () => {
    const runner = await openModelFolder(join(dir, 'f32-prefix-buffers-inner'), { threads: 1 });
    try {
      const runs = await runner.session.runBatch(ids, { keepActivations: true, top: 2 });
      runs.forEach((run, t) => {
        expect(run.tokenIds).toEqual(ids[t]);
        for (let layer = 0; layer < runner.session.config.layers; layer++) {
          expect(maxDifference(run.activations![layer]!, expected[1]![t]![layer]!)).toBeLessThan(
            1e-4,
          );
        }
      });
    } finally {
      await runner.close();
    }
  });

  it('keeps an F32 file as F16 when asked, matching the reference on F16-rounded weights', async () => {
    const runner = await openModelFolder(join(dir, 'f32-plain'), { storage: 'F16', threads: 1 });
    try {
      expect(runner.session.info.storage).toBe('F16');
      const run = await runner.session.runTokens(ids[1]!, { keepActivations: true });
      const last = expected.length - 1;
      for (let layer = 0; layer < runner.session.config.layers; layer++) {
        expect(maxDifference(run.activations![layer]!, expected[last]![1]![layer]!)).toBeLessThan(
          1e-4,
        );
      }
    } finally {
      await runner.close();
    }
  });

  it('reads a text, cut to the asked number of tokens, and a chosen neuron at every token', async () => {
    const runner = await openModelFolder(join(dir, 'f32-plain'), { threads: 1 });
    try {
      const run = await runner.session.runText(REFERENCE_TEXTS[1]!, {
        maxTokens: 20,
        neurons: [{ layer: 1, neuron: 5 }],
        top: 2,
      });
      expect(run.tokenIds).toEqual(ids[1]!.slice(0, 20));
      expect(run.truncated).toBe(true);
      expect(run.tokens.join('')).toBe(tokenizeText(REFERENCE_TEXTS[1]!, 20).tokens.join(''));
      const reference = expected[0]![1]![1]!;
      const inner = runner.session.config.inner;
      run.neurons[0]!.activations.forEach((value, token) => {
        // Causal attention: the first 20 tokens see only each other.
        expect(Math.abs(value - reference[token * inner + 5]!)).toBeLessThan(1e-4);
      });
      expect(run.top.every((list) => list.length === 2)).toBe(true);
    } finally {
      await runner.close();
    }
  });
});

describe('a damaged or mismatched folder', () => {
  it('names the truncated tensor and where the file ends', async () => {
    const name = join(dir, 'cut');
    await writeSyntheticCheckpoint(name, REFERENCE_CHECKPOINTS[0]!.options);
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(join(name, 'model.safetensors'));
    writeFileSync(join(name, 'model.safetensors'), bytes.subarray(0, bytes.length - 5000));
    await expect(openModelFolder(name)).rejects.toThrow(
      /model\.safetensors, tensor "[^"]+", byte \d+: truncated: the file has \d+ bytes/,
    );
  });

  it('refuses a config that does not match the dataset', async () => {
    await expect(
      openModelFolder(join(dir, 'f32-plain'), {
        expected: { layers: 48, neuronsPerLayer: 6400, dataset: 'gpt2-xl' },
      }),
    ).rejects.toThrow(
      /config\.json: this model has 2 layers x 64 MLP neurons, but dataset "gpt2-xl" has 48 layers x 6,400/,
    );
  });
});
