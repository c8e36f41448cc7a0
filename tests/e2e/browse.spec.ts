/**
 * Browse and search end to end on the real server: GPT-2 XL ingested from the shared real data
 * (skipped when absent), checked against a direct scan of paper-explanations.csv.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { readPaperExplanations } from '../../src/node/paper-csv.ts';
import { expectedMatches } from '../fixtures/search-oracle.ts';
import { realDataDir } from '../real-data.ts';
import { datasetList, expectAccessible, inEveryLook, screenshot } from './support.ts';

const real = realDataDir();
const rows = real ? readPaperExplanations(join(real, 'paper-explanations.csv')) : [];

/** Every neuron the table lists: those explained, and those with activation records. */
function listedNeurons(): number {
  const neurons = new Set(rows.map((row) => `${row.layer}:${row.neuron}`));
  const records = join(real!, 'collated-activations');
  for (const layer of readdirSync(records)) {
    for (const file of readdirSync(join(records, layer))) {
      neurons.add(`${layer}:${file.replace(/\.json$/, '')}`);
    }
  }
  return neurons.size;
}

function results(page: Page) {
  return page.getByTestId('browse-results');
}

/** Waits until every layer has loaded and the rows answer the query in the box. */
async function answered(page: Page, query: string) {
  await expect(results(page)).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  await expect(results(page)).toHaveAttribute('data-query', query.trim());
}

function resultRows(page: Page) {
  return page.getByRole('list', { name: /^Neurons/ }).getByRole('link');
}

