/**
 * The neuron page end to end, on the real server: GPT-2 XL ingested from the shared real data
 * (skipped when absent) and the generated demo dataset.
 */
import { expect, test, type Page } from '@playwright/test';
import { realDataDir } from '../real-data.ts';
import {
  completeNeuron,
  datasetList,
  expectAccessible,
  inEveryLook,
  screenshot,
  settled,
} from './support.ts';

async function hasDataset(page: Page, id: string) {
  const list = await datasetList(page.request);
  return list.datasets.some((entry) => entry.id === id);
}

test.describe('GPT-2 XL, real data', () => {
  test.beforeEach(async ({ page }) => {
    test.skip(realDataDir() === null, 'no real GPT-2 XL data on this machine');
    expect(await hasDataset(page, 'gpt2-xl'), 'the real data is here: GPT-2 XL is served').toBe(
      true,
    );
  });

  test('1/1 by its release permalink: the complete real record', async ({ page }) => {
    await page.goto('#/layers/1/neurons/1');
    await settled(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neuron 1:1');
    await expect(page.getByLabel('Dataset')).toHaveValue('gpt2-xl');

    // 1/1 has records but no explanation in the real data.
    await expect(page.getByText('No explanation for this neuron in this dataset.')).toBeVisible();
    const records = page.getByRole('region', { name: 'Activation records' });
    for (const [name, count] of [
      ['Top-activating records', 50],
      ['Quantile range 5 (quantiles 0.999–1)', 20],
      ['Quantile range 4 (quantiles 0.99–0.999)', 20],
      ['Quantile range 3 (quantiles 0.9–0.99)', 20],
      ['Quantile range 2 (quantiles 0.5–0.9)', 20],
      ['Quantile range 1 (quantiles 0–0.5)', 20],
      ['Random records', 50],
    ] as const) {
      await expect(records.getByRole('heading', { name: `${name} (${count})` })).toBeVisible();
    }
    await expect(records.getByText('activations 1.5146 to 2.3789')).toBeVisible();

    // The largest activation of the neuron: " transfers" in the first top-activating record.
    const firstRecord = records.getByRole('group', {
      name: /^Top-activating records, record 1 of 50/,
    });
    await firstRecord.getByText('transfers', { exact: true }).hover();
    const tooltip = page.getByRole('tooltip');
    await expect(tooltip).toContainText('·transfers');
    await expect(tooltip).toContainText('3.2617');

    const statistics = page.getByRole('region', { name: 'Statistics' });
    await expect(statistics.getByText('Kurtosis')).toBeVisible();
    await expect(statistics.locator('dd')).toHaveText([
      '3.2617',
      '−0.0499',
      '0.0053',
      '9.8557',
      '195.6007',
    ]);
    const histogram = statistics.getByRole('img', {
      name: /^Histogram of 12777 token activations/,
    });
    await expect(histogram).toBeVisible();
    for (const boundary of ['−0.0032', '0.5005', '1.5146', '2.3789']) {
      await expect(histogram.getByText(boundary, { exact: true })).toBeVisible();
    }

    await page.getByRole('button', { name: 'Show all 50' }).first().click();
    await expect(page).toHaveURL(/expand=top/);
    await expect(
      records.getByRole('group', { name: /^Top-activating records, record/ }),
    ).toHaveCount(50);
  });

  test('0/816: real vs simulated, side by side and overlaid, kept in the link', async ({
    page,
    context,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('#/layers/0/neurons/816');
    await settled(page);
    const explanations = page.getByRole('region', { name: 'Explanations' });
    await expect(
      explanations.getByText('references to movies, characters, and entertainment.'),
    ).toBeVisible();
    await expect(explanations.getByRole('group', { name: /real activations$/ })).toHaveCount(4);
    await expect(explanations.getByRole('group', { name: /, simulated activations$/ })).toHaveCount(
      4,
    );

    await explanations.getByRole('button', { name: 'Overlay' }).click();
    await expect(page).toHaveURL(/view=overlay/);
    const overlaid = explanations.getByRole('group', { name: /, real and simulated activations$/ });
    await expect(overlaid).toHaveCount(4);
    await overlaid.first().getByText('Ultron', { exact: true }).hover();
    await expect(page.getByRole('tooltip')).toContainText('real activation');
    await expect(page.getByRole('tooltip')).toContainText('simulated (activation units)');
    await expect(page.getByRole('tooltip')).toContainText('6.8674');

    // The choice survives a reload (URL) and is remembered for links without it (store).
    await page.reload();
    await expect(
      explanations.getByRole('group', { name: /, real and simulated activations$/ }),
    ).toHaveCount(4);
    await page.goto('#/layers/0/neurons/816');
    await expect(explanations.getByRole('button', { name: 'Overlay' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/#\/d\/gpt2-xl\/layers\/0\/neurons\/816\?view=overlay$/);

    await explanations.getByRole('button', { name: 'Side by side' }).click();
    await expect(page).toHaveURL(/view=side-by-side/);
    await expect(explanations.getByRole('group', { name: /real activations$/ })).toHaveCount(4);
  });

  test('0/0: an explanation without records says what is missing', async ({ page }) => {
    await page.goto('#/d/gpt2-xl/layers/0/neurons/0');
    await settled(page);
    await expect(
      page.getByRole('region', { name: 'Explanations' }).getByRole('listitem'),
    ).toHaveCount(1);
    await expect(
      page.getByText('No activation records for this neuron in this dataset.'),
    ).toBeVisible();
    await expect(page.getByText('No activation records, so no statistics.')).toBeVisible();
    await expect(page.getByText('No related-neurons file for this neuron.')).toBeVisible();
  });

  test('a neuron that does not exist gets a page with a way on', async ({ page }) => {
    await page.goto('#/layers/48/neurons/0');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^No neuron 48:0 in GPT-2 XL/);
    await expect(page.getByText('layers 0 to 47, each with neurons 0 to 6399')).toBeVisible();
    await page.getByRole('link', { name: 'Open neuron 47:0 instead' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neuron 47:0');

    await page.goto('#/layers/5/neurons/6400');
    await expect(page.getByRole('link', { name: 'Open neuron 5:6399 instead' })).toBeVisible();
    await expectAccessible(page);
  });

  test('keyboard: arrows move between neurons and layers, and within a record', async ({
    page,
  }) => {
    await page.goto('#/layers/1/neurons/1');
    await settled(page);
    await page.keyboard.press('ArrowRight');
    await expect(page).toHaveURL(/#\/layers\/1\/neurons\/2$/);
    await page.keyboard.press('ArrowDown');
    await expect(page).toHaveURL(/#\/layers\/2\/neurons\/2$/);
    await page.keyboard.press('ArrowLeft');
    await expect(page).toHaveURL(/#\/layers\/2\/neurons\/1$/);
    await page.keyboard.press('ArrowUp');
    await expect(page).toHaveURL(/#\/layers\/1\/neurons\/1$/);
    await settled(page);

    // Typing in the search box is not navigation.
    await page.getByRole('searchbox').fill('0:816');
    await page.keyboard.press('ArrowLeft');
    await expect(page).toHaveURL(/#\/layers\/1\/neurons\/1$/);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#\/layers\/0\/neurons\/816$/);
    await page.goBack();
    await settled(page);

    // Tab reaches the first token of a record; arrows then move within it.
    const record = page.getByRole('group', { name: /^Top-activating records, record 1 of 50/ });
    const first = record.locator('[data-i="0"]');
    await first.focus();
    await expect(page.getByRole('tooltip')).toContainText('·omission');
    await page.keyboard.press('ArrowRight');
    await expect(record.locator('[data-i="1"]')).toBeFocused();
    await expect(page.getByRole('tooltip')).toContainText('·from');
    await expect(page).toHaveURL(/#\/layers\/1\/neurons\/1$/);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('tooltip')).toContainText('Pinned');
    await page.keyboard.press('Escape');
  });

  test('a failed or malformed file is named, with a retry', async ({ page }) => {
    let fail = true;
    await page.route('**/collated-activations/1/1.json', (route) =>
      fail
        ? route.fulfill({
            status: 200,
            body: '{"neuron_id": {"layer_index": 1, "neuron_index": 1}, "most_',
          })
        : route.fallback(),
    );
    await page.goto('#/layers/1/neurons/1');
    const records = page.getByRole('region', { name: 'Activation records' });
    await expect(records.getByRole('alert')).toContainText(
      'Could not load collated-activations/1/1.json',
    );
    fail = false;
    await records.getByRole('button', { name: 'Retry' }).click();
    await expect(
      records.getByRole('heading', { name: 'Top-activating records (50)' }),
    ).toBeVisible();
  });

  test('no serious accessibility violations, light and dark', async ({ page }) => {
    // axe checks the contrast of every token: slow on a busy machine.
    test.setTimeout(300_000);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const path of ['#/layers/1/neurons/1', '#/layers/0/neurons/816?view=overlay']) {
        await page.goto(path);
        await settled(page);
        await expectAccessible(page);
      }
    }
  });

  test('screenshots', async ({ page }) => {
    await inEveryLook(page, async ({ size, scheme }) => {
      for (const [name, path] of [
        ['gpt2xl-1-1', '#/layers/1/neurons/1'],
        ['gpt2xl-0-816', '#/layers/0/neurons/816'],
      ] as const) {
        await page.goto(path);
        await settled(page);
        await screenshot(page, `${name}-${scheme}-${size}`);
      }
    });
  });
});

test.describe('demo dataset', () => {
  let demo = '';
  test.beforeEach(async ({ page }) => {
    const list = await datasetList(page.request);
    const entry = list.datasets.find((candidate) => candidate.synthetic);
    test.skip(!entry, 'no synthetic demo dataset on the server');
    demo = entry!.id;
  });

  test('a complete demo neuron: every section, related neurons linked', async ({ page }) => {
    const neuron = await completeNeuron(page.request, demo);
    expect(neuron, 'the demo has a neuron with an explanation and records').not.toBeNull();
    // A neuron past the first layer has upstream neurons too.
    const path = `#/d/${demo}/layers/${neuron!.layer}/neurons/${neuron!.neuron}`;
    await page.goto(path);
    await settled(page);
    await expect(page.getByLabel('Dataset')).toHaveValue(demo);
    await expect(
      page.locator('header').getByText('synthetic demo', { exact: true }).first(),
    ).toBeVisible();
    await expect(
      page.getByRole('region', { name: 'Explanations' }).getByRole('group').first(),
    ).toBeVisible();
    await expect(page.getByRole('heading', { name: /^Top-activating records/ })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Statistics' }).getByRole('img')).toBeVisible();
    const related = page.getByRole('region', { name: 'Related tokens and neurons' });
    await expect(
      related.getByRole('list', { name: 'Tokens and their mean activation' }).getByRole('listitem'),
    ).not.toHaveCount(0);
    const downstream = related.getByRole('region', { name: /Downstream neurons/ });
    const link = downstream.getByRole('link').first();
    await expect(link).toBeVisible();
    const target = (await link.textContent())!;
    await link.click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Neuron ${target}`);
    await expect(page).toHaveURL(new RegExp(`#/d/${demo}/layers/`));
  });

  test('a malformed explanation file is named; a neuron without files says so', async ({
    page,
  }) => {
    await page.goto(`#/d/${demo}/layers/1/neurons/5`);
    const explanations = page.getByRole('region', { name: 'Explanations' });
    await expect(explanations.getByRole('alert')).toContainText(
      'Could not load explanations/1/5.jsonl',
    );
    await expect(explanations.getByRole('button', { name: 'Retry' })).toBeVisible();

    await page.goto(`#/d/${demo}/layers/2/neurons/17`);
    await settled(page);
    await expect(page.getByText('No explanation for this neuron in this dataset.')).toBeVisible();
    await expect(
      page.getByText('No activation records for this neuron in this dataset.'),
    ).toBeVisible();
    await expect(page.getByText('No activation-based token file for this neuron.')).toBeVisible();
  });

  test('demo screenshots, and no serious accessibility violations', async ({ page }) => {
    test.setTimeout(300_000);
    const neuron = await completeNeuron(page.request, demo);
    const path = `#/d/${demo}/layers/${neuron!.layer}/neurons/${neuron!.neuron}`;
    await inEveryLook(page, async ({ size, scheme }) => {
      await page.goto(path);
      await settled(page);
      await screenshot(page, `demo-${scheme}-${size}`);
      if (size === 'desktop') await expectAccessible(page);
    });
  });
});

test.describe('dark mode', () => {
  test('follows the system, and a remembered toggle overrides it', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('#/');
    const background = () =>
      page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(await background()).toBe('rgb(18, 21, 25)');
    const toggle = page.getByRole('button', { name: 'Dark mode' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.reload();
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.getByRole('button', { name: 'Dark mode' }).click();
    expect(await background()).toBe('rgb(18, 21, 25)');
  });
});
