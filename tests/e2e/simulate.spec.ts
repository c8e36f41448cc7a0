/**
 * "Test an explanation" end to end on the real server: the offline baseline simulator (the
 * default) on the demo dataset and on real GPT-2 XL neurons, share links opened in a new page, and
 * a second server using the OpenAI-compatible test server, to show an upstream failure and a retry.
 */
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import {
  completeNeuron,
  datasetList,
  expectAccessible,
  needsRealGpt2Xl,
  inEveryLook,
  SCREENSHOT_DIR,
  serverWithTestLlm,
  settled,
  TEST_PANEL,
  testPanel,
} from './support.ts';

const SCORE = /^(−?\d\.\d\d|n\/a)$/;

/**
 * The paper's three scores (correlation, R², absolute deviation explained) of a row of the
 * simulation table ("This explanation" or "Published explanation").
 */
async function scoresOf(panel: Locator, row: string): Promise<string[]> {
  const table = panel.getByRole('table', { name: /^Simulation scores/ });
  const cells = table.getByRole('row', { name: new RegExp(`^${row}`) }).getByRole('cell');
  // Correlation, its interval, R², abs. dev. explained, records.
  await expect(cells).toHaveCount(5);
  const texts = (await cells.allTextContents()).map((text) => text.trim());
  const scores = [texts[0]!, texts[2]!, texts[3]!];
  for (const score of scores) expect(score).toMatch(SCORE);
  return scores;
}

interface Run {
  scores: string[];
  link: string;
}

/** Runs the explanation in the box (after typing `explanation`, if given) and reads the result. */
async function run(page: Page, explanation?: string): Promise<Run> {
  const panel = testPanel(page);
  const box = panel.getByRole('textbox', { name: 'Explanation' });
  if (explanation !== undefined) await box.fill(explanation);
  await panel.getByRole('button', { name: 'Score', exact: true }).click();
  await expect(panel.getByRole('table', { name: /^Simulation scores/ })).toBeVisible({
    timeout: 30_000,
  });
  await expect(panel.getByText('No score was produced')).toHaveCount(0);
  const scores = await scoresOf(panel, 'This explanation');
  const link = await panel.getByRole('textbox', { name: 'Share link' }).inputValue();
  return { scores, link };
}

/** Opens a share link in a new page of the same browser and waits for its result. */
async function openShared(context: BrowserContext, link: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(link);
  await expect(testPanel(page).getByRole('table', { name: /^Simulation scores/ })).toBeVisible({
    timeout: 30_000,
  });
  return page;
}