test.describe('browse and search GPT-2 XL', () => {
  test.beforeEach(async ({ page }) => {
    const list = await datasetList(page.request);
    test.skip(
      !list.datasets.some((entry) => entry.id === 'gpt2-xl') || real === null,
      'GPT-2 XL was not ingested (no real data)',
    );
  });

  test('search, sort, filter, open a neuron and come back to the same view', async ({ page }) => {
    await page.goto('#/');
    await answered(page, '');
    await expect(results(page)).toHaveAttribute('data-rows', String(listedNeurons()));

    // Type a query: results as a direct scan of the CSV finds them, with the words highlighted.
    const box = page.getByRole('searchbox', { name: 'Search explanations', exact: true });
    await box.pressSequentially('time', { delay: 30 });
    await answered(page, 'time');
    const expected = expectedMatches(rows, [['time*']]);
    await expect(page.getByRole('status').filter({ hasText: 'match' })).toHaveText(
      `${expected.length.toLocaleString('en-US')} neurons match “time”`,
    );
    await expect(resultRows(page).first().locator('mark').first()).toHaveText(/^time$/i);
    // The URL follows the box once typing pauses.
    await expect(page).toHaveURL(/q=time/);

    // Sort by score: the best-scoring match first (the CSV rounds scores to two decimals).
    await page.getByRole('button', { name: /^Sort by Score/ }).click();
    await expect(
      page.getByRole('button', { name: /^Sort by Score, now descending/ }),
    ).toBeVisible();
    const best = rows.find((row) => `${row.layer}:${row.neuron}` === expected[0])!;
    const scoreText = await resultRows(page).first().locator(':scope > span').nth(2).innerText();
    expect(Math.abs(Number(scoreText.replace(/^Score\s*/, '')) - best.score!)).toBeLessThanOrEqual(
      0.0051,
    );

    // Filter to layers 0-20 with the number box: the scan agrees again.
    const highest = page.getByRole('spinbutton', { name: 'Highest layer' });
    await highest.fill('20');
    await highest.press('Enter');
    await expect(page).toHaveURL(/layers=0-20/);
    const filtered = expectedMatches(rows, [['time*']], { layers: [0, 20] });
    await expect(results(page)).toHaveAttribute('data-rows', String(filtered.length));

    // Open the third neuron, then come back: query, sort, filter and rows are as they were.
    const viewUrl = page.url();
    const third = resultRows(page).nth(2);
    const target = (await third.getAttribute('href'))!;
    await third.click();
    const [, layer, neuron] = /layers\/(\d+)\/neurons\/(\d+)/.exec(target)!;
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Neuron ${layer}:${neuron}`);
    await page.goBack();
    await expect(page).toHaveURL(viewUrl);
    await answered(page, 'time');
    await expect(box).toHaveValue('time');
    await expect(results(page)).toHaveAttribute('data-rows', String(filtered.length));
    await expect(resultRows(page).nth(2)).toHaveAttribute('href', target);
    await expect(
      page.getByRole('button', { name: /^Sort by Score, now descending/ }),
    ).toBeVisible();
  });

  test('phrases, an empty state, and the header box', async ({ page }) => {
    await page.goto('#/?q=%22the+letter%22');
    await answered(page, '"the letter"');
    const phrase = expectedMatches(rows, [['the', 'letter']]);
    await expect(results(page)).toHaveAttribute('data-rows', String(phrase.length));
    await expect(resultRows(page).first().locator('mark').first()).toHaveText(/^the letter$/i);

    const box = page.getByRole('searchbox', { name: 'Search explanations', exact: true });
    await box.fill('zzzzqx');
    await answered(page, 'zzzzqx');
    await expect(page.getByText('No explanation matches “zzzzqx”.')).toBeVisible();

    // The header's box: words search from any page; L:N opens the neuron.
    await page.goto('#/layers/0/neurons/816');
    const header = page.getByRole('searchbox', { name: /go to neuron/i });
    await header.fill('numbers');
    await header.press('Enter');
    await expect(page).toHaveURL(/#\/\?q=numbers$/);
    await answered(page, 'numbers');
    await expect(box).toHaveValue('numbers');
    await box.fill('5:131');
    await box.press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neuron 5:131');
  });

  test('a layer in the chart filters the table, and the page is accessible', async ({ page }) => {
    await page.goto('#/?q=numb');
    await answered(page, 'numb');
    await page.getByRole('button', { name: /^Layer 12\b/ }).click();
    await expect(page).toHaveURL(/layers=12$/);
    await expect(results(page)).toHaveAttribute(
      'data-rows',
      String(expectedMatches(rows, [['numb*']], { layers: [12, 12] }).length),
    );
    await expectAccessible(page);
  });

  test('a histogram bar filters exactly the neurons it counts, and bars work by keyboard', async ({
    page,
  }) => {
    await page.goto('#/');
    await answered(page, '');
    const chart = page.getByRole('group', { name: 'Histogram of scores' });
    // The real scores have two decimals: many sit exactly on the 0.05 edges of the bars.
    const scores = rows.map((row) => row.score).filter((score): score is number => score !== null);
    const bar = chart.getByRole('button', { name: /neurons score 0\.75 to under 0\.80$/ });
    const count = async () =>
      Number((await bar.getAttribute('aria-label'))!.split(' ')[0]!.replace(/,/g, ''));
    // The charts follow the rows: the bar counts every layer once they are in.
    const inBar = scores.filter((score) => score >= 0.75 && score < 0.8).length;
    await expect.poll(count, { timeout: 15_000 }).toBe(inBar);
    const counted = await count();
    await bar.click();
    await expect(page).toHaveURL(/score=0\.75\.\.%3C0\.8/);
    await answered(page, '');
    await expect(results(page)).toHaveAttribute('data-rows', String(counted));

    // The bars are one tab stop: focus the chosen one, step right, Enter chooses that bar.
    await bar.focus();
    await page.keyboard.press('ArrowRight');
    const next = chart.getByRole('button', { name: /neurons score 0\.80 to under 0\.85$/ });
    await expect(next).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/score=0\.8\.\.%3C0\.85/);
    await answered(page, '');
    await expect(results(page)).toHaveAttribute(
      'data-rows',
      String(scores.filter((score) => score >= 0.8 && score < 0.85).length),
    );
  });

  test('screenshots', async ({ page }) => {
    await inEveryLook(page, async ({ size, scheme }) => {
      await page.goto('#/?q=%22the+letter%22+s&sort=score');
      await answered(page, '"the letter" s');
      await screenshot(page, `browse-${scheme}-${size}`);
    });
  });
});
