/**
 * "Your text" end to end on the demo dataset and its model, which the server writes into
 * MODELS_DIR at start (a small GPT-2-format model whose activations are the demo's records), with
 * no network beyond the app's own server: the model loads in the browser's worker, runs a typed
 * text, agrees with the records, loads again from the browser's copy, and names the fault of a
 * damaged file. The token search needs no model.
 */
import { expect, test, type Page } from '@playwright/test';
import type { LayerIndex, DatasetManifest } from '../../src/core/dataset/types.ts';
import type { NeuronRecord, TokenLookupTableSummaryOfNeuron } from '../../src/core/format/types.ts';
import { tokenizeText } from '../../src/core/model/tokens.ts';
import { expectAccessible, inEveryLook, screenshot } from './support.ts';

const TEXT = 'In March the team won the football game in Paris, and fans cheered (loudly).';

/** The model panel's "loaded" line, once the model is in. */
async function modelLoaded(page: Page) {
  const ready = page.locator('[data-ready]').first();
  await expect(ready).toBeVisible({ timeout: 45_000 });
  return ready;
}

async function openText(page: Page, query = '') {
  await page.goto(`#/d/demo/text${query}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Your text' })).toBeVisible();
}

/** Fresh browser storage for the origin: no model kept from an earlier test. */
async function forgetModels(page: Page) {
  await page.goto('#/d/demo');
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry('neuron-explorer-models', { recursive: true }).catch(() => {});
  });
}

/** A demo neuron with records, and its first top record whose text GPT-2 reads back the same. */
async function recordNeuron(page: Page) {
  const manifest = (await (
    await page.request.get('datasets/demo/manifest.json')
  ).json()) as DatasetManifest;
  for (const summary of manifest.layers) {
    const index = (await (
      await page.request.get(`datasets/demo/${summary.index}`)
    ).json()) as LayerIndex;
    for (let i = 0; i < index.neurons.length; i++) {
      if (!index.hasRecords[i] || (index.maxActivations[i] ?? 0) < 2) continue;
      const neuron = index.neurons[i]!;
      const record = (await (
        await page.request.get(`datasets/demo/collated-activations/${summary.layer}/${neuron}.json`)
      ).json()) as NeuronRecord;
      for (const top of record.most_positive_activation_records) {
        const text = top.tokens.join('');
        const read = tokenizeText(text, 64);
        if (
          read.tokens.length === top.tokens.length &&
          read.tokens.every((t, k) => t === top.tokens[k])
        ) {
          return { layer: summary.layer, neuron, text, record: top };
        }
      }
    }
  }
  throw new Error('no demo record reads back as the same tokens');
}

test.describe('Your text on the demo', () => {
  test('type a text, see its tokens and top neurons, open one and come back', async ({ page }) => {
    await forgetModels(page);
    await openText(page);
    // The demo's model is small: it loads from the server without asking.
    const ready = await modelLoaded(page);
    await expect(ready).toContainText('from this server');

    await page.getByLabel('Text', { exact: true }).fill(TEXT);
    const tokens = page.getByRole('toolbar', { name: 'Tokens of your text' });
    await expect(tokens.getByRole('button')).toHaveCount(tokenizeText(TEXT).tokens.length);
    await expect(page.getByText(/^Ran \d+ tokens through 4 layers × 32 neurons/)).toBeVisible();
    // The permalink carries the text.
    await expect(page).toHaveURL(/[?&]t=In\+March/);

    await tokens.getByRole('button', { name: 'Token 2: ·March' }).click();
    const tokenSection = page.getByRole('region', { name: /Token 2 .*March.*strongest neurons/ });
    const rows = tokenSection.locator('tbody tr');
    await expect(rows).toHaveCount(10);
    // The strongest neuron at " March" is explained as being about months or capitalised words.
    await expect(rows.first().locator('td').nth(1)).toContainText(/months|capitali[sz]ed/i);

    const top = page.getByRole('region', { name: 'The neurons that fire most over your text' });
    const first = top.locator('tbody tr').first();
    const address = (await first.getAttribute('data-neuron'))!;
    await first.getByRole('link', { name: address }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Neuron ${address}`);
    await page.goBack();
    await expect(page.getByLabel('Text', { exact: true })).toHaveValue(TEXT);
    await expect(top.locator('tbody tr').first()).toHaveAttribute('data-neuron', address);

    await expectAccessible(page);
    await inEveryLook(page, async ({ size, scheme }) => {
      await page.waitForTimeout(150);
      await screenshot(page, `yourtext-${size}-${scheme}`);
    });
  });

  test('the page opens cross-origin isolated, by link or address: the model gets threads', async ({
    page,
  }) => {
    await page.goto('#/d/demo/layers/0/neurons/0');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neuron 0:0');
    // Other pages are not isolated (it would cost each load a process of its own).
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);

    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Your text' })
      .click();
    await expect(page.getByRole('heading', { level: 1, name: 'Your text' })).toBeVisible();
    await expect(page).toHaveURL(/\/\?isolated#\/d\/demo\/text$/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const ready = await modelLoaded(page);
    await expect(ready).toContainText(cores > 1 ? /wasm, [2-4] threads/ : /wasm, 1 thread/);

    // A neuron and back, within the same isolated page: the model stays loaded.
    await page.getByLabel('Text', { exact: true }).fill(TEXT);
    const top = page.getByRole('region', { name: 'The neurons that fire most over your text' });
    const first = top.locator('tbody tr').first();
    const address = (await first.getAttribute('data-neuron'))!;
    await first.getByRole('link', { name: address }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Neuron ${address}`);
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Your text' })
      .click();
    await expect(modelLoaded(page)).resolves.toBeTruthy();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    // A Your text address opened directly (a shared permalink) is isolated too, its text kept.
    await page.goto('about:blank');
    await page.goto(`#/d/demo/text?t=${encodeURIComponent(TEXT)}`);
    await expect(page.getByLabel('Text', { exact: true })).toHaveValue(TEXT);
    await expect(page).toHaveURL(/\/\?isolated#\/d\/demo\/text\?t=/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  test("agrees with the demo's records", async ({ page }) => {
    const { layer, neuron, text, record } = await recordNeuron(page);
    const max = Math.max(...record.activations);
    const at = record.activations.indexOf(max);
    await openText(
      page,
      `?t=${encodeURIComponent(text)}&layers=${layer}&neuron=${layer}:${neuron}`,
    );
    await modelLoaded(page);
    const row = page.locator(`tr[data-neuron="${layer}:${neuron}"]`).first();
    await expect(row).toBeVisible({ timeout: 20_000 });
    const cells = row.locator('td');
    // Computed in the browser; the record says the same, to its four decimals.
    const shown = Number((await cells.nth(0).innerText()).replace('−', '-'));
    expect(Math.abs(shown - max)).toBeLessThan(2e-3);
    await expect(cells.nth(1)).toHaveText(new RegExp(`^${at + 1} `));
  });

  test('a second visit loads the weights from the browser, with no network', async ({ page }) => {
    await forgetModels(page);
    await openText(page);
    await expect(await modelLoaded(page)).toContainText('kept in this browser');

    const asked: string[] = [];
    await page.route('**/models/demo/**', (route) => {
      asked.push(route.request().url());
      return route.abort();
    });
    await page.reload();
    const ready = await modelLoaded(page);
    await expect(ready).toContainText("from this browser's copy (no download)");
    expect(asked).toEqual([]);
    await page.getByLabel('Text', { exact: true }).fill('A second visit.');
    await expect(page.getByText(/^Ran \d+ tokens/)).toBeVisible();
  });

  test('public files at an address of your own, remembered across visits', async ({ page }) => {
    await openText(page);
    await modelLoaded(page);
    const address = new URL('models/demo/', page.url()).href;
    await page.getByText('Public files somewhere else').click();
    await page.getByLabel(/^Address of a folder holding config\.json/).fill(address);
    await page.getByRole('button', { name: 'Use this address' }).click();
    await page.reload();
    const option = page.getByRole('radio', { name: `public files at ${address}` });
    await expect(option).toBeVisible();
    // The page loads from its best source by itself (this server, the browser's copy) first.
    await expect(await modelLoaded(page)).toContainText("from this browser's copy");
    await option.check();
    await page.getByRole('button', { name: /^Load demo from 127\.0\.0\.1/ }).click();
    await expect(await modelLoaded(page)).toContainText(`from ${new URL(address).host}`);
  });

  test('a source chosen before the server has said what it holds is the one loaded', async ({
    page,
  }) => {
    await openText(page);
    await modelLoaded(page);
    const address = new URL('models/demo/', page.url()).href;
    await page.getByText('Public files somewhere else').click();
    await page.getByLabel(/^Address of a folder holding config\.json/).fill(address);
    await page.getByRole('button', { name: 'Use this address' }).click();

    // The server's list of models is slow: meanwhile the remembered address is the only source,
    // shown as chosen. Choosing it must hold once the server's own copy is listed above it.
    let release = () => {};
    const held = new Promise<void>((done) => (release = done));
    await page.route('**/models/index.json', async (route) => {
      await held;
      await route.continue();
    });
    await page.reload();
    const option = page.getByRole('radio', { name: `public files at ${address}` });
    await expect(option).toBeChecked();
    await option.click();
    release();
    await expect(page.getByRole('radio', { name: /^this server/ })).toBeVisible();
    await expect(await modelLoaded(page)).toContainText(`from ${new URL(address).host}`);
    await expect(option).toBeChecked();
  });

  test('a damaged or mismatched file names the fault and where', async ({ page }) => {
    const weights = await (await page.request.get('models/demo/model.safetensors')).body();
    const config = JSON.parse(await (await page.request.get('models/demo/config.json')).text());
    await openText(page);
    await page.getByRole('radio', { name: 'files on this computer' }).check();

    // Cut off in the middle of the weights.
    await page.getByLabel('model.safetensors', { exact: true }).setInputFiles({
      name: 'model.safetensors',
      mimeType: 'application/octet-stream',
      buffer: weights.subarray(0, Math.floor(weights.length * 0.6)),
    });
    await page.getByLabel(/^config\.json/).setInputFiles({
      name: 'config.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(config)),
    });
    await page.getByRole('button', { name: 'Load these files' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
    await expect(alert).toContainText(/truncated/i);
    await expect(alert).toContainText('model.safetensors');
    await expect(alert.getByText('Tensor', { exact: true })).toBeVisible();
    await expect(alert.locator('dd code').nth(1)).toHaveText(/^(transformer\.)?(wte|wpe|h\.\d+\.)/);
    await expect(alert.getByText('Byte', { exact: true })).toBeVisible();

    // Whole weights, but a config of another shape than the dataset's model.
    await page.getByLabel('model.safetensors', { exact: true }).setInputFiles({
      name: 'model.safetensors',
      mimeType: 'application/octet-stream',
      buffer: weights,
    });
    await page.getByLabel(/^config\.json/).setInputFiles({
      name: 'other-config.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...config, n_layer: 2 })),
    });
    await page.getByRole('button', { name: 'Load these files' }).click();
    await expect(alert).toContainText('other-config.json');
    await expect(alert).toContainText(/2 layers .* but dataset "demo" has 4 layers/);
    await screenshot(page, 'yourtext-damaged-file');
  });

  test('the keyword search and the layer filter narrow the neurons that fire', async ({ page }) => {
    await openText(page, `?t=${encodeURIComponent(TEXT)}`);
    await modelLoaded(page);
    const top = page.getByRole('region', { name: 'The neurons that fire most over your text' });
    await expect(top.locator('tbody tr').first()).toBeVisible();
    await top.getByLabel('Explanations about').fill('month');
    await expect(page).toHaveURL(/[?&]q=month/);
    const explanations = top.locator('tbody tr td:nth-child(4)');
    await expect(explanations.first()).toBeVisible();
    for (const text of await explanations.allInnerTexts()) expect(text).toMatch(/month/i);

    await top.getByLabel('From layer').fill('2');
    await expect(page).toHaveURL(/[?&]layers=2-3/);
    const layers = await top
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => Number(row.getAttribute('data-neuron')!.split(':')[0])),
      );
    expect(layers.length).toBeGreaterThan(0);
    for (const layer of layers) expect(layer).toBeGreaterThanOrEqual(2);

    // Draw the text as the first one's heatmap.
    const first = top.locator('tbody tr').first();
    const address = (await first.getAttribute('data-neuron'))!;
    await first.getByRole('button', { name: `Heatmap of neuron ${address}` }).click();
    await expect(
      page.getByRole('heading', { name: `Your text as neuron ${address} sees it` }),
    ).toBeVisible();
    await expect(
      page.getByRole('group', { name: `Your text, coloured by neuron ${address}` }),
    ).toBeVisible();
  });

  test('the token search needs no model', async ({ page }) => {
    // The weights cannot be had: everything here still works.
    await page.route('**/models/**', (route) => route.abort());
    await openText(page);
    const search = page.getByRole('region', { name: /Which neurons respond to a token/ });
    await search.getByLabel('Token', { exact: true }).fill(' Paris');
    await search.getByLabel(/exactly this token/).check();
    await expect(search.getByRole('status')).toContainText(/\d+ neurons respond to ·Paris/);
    const first = search.locator('tbody tr').first();
    const [layer, neuron] = (await first.getAttribute('data-neuron'))!.split(':');
    // The neuron lists " Paris" among its related tokens, or fires on it in its top records.
    const related = await page.request.get(
      `datasets/demo/related-tokens/activation-based/${layer}/${neuron}.json`,
    );
    const records = await page.request.get(
      `datasets/demo/collated-activations/${layer}/${neuron}.json`,
    );
    const named =
      (related.ok() &&
        ((await related.json()) as TokenLookupTableSummaryOfNeuron).tokens.includes(' Paris')) ||
      (records.ok() &&
        ((await records.json()) as NeuronRecord).most_positive_activation_records.some((r) =>
          r.tokens.includes(' Paris'),
        ));
    expect(named).toBe(true);
    await first.getByRole('link').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Neuron ${layer}:${neuron}`);
  });
});

test.describe('the neuron page with the model', () => {
  test('activations on your text, and the check against the records', async ({ page }) => {
    const { layer, neuron } = await recordNeuron(page);
    await page.goto(`#/d/demo/layers/${layer}/neurons/${neuron}`);
    const yours = page.getByRole('region', { name: 'Activations on your text' });
    await yours.getByRole('button', { name: /^Load demo from this server/ }).click();
    await modelLoaded(page);
    await yours.getByLabel('Your text').fill(TEXT);
    await expect(
      yours.getByRole('group', { name: `Your text, coloured by neuron ${layer}:${neuron}` }),
    ).toBeVisible();
    await expect(yours.getByText(/^Largest activation on your text:/)).toBeVisible();

    const check = page.getByRole('region', { name: 'Check the model' });
    await check.getByRole('button', { name: /^Check the model on \d+ records/ }).click();
    const result = check.locator('[data-check]');
    await expect(result).toBeVisible({ timeout: 30_000 });
    const figure = async (name: string) =>
      Number((await result.locator(`[data-figure="${name}"]`).innerText()).replace('−', '-'));
    // The demo's records are what its model computes, to four decimals.
    expect(await figure('median')).toBeLessThan(1e-3);
    expect(await figure('max')).toBeLessThan(2e-3);
    await expect(result).toContainText('GELU');

    await inEveryLook(page, async ({ size, scheme }) => {
      await check.scrollIntoViewIfNeeded();
      await page.waitForTimeout(150);
      await screenshot(page, `yourtext-neuron-${size}-${scheme}`);
    });
  });
});
