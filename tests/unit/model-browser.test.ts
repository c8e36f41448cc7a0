/**
 * The model runner's browser path: the app's model worker (src/app/model) in headless Chromium,
 * loading synthetic checkpoints over HTTP as the app does, held to the PyTorch reference
 * (tests/model/gpt2_reference.py) like the Node path. Also: a second load comes from the
 * browser's copy with no download, a picked local file loads, damaged or mismatched files name
 * their fault, and the page's thread stays free during a run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenizeText } from '../../src/core/model/tokens.ts';
import { gpt2ConfigJson } from '../../src/core/model/config.ts';
import { writeSyntheticCheckpoint } from '../../src/node/model/synthetic.ts';
import {
  buildHarness,
  launchChromium,
  serveHarness,
  type HarnessServer,
} from '../support/browser-harness.ts';
import {
  maxDifference,
  referenceActivations,
  REFERENCE_CHECKPOINTS,
  REFERENCE_TEXTS,
} from '../model/reference.ts';

const dir = mkdtempSync(join(tmpdir(), 'model-browser-'));
const models = join(dir, 'models');
const ids = REFERENCE_TEXTS.map((text) => tokenizeText(text, 96).tokenIds);
let expected: Float32Array[][][];
let server: HarnessServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  for (const { name, options } of REFERENCE_CHECKPOINTS) {
    await writeSyntheticCheckpoint(join(models, name), options);
  }
  // A damaged copy: the last 5,000 bytes cut off.
  await writeSyntheticCheckpoint(join(models, 'cut'), REFERENCE_CHECKPOINTS[0]!.options);
  const whole = readFileSync(join(models, 'cut/model.safetensors'));
  writeFileSync(join(models, 'cut/model.safetensors'), whole.subarray(0, whole.length - 5000));
  expected = referenceActivations(
    REFERENCE_CHECKPOINTS.map(({ name }) => ({
      dir: join(models, name),
      ids,
      out: join(dir, `${name}.bin`),
    })),
    REFERENCE_CHECKPOINTS.map((c) => c.options.config),
  );
  await buildHarness(join(import.meta.dirname, '../model/browser'), join(dir, 'page'));
  server = await serveHarness(join(dir, 'page'), { '/models/': models });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(server.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the browser runner against the PyTorch reference', () => {
  it.each(REFERENCE_CHECKPOINTS.map((c, i) => [c.name, i] as const))(
    '%s: every neuron of every layer within 1e-4',
    async (name, index) => {
      const loaded = await page.evaluate(
        (base) => window.harness.load({ base }),
        `models/${name}/`,
      );
      expect('error' in loaded ? loaded.error : null).toBeNull();
      if ('error' in loaded) return;
      expect(loaded.loaded.backend).toMatch(/^onnxruntime-web wasm/);
      const { config } = REFERENCE_CHECKPOINTS[index]!.options;
      for (const [t, tokenIds] of ids.entries()) {
        const run = await page.evaluate((request) => window.harness.run(request), {
          tokenIds,
          keepActivations: true,
          top: 3,
        });
        expect(run.activations).toHaveLength(config.layers);
        for (let layer = 0; layer < config.layers; layer++) {
          const computed = Float32Array.from(run.activations[layer]!);
          expect(maxDifference(computed, expected[index]![t]![layer]!)).toBeLessThan(1e-4);
        }
        const best = run.top[tokenIds.length - 1]![0]!;
        const value =
          expected[index]![t]![best.layer]![(tokenIds.length - 1) * config.inner + best.neuron]!;
        expect(Math.abs(value - best.activation)).toBeLessThan(1e-4);
      }
    },
    60_000,
  );
});

describe('loading in the browser', () => {
  it('reports progress, keeps the download, and loads it again with no download', async () => {
    const base = 'models/f32-wide/';
    await page.evaluate(async () => {
      for (const model of await window.harness.listCached())
        await window.harness.removeCached(model.key);
    });
    const first = await page.evaluate((b) => window.harness.load({ base: b, version: 'v1' }), base);
    if ('error' in first) throw new Error(first.error);
    expect(first.loaded.from).toBe('network');
    expect(first.loaded.kept).toBe(true);
    const weights = first.progress.filter((p) => p.phase === 'weights');
    expect(weights.length).toBeGreaterThan(0);
    expect(weights.at(-1)!.loaded).toBe(weights.at(-1)!.total);
    expect(first.progress.at(-1)!.phase).toBe('done');

    // A new page (a second visit): the worker finds the copy, and the server sees no request.
    await page.reload();
    const before = server.requests.length;
    const second = await page.evaluate(
      (b) => window.harness.load({ base: b, version: 'v1' }),
      base,
    );
    if ('error' in second) throw new Error(second.error);
    expect(second.loaded.from).toBe('cache');
    expect(server.requests.slice(before).filter((path) => path.startsWith('/models/'))).toEqual([]);
    const probe = await page.evaluate((b) => window.harness.probe(b, 'v1'), base);
    expect(probe.cached).toBe(true);

    // A new version on the server is downloaded again.
    const third = await page.evaluate((b) => window.harness.load({ base: b, version: 'v2' }), base);
    if ('error' in third) throw new Error(third.error);
    expect(third.loaded.from).toBe('network');
  }, 60_000);

  it('probes a checkpoint from its config and header before any download', async () => {
    const before = server.requests.length;
    const probe = await page.evaluate(() => window.harness.probe('models/f16-buffers/'));
    expect(probe.config.layers).toBe(2);
    expect(probe.fileDtypes).toEqual(['F16']);
    expect(probe.storage).toBe('F16');
    expect(probe.bytes).toBe(readFileSync(join(models, 'f16-buffers/model.safetensors')).length);
    expect(server.requests.slice(before)).toContain('/models/f16-buffers/config.json');
  });

  it('loads a picked local model.safetensors', async () => {
    await page.setInputFiles('#weights', join(models, 'f32-plain/model.safetensors'));
    const config = gpt2ConfigJson(REFERENCE_CHECKPOINTS[0]!.options.config);
    const loaded = await page.evaluate((text) => window.harness.load({ picked: text }), config);
    if ('error' in loaded) throw new Error(loaded.error);
    expect(loaded.loaded.from).toBe('file');
    const run = await page.evaluate(
      (tokenIds) => window.harness.run({ tokenIds, keepActivations: true }),
      ids[0]!,
    );
    expect(
      maxDifference(Float32Array.from(run.activations[1]!), expected[0]![0]![1]!),
    ).toBeLessThan(1e-4);
  });

  it('names the fault in a truncated file and in a config that does not fit the dataset', async () => {
    const cut = await page.evaluate(() =>
      window.harness.load({ base: 'models/cut/', keep: false }),
    );
    expect('error' in cut).toBe(true);
    if (!('error' in cut)) return;
    expect(cut.name).toBe('ModelFileError');
    expect(cut.file).toMatch(/\/models\/cut\/model\.safetensors$/);
    expect(cut.tensor).toBeTruthy();
    expect(cut.offset).toBeGreaterThan(0);
    expect(cut.error).toMatch(/truncated/);

    const wrong = await page.evaluate(() =>
      window.harness.load({
        base: 'models/f32-plain/',
        expected: { layers: 4, neuronsPerLayer: 32, dataset: 'demo' },
      }),
    );
    expect('error' in wrong && wrong.error).toMatch(
      /config\.json: this model has 2 layers x 64 MLP neurons, but dataset "demo" has 4 layers x 32/,
    );
  });

  it('runs a text off the page thread: frames keep coming while it works', async () => {
    const loaded = await page.evaluate(() =>
      window.harness.load({ base: 'models/f32-wide/', version: 'v2' }),
    );
    if ('error' in loaded) throw new Error(loaded.error);
    const frames = await page.evaluate(() =>
      window.harness.framesDuring({
        text: 'The quick brown fox jumps over the lazy dog. '.repeat(8),
        maxTokens: 96,
      }),
    );
    expect(frames.frames).toBeGreaterThan(0);
    expect(frames.longestGapMs).toBeLessThan(250);
  });
});

describe('the WebGPU backend', () => {
  it('agrees with the reference where Chromium brings up an adapter (here SwiftShader, in software)', async () => {
    const gpuBrowser = await launchChromium({ webgpu: true });
    try {
      const gpuPage = await gpuBrowser.newPage();
      await gpuPage.goto(server.url);
      const backends = await gpuPage.evaluate(() => window.harness.backends());
      if (!backends.webgpu) {
        console.warn('no WebGPU adapter in this Chromium: the WebGPU check is skipped');
        return;
      }
      const loaded = await gpuPage.evaluate(() =>
        window.harness.load({
          base: 'models/f32-prefix-buffers-inner/',
          backend: 'webgpu',
          keep: false,
        }),
      );
      if ('error' in loaded) throw new Error(loaded.error);
      expect(loaded.loaded.backend).toMatch(/^onnxruntime-web webgpu/);
      const run = await gpuPage.evaluate(
        (tokenIds) => window.harness.run({ tokenIds, keepActivations: true }),
        ids[1]!,
      );
      for (let layer = 0; layer < 3; layer++) {
        expect(
          maxDifference(Float32Array.from(run.activations[layer]!), expected[1]![1]![layer]!),
        ).toBeLessThan(1e-4);
      }
    } finally {
      await gpuBrowser.close();
    }
  }, 120_000);
});
