/**
 * Damaged data end to end, on a server of its own: a dataset ingested from a source with damaged
 * files, then damaged further after ingest (a manifest listing a layer twice, a layer index with a
 * score outside [-1, 1], a layer index edited after ingest). Each damage fails its own layer or
 * file, with an error naming it; everything else browses and shows as usual.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import type { DatasetManifest, LayerIndex } from '../../src/core/dataset/types.ts';
import { ingestDataset } from '../../src/node/ingest.ts';
import { catNeuronRecord } from '../support/datasets.ts';
import { freePort, repoRoot, startServer, type RunningServer } from './environment.ts';
import { screenshot, settled } from './support.ts';

const LAYERS = 5;
const NEURONS = 10;

function write(path: string, text: string) {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

function explanationFile(layer: number, neuron: number, text: string, score: number) {
  return JSON.stringify({
    neuron_id: { layer_index: layer, neuron_index: neuron },
    scored_explanations: [
      {
        explanation: text,
        scored_simulation: { scored_sequence_simulations: [], ev_correlation_score: score },
      },
    ],
  });
}

/** A layer index written under its content's hash, as ingest names it; returns the name. */
function writeIndex(dataset: string, index: LayerIndex): string {
  const text = JSON.stringify(index);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const name = `index/layer-${index.layer}.${hash}.json`;
  writeFileSync(join(dataset, name), text);
  writeFileSync(join(dataset, `${name}.gz`), gzipSync(text));
  return name;
}

let server: RunningServer;
let root: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  root = mkdtempSync(join(tmpdir(), 'ne-damaged-e2e-'));
  const source = join(root, 'source');
  const data = join(root, 'data');
  for (let layer = 0; layer < LAYERS; layer++) {
    for (let neuron = 0; neuron < NEURONS; neuron++) {
      write(
        join(source, `explanations/${layer}/${neuron}.jsonl`),
        explanationFile(layer, neuron, ` words of layer ${layer} neuron ${neuron}`, neuron / 20),
      );
    }
  }
  // Damaged in the source: a score that is no correlation, an explanation of a megabyte, and a
  // records file of 124 MB (sparse: no disk used).
  write(join(source, 'explanations/0/5.jsonl'), explanationFile(0, 5, ' cats', 3));
  write(join(source, 'explanations/0/6.jsonl'), explanationFile(0, 6, 'x'.repeat(1 << 20), 0.5));
  write(join(source, 'collated-activations/1/1.json'), JSON.stringify(catNeuronRecord(1, 1)));
  write(join(source, 'collated-activations/1/2.json'), '');
  truncateSync(join(source, 'collated-activations/1/2.json'), 124 * 1024 * 1024);

  const dataset = join(data, 'damaged');
  const result = await ingestDataset({ source, out: dataset, neuronsPerLayer: NEURONS });
  expect(result.report).toMatchObject({ malformed: 2, unreadable: 1 });

  // Damaged after ingest.
  const manifest = JSON.parse(
    readFileSync(join(dataset, 'manifest.json'), 'utf8'),
  ) as DatasetManifest;
  manifest.layers.push({ ...manifest.layers[2]! });
  const layer3 = JSON.parse(
    readFileSync(join(dataset, manifest.layers[3]!.index), 'utf8'),
  ) as LayerIndex;
  layer3.scores[0] = 1.7;
  manifest.layers[3]!.index = writeIndex(dataset, layer3);
  const layer4 = join(dataset, manifest.layers[4]!.index);
  writeFileSync(layer4, readFileSync(layer4, 'utf8').replace('neuron 3', 'neuron 33'));
  writeFileSync(join(dataset, 'manifest.json'), JSON.stringify(manifest));

  server = await startServer({
    dataDir: data,
    appDir: join(repoRoot, 'dist'),
    port: await freePort(Number(process.env.E2E_PORT ?? 8210) + 60),
  });
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('browse lists the layers that failed and why, and shows the rest', async ({ page }) => {
  await page.goto(`${server.url}#/d/damaged`);
  const results = page.getByTestId('browse-results');
  await expect(results).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  const failures = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
  await expect(failures).toContainText('3 layer indexes could not be loaded');
  const items = failures.getByRole('listitem');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toHaveText(
    /^Layer 2: .*manifest\.json: layers\[5\]\.layer: layer 2 is listed twice \(also at layers\[2\]\); neither entry is used$/,
  );
  await expect(items.nth(1)).toHaveText(
    /^Layer 3: .*index\/layer-3\.[0-9a-f]+\.json: scores\[0\]: 1\.7 is not a score \(scores lie in \[-1, 1\]\)$/,
  );
  await expect(items.nth(2)).toHaveText(
    /^Layer 4: .*index\/layer-4\.[0-9a-f]+\.json: HTTP 500: index\/layer-4\.[0-9a-f]+\.json of damaged does not hold what its name says/,
  );
  // Layers 0 and 1: ten neurons each, but for the two whose explanation files are damaged.
  await expect(results).toHaveAttribute('data-rows', '18');
  // The score that is no correlation did not make it in: the best shown is 0.45.
  await expect(
    page
      .getByRole('list', { name: /^Neurons/ })
      .getByRole('link')
      .first(),
  ).toContainText('0.45');
  await screenshot(page, 'damaged-browse');
});

test('a neuron page shows the error of its damaged file beside the rest', async ({ page }) => {
  await page.goto(`${server.url}#/d/damaged/layers/1/neurons/2`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neuron 1:2');
  await expect(page.getByText('words of layer 1 neuron 2').first()).toBeVisible();
  const records = page.getByRole('region', { name: /^Top-activating records/ });
  await expect(records.getByRole('alert')).toContainText(
    'Could not load collated-activations/1/2.json',
  );
  await expect(records.getByRole('alert')).toContainText(
    '124 MB, more than the 16 MB a per-neuron file may have',
  );
  await screenshot(page, 'damaged-neuron-records');
});

test('the neuron page of a layer listed twice says why it cannot be shown', async ({ page }) => {
  await page.goto(`${server.url}#/d/damaged/layers/2/neurons/0`);
  await expect(page.getByRole('alert')).toContainText(
    'Layer 2 cannot be shown: datasets/damaged/manifest.json: layers[5].layer: layer 2 is listed twice',
  );
  await settled(page);
});

test('a seek from a neuron page passes over the layers whose indexes fail, and says why', async ({
  page,
}) => {
  await page.goto(`${server.url}#/d/damaged/layers/1/neurons/9`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neuron 1:9');
  await page.getByRole('button', { name: /^Next explained neuron/ }).click();
  // Layer 2 is not in the dataset (its manifest entries are unusable); 3 and 4 fail to read.
  await expect(page.getByRole('navigation', { name: 'Neuron navigation' })).toContainText(
    /No next explained neuron after 1:9 \(layer 3's index could not be read \(.*scores\[0\]: 1\.7 is not a score.*\); layer 4's index could not be read \(.*does not hold what its name says.*\)\)\./,
    { timeout: 15_000 },
  );
  await expect(page).toHaveURL(/#\/d\/damaged\/layers\/1\/neurons\/9$/);
  // Back the other way, layer 0 can be read: the seek lands there.
  await page.getByRole('button', { name: /^Previous explained neuron/ }).click();
  await expect(page).toHaveURL(/#\/d\/damaged\/layers\/1\/neurons\/8$/);
});
