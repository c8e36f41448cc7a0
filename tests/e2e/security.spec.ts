/**
 * The app under the server's Content-Security-Policy: every screen works, and nothing is refused
 * (an inline script, a worker, a style, a request). Chromium logs each refusal to the console.
 */
import { expect, test, type Page } from '@playwright/test';
import { completeNeuron, datasetList, settled } from './support.ts';

/** Collects CSP refusals and uncaught errors from the page. */
function watchRefusals(page: Page): string[] {
  const refusals: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refusals.push(message.text());
  });
  page.on('pageerror', (error) => refusals.push(`uncaught: ${error.message}`));
  return refusals;
}

test('the app runs under its Content-Security-Policy', async ({ page }) => {
  test.setTimeout(120_000);
  const demo = (await datasetList(page.request)).datasets.find((entry) => entry.synthetic);
  test.skip(!demo, 'no synthetic demo dataset on the server');
  const neuron = await completeNeuron(page.request, demo!.id);
  expect(neuron).not.toBeNull();
  const refusals = watchRefusals(page);

  // A permalink, in the dark theme: both inline scripts of index.html have work to do.
  await page.addInitScript(() => {
    localStorage.setItem('neuron-explorer.settings', JSON.stringify({ state: { theme: 'dark' } }));
  });
  const response = await page.goto(
    `#/d/${demo!.id}/layers/${neuron!.layer}/neurons/${neuron!.neuron}`,
  );
  const policy = response?.headers()['content-security-policy'] ?? '';
  // WebAssembly for the model runner, never eval.
  expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/]+=*'){2};/);
  expect(policy).not.toContain("'unsafe-eval'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(response?.headers()['x-content-type-options']).toBe('nosniff');
  await settled(page);
  expect(await page.evaluate(() => typeof window.__earlyFetches)).toBe('object');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

  // Token colours are inline style attributes; the tooltip is drawn on hover.
  const records = page.getByRole('region', { name: /^Top-activating records/ });
  const token = records.locator('[data-record] span').first();
  await expect(token).toHaveAttribute('style', /background-color/);
  const colour = await token.evaluate((element) => getComputedStyle(element).backgroundColor);
  expect(colour).not.toBe('rgba(0, 0, 0, 0)');
  await token.hover();
  await expect(page.getByRole('tooltip')).toBeVisible();

  // A simulation through the API.
  const panel = page.getByRole('region', { name: 'Test an explanation' });
  await panel.getByRole('button', { name: 'Run simulation' }).click();
  await expect(panel.getByRole('table')).toBeVisible({ timeout: 30_000 });

  // Browse and search: the reader and search workers.
  await page.goto(`#/d/${demo!.id}`);
  const results = page.getByTestId('browse-results');
  await expect(results).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  await page.getByRole('searchbox', { name: 'Search explanations', exact: true }).fill('the');
  await expect(results).toHaveAttribute('data-query', 'the');
  await expect(
    page
      .getByRole('list', { name: /^Neurons/ })
      .getByRole('link')
      .first(),
  ).toBeVisible();

  expect(refusals).toEqual([]);
});

test('a page on another origin cannot frame the app', async ({ page, baseURL }) => {
  const refusals: string[] = [];
  page.on('console', (message) => refusals.push(message.text()));
  await page.setContent(`<iframe src="${baseURL}" title="framed"></iframe>`);
  await expect
    .poll(() => refusals.some((text) => /frame-ancestors|X-Frame-Options|Refused to/i.test(text)))
    .toBe(true);
  const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
  expect(
    await frame
      ?.locator('#root')
      .count()
      .catch(() => 0),
  ).toBe(0);
});