test.describe('the offline baseline simulator', () => {
  test('demo dataset: the published explanation scores as published; the link shows it again', async ({
    page,
    context,
  }) => {
    // axe-core over a page of records is slow on a busy machine.
    test.setTimeout(120_000);
    const demo = (await datasetList(page.request)).datasets.find((entry) => entry.synthetic);
    test.skip(!demo, 'no synthetic demo dataset on the server');
    const neuron = await completeNeuron(page.request, demo!.id);
    expect(neuron).not.toBeNull();
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(`#/d/${demo!.id}/layers/${neuron!.layer}/neurons/${neuron!.neuron}`);
    await settled(page);
    const panel = testPanel(page);
    await expect(panel.getByText('baseline simulator', { exact: true })).toBeVisible();
    const box = panel.getByRole('textbox', { name: 'Explanation' });
    const published = await box.inputValue();
    expect(published.length).toBeGreaterThan(0);

    const result = await run(page);
    // The demo's explanations were written and scored by the same baseline, on the same records.
    expect(result.scores).toEqual(await scoresOf(panel, 'Published explanation'));
    await expect(panel.getByText('Simulated just now', { exact: true })).toBeVisible();
    await expect(panel.getByText(/^Simulated by/)).toContainText('the baseline simulator');
    const real = panel.getByRole('group', { name: /, real activations$/ });
    const simulated = panel.getByRole('group', { name: /, simulated activations$/ });
    expect(await real.count()).toBeGreaterThan(0);
    await expect(simulated).toHaveCount(await real.count());
    expect(result.link).toMatch(
      new RegExp(`#/d/${demo!.id}/layers/${neuron!.layer}/neurons/${neuron!.neuron}\\?test=`),
    );
    await panel.getByRole('button', { name: 'Copy share link' }).click();
    await expect(panel.getByText('Share link copied.')).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(result.link);
    await expectAccessible(page, TEST_PANEL);

    // The baseline is not cached by the server (it is instant): the link runs it again, the same.
    const shared = await openShared(context, result.link);
    const sharedPanel = testPanel(shared);
    await expect(sharedPanel.getByRole('textbox', { name: 'Explanation' })).toHaveValue(published);
    expect(await scoresOf(sharedPanel, 'This explanation')).toEqual(result.scores);
    await expect(sharedPanel.getByText('Simulated just now', { exact: true })).toBeVisible();
  });

  test('demo dataset: explain this neuron, then edit and test the explanation', async ({
    page,
  }) => {
    const demo = (await datasetList(page.request)).datasets.find((entry) => entry.synthetic);
    test.skip(!demo, 'no synthetic demo dataset on the server');
    const neuron = await completeNeuron(page.request, demo!.id);
    await page.goto(`#/d/${demo!.id}/layers/${neuron!.layer}/neurons/${neuron!.neuron}`);
    await settled(page);
    const panel = testPanel(page);
    await panel.getByRole('button', { name: 'Explain this neuron' }).click();
    await expect(panel.getByRole('table', { name: /^Simulation scores/ })).toBeVisible({
      timeout: 30_000,
    });
    await expect(panel.getByText(/^Explanation written by/)).toContainText(
      'the baseline explainer',
    );
    const written = await panel.getByRole('textbox', { name: 'Explanation' }).inputValue();
    expect(written.length).toBeGreaterThan(0);
    await expect(page).toHaveURL(new RegExp(`\\?test=`));
    const explained = await scoresOf(panel, 'This explanation');

    // Edited, it is simulated anew and scores differently.
    const edited = await run(page, `${written} and the word "zebra"`);
    expect(edited.link).toContain('zebra');
    await expect(panel.getByText(/^Explanation written by/)).toHaveCount(0);
    expect(edited.scores).toHaveLength(explained.length);
  });

  test.describe('GPT-2 XL, real data', () => {
    test.beforeEach(({ page }) => needsRealGpt2Xl(page.request));

    test('1/1: an explanation of one’s own on the complete real record, shared', async ({
      page,
      context,
    }) => {
      await page.goto('#/d/gpt2-xl/layers/1/neurons/1');
      await settled(page);
      const panel = testPanel(page);
      // 1/1 has records but no published explanation: the box starts empty.
      await expect(panel.getByRole('textbox', { name: 'Explanation' })).toHaveValue('');
      const result = await run(page, 'the word "transfers" and other words about moving');
      await expect(panel.getByRole('row', { name: /^Published explanation/ })).toHaveCount(0);
      // 5 top-activating and 5 random held-out records, as in the paper.
      const real = panel.getByRole('group', { name: /, real activations$/ });
      await expect(real).toHaveCount(10);
      await expect(
        panel.getByRole('group', { name: 'Top-activating record 3, real activations' }),
      ).toBeVisible();
      await expect(
        panel.getByRole('group', { name: 'Random record 14, simulated activations' }),
      ).toBeVisible();

      const shared = await openShared(context, result.link);
      expect(await scoresOf(testPanel(shared), 'This explanation')).toEqual(result.scores);
      await expect(
        testPanel(shared).getByRole('group', { name: /, real activations$/ }),
      ).toHaveCount(10);
    });

    test('0/816: the published explanation on the partial real record, shared', async ({
      page,
      context,
    }) => {
      await page.goto('#/layers/0/neurons/816');
      await settled(page);
      const panel = testPanel(page);
      await expect(panel.getByRole('textbox', { name: 'Explanation' })).toHaveValue(
        'references to movies, characters, and entertainment.',
      );
      const result = await run(page);
      // Its 4 top-activating records hold one held-out record (index 2) and no random ones.
      await expect(panel.getByRole('group', { name: /, real activations$/ })).toHaveCount(1);
      await expect(
        panel.getByRole('group', { name: 'Top-activating record 3, real activations' }),
      ).toBeVisible();
      // The published score rests on other records and another simulator: it is set apart with
      // its own basis, not a row beside this one (scoring.spec.ts checks the wording).
      await expect(panel.getByRole('row', { name: /^Published explanation/ })).toHaveCount(0);
      await expect(panel.getByText(/^So the published score is set apart/)).toContainText(
        'correlation 0.34 as released, on 4 records',
      );
      expect(result.link).toMatch(/#\/d\/gpt2-xl\/layers\/0\/neurons\/816\?test=references/);

      const shared = await openShared(context, result.link);
      expect(await scoresOf(testPanel(shared), 'This explanation')).toEqual(result.scores);
    });

    test('a neuron without records can still simulate texts of one’s own', async ({ page }) => {
      await page.goto('#/d/gpt2-xl/layers/0/neurons/0');
      await settled(page);
      const panel = testPanel(page);
      await expect(panel.getByRole('radio', { name: /held-out records/ })).toBeDisabled();
      await expect(panel.getByRole('button', { name: 'Explain this neuron' })).toBeDisabled();
      await panel
        .getByRole('textbox', { name: 'Your texts, one per line' })
        .fill('The cat sat on the mat.\nStock markets fell sharply.');
      await panel.getByRole('button', { name: 'Simulate my texts' }).click();
      await expect(panel.getByRole('heading', { name: 'Your texts, simulated' })).toBeVisible({
        timeout: 30_000,
      });
      await expect(panel.getByRole('table')).toHaveCount(0);
      await expect(
        panel.getByRole('group', { name: 'Text 2, simulated activations (0–10 scale)' }),
      ).toHaveText('Stock markets fell sharply.');
    });
  });

  test('without the server (a static host) the panel says so and runs nothing', async ({
    page,
  }) => {
    await page.route('**/api/health', (route) => route.fulfill({ status: 404, body: 'no' }));
    let simulated = 0;
    await page.route(/\/api\/(simulate|score)$/, (route) => {
      simulated++;
      return route.fallback();
    });
    await page.goto('#/d/demo/layers/0/neurons/0?test=colours');
    const panel = testPanel(page);
    await expect(panel.getByText(/Scoring needs the Neuron Explorer server/)).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Score' })).toBeDisabled();
    await expect(panel.getByRole('button', { name: 'Explain this neuron' })).toBeDisabled();
    await expect(panel.getByText(/This link asks to test/)).toBeVisible();
    expect(simulated).toBe(0);
  });
});

test.describe('an OpenAI-compatible simulator', () => {
  const openai = serverWithTestLlm({
    llm: { mode: 'server-error', latencyMs: 20 },
    name: 'openai',
    portOffset: 40,
    // Two calls at a time, so a run lasts long enough to be seen in progress.
    env: { UPSTREAM_CONCURRENCY: '2' },
  });

  async function demoPath(page: Page): Promise<string> {
    const neuron = await completeNeuron(page.request, 'demo');
    expect(neuron).not.toBeNull();
    return `${openai.server.url}#/d/demo/layers/${neuron!.layer}/neurons/${neuron!.neuron}`;
  }

  test('an upstream failure is shown with no score; the retry succeeds; the link is cached', async ({
    page,
    context,
  }) => {
    test.setTimeout(120_000);
    openai.llm.reset({ mode: 'server-error', latencyMs: 20 });
    const path = await demoPath(page);
    await page.goto(path);
    await settled(page);
    const panel = testPanel(page);
    // The simulator, and the judge (the same model unless JUDGE_MODEL names another).
    await expect(panel.getByText('test-simulator', { exact: true })).toHaveCount(2);
    await panel.getByRole('textbox', { name: 'Explanation' }).fill('colour words such as red');
    await panel.getByRole('button', { name: 'Score', exact: true }).click();

    const alert = panel.getByRole('alert');
    await expect(alert).toContainText('The language model server failed');
    await expect(alert).toContainText('No score was produced.');
    await expect(panel.getByRole('table')).toHaveCount(0);
    await expectAccessible(page, TEST_PANEL);

    openai.llm.configure({ mode: 'correct' });
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect(panel.getByRole('table', { name: /^Simulation scores/ })).toBeVisible({
      timeout: 30_000,
    });
    await expect(panel.getByRole('alert')).toHaveCount(0);
    await expect(panel.getByText('Simulated just now', { exact: true })).toBeVisible();
    await expect(panel.getByText(/^Simulated by/)).toContainText('test-simulator');
    const scores = await scoresOf(panel, 'This explanation');
    const link = await panel.getByRole('textbox', { name: 'Share link' }).inputValue();

    // The link in a new page: the same result, from the server's cache, with no upstream call.
    const calls = openai.llm.requests.length;
    const shared = await openShared(context, link);
    await expect(
      testPanel(shared).getByText('From the server’s cache', { exact: true }),
    ).toBeVisible();
    expect(await scoresOf(testPanel(shared), 'This explanation')).toEqual(scores);
    expect(openai.llm.requests.length).toBe(calls);
  });

  test('a wrong-format answer is named, never scored', async ({ page }) => {
    openai.llm.reset({ mode: 'wrong-tokens', latencyMs: 20 });
    await page.goto(await demoPath(page));
    await settled(page);
    const panel = testPanel(page);
    await panel.getByRole('textbox', { name: 'Explanation' }).fill('words about the sea');
    await panel.getByRole('button', { name: 'Score', exact: true }).click();
    await expect(panel.getByRole('alert')).toContainText(
      'The language model answered in the wrong format',
    );
    await expect(panel.getByRole('table')).toHaveCount(0);
  });

  test('screenshots before, during and after a run, light and dark, desktop and phone', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    openai.llm.reset({ mode: 'correct', latencyMs: 250 });
    const path = await demoPath(page);
    await inEveryLook(page, async ({ size, scheme, viewport }) => {
      await page.goto(path);
      await settled(page);
      const panel = testPanel(page);
      const shot = (state: string) =>
        panel.screenshot({
          path: join(SCREENSHOT_DIR, `simulate-${state}-${scheme}-${size}.png`),
          // The shell's sticky header would cover the top of the panel.
          style: 'header { position: static !important; }',
        });
      // A new explanation each time, so it is simulated rather than answered from the cache.
      await panel
        .getByRole('textbox', { name: 'Explanation' })
        .fill(`colour words such as red and blue (${scheme}, ${size})`);
      await shot('before');
      await panel.getByRole('button', { name: 'Score', exact: true }).click();
      await expect(
        panel.locator('span').filter({ hasText: /^Simulation: [1-9]\d* of \d+ records simulated/ }),
      ).toBeVisible();
      await shot('during');
      await expect(panel.getByRole('table', { name: /^Simulation scores/ })).toBeVisible({
        timeout: 60_000,
      });
      // Records off screen are not painted (content-visibility): make the window hold the panel.
      const height = (await panel.boundingBox())!.height;
      await page.setViewportSize({ width: viewport.width, height: Math.ceil(height) + 200 });
      await panel.evaluate((element) => element.scrollIntoView());
      await shot('after');
      await page.setViewportSize(viewport);
    });
  });
});
