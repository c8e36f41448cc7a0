/**
 * Scores a researcher can trust, end to end: simulation, detection and fuzzing run from the test
 * panel with their intervals, bases and (detection, fuzzing) every example's verdict; the weak-basis
 * warning and the different-bases notice on the real neuron 0/816; "improve" rounds side by side;
 * share links that reproduce it all. The offline baselines on the main e2e server, and a second
 * server whose judge is the OpenAI-compatible test server (right, half right, wrong format,
 * refusal).
 */
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { parseNeuronRecord } from '../../src/core/format/parse.ts';
import { SCORING_SEED } from '../../src/core/scoring/basis.ts';
import { fuzzingMarks, selectExamples } from '../../src/core/scoring/examples.ts';
import { excerptText } from '../../src/core/scoring/judge-prompt.ts';
import {
  completeNeuron,
  expectAccessible,
  hasDataset,
  inEveryLook,
  SCREENSHOT_DIR,
  serverWithTestLlm,
  settled,
  TEST_PANEL,
  testPanel,
} from './support.ts';

const NUMBER = /^(−?\d\.\d\d|n\/a)$/;
const INTERVAL = /^(−?\d\.\d\d to −?\d\.\d\d|n\/a)$/;

/** The cells of the "This explanation" row of a scorer's table, as text. */
async function rowOf(panel: Locator, scorer: 'Simulation' | 'Detection' | 'Fuzzing') {
  const table = panel.getByRole('table', { name: new RegExp(`^${scorer} scores`) });
  await expect(table).toBeVisible({ timeout: 60_000 });
  const cells = table.getByRole('row', { name: /^This explanation/ }).getByRole('cell');
  return (await cells.allTextContents()).map((text) => text.trim());
}

/** Score, interval and the rest of each scorer's row. */
async function allScores(panel: Locator) {
  const simulation = await rowOf(panel, 'Simulation');
  const detection = await rowOf(panel, 'Detection');
  const fuzzing = await rowOf(panel, 'Fuzzing');
  for (const row of [simulation, detection, fuzzing]) {
    expect(row[0]).toMatch(NUMBER);
    expect(row[1]).toMatch(INTERVAL);
  }
  return { simulation, detection, fuzzing };
}

/** "Every example and the judge’s verdict: 31 of 40 right" of a scorer's card. */
function verdictsOf(panel: Locator, scorer: 'Detection' | 'Fuzzing') {
  return panel
    .getByRole('region', { name: new RegExp(`^${scorer}`) })
    .getByText(/^Every example and the judge’s verdict: \d+ of \d+ right/);
}

test.describe('the offline baselines', () => {
  test('demo: all three scorers with intervals, bases and every verdict; the link reproduces them', async ({
    page,
    context,
  }) => {
    test.setTimeout(180_000);
    const neuron = await completeNeuron(page.request, 'demo');
    expect(neuron).not.toBeNull();
    await page.goto(`#/d/demo/layers/${neuron!.layer}/neurons/${neuron!.neuron}`);
    await settled(page);
    const panel = testPanel(page);
    await expect(panel.getByText('baseline judge', { exact: true })).toBeVisible();
    await panel.getByRole('button', { name: 'Score' }).click();
    const scores = await allScores(panel);
    // The demo's published scores are the baseline's, on the same records: the same basis.
    await expect(panel.getByText(/^Different bases/)).toHaveCount(0);
    await expect(panel.getByText(/^Basis: \d+ records \(5 top-activating, 5 random/)).toBeVisible();
    await expect(
      panel.getByText(/^Basis: \d+ examples \(\d+ where the neuron fires, \d+ where it is quiet\)/),
    ).toHaveCount(2);
    await expect(panel.getByText(/judged by the baseline judge/).first()).toBeVisible();
    for (const scorer of ['Detection', 'Fuzzing'] as const) {
      await expect(verdictsOf(panel, scorer)).toBeVisible();
      const card = panel.getByRole('region', { name: new RegExp(`^${scorer}`) });
      const total = Number(
        /of (\d+) right/.exec((await verdictsOf(panel, scorer).textContent())!)![1],
      );
      expect(total).toBeGreaterThanOrEqual(30);
      await expect(card.getByText(/^[✓✗] (right|wrong) · /)).toHaveCount(total);
    }
    await expectAccessible(page, TEST_PANEL);

    // Every look of the result, for the record.
    await inEveryLook(page, async ({ size, scheme, viewport }) => {
      const height = (await panel.boundingBox())!.height;
      await page.setViewportSize({ width: viewport.width, height: Math.ceil(height) + 200 });
      await panel.evaluate((element) => element.scrollIntoView());
      await panel.screenshot({
        path: join(SCREENSHOT_DIR, `scoring-result-${scheme}-${size}.png`),
        style: 'header { position: static !important; }',
      });
      await page.setViewportSize(viewport);
    });

    const link = await panel.getByRole('textbox', { name: 'Share link' }).inputValue();
    const shared = await context.newPage();
    await shared.goto(link);
    expect(await allScores(testPanel(shared))).toEqual(scores);
  });

  test('demo: improve, twice; the rounds side by side, and the link brings them back', async ({
    page,
    context,
  }) => {
    test.setTimeout(120_000);
    const neuron = await completeNeuron(page.request, 'demo');
    await page.goto(
      `#/d/demo/layers/${neuron!.layer}/neurons/${neuron!.neuron}?test=the+word+%22zebra%22&scorers=simulation,detection`,
    );
    await settled(page);
    const panel = testPanel(page);
    await rowOf(panel, 'Simulation');
    await panel.getByRole('button', { name: 'Improve this explanation' }).click();
    const rounds = panel.getByRole('table', { name: 'Rounds of improvement, side by side' });
    await expect(rounds).toBeVisible({ timeout: 60_000 });
    await expect(panel.getByRole('heading', { name: 'Round 2 of 2' })).toBeVisible();
    await expect(panel.getByText(/^Revised by the baseline explainer/)).toBeVisible();
    await expect(panel.getByRole('table', { name: /^Fuzzing scores/ })).toHaveCount(0);
    await panel.getByRole('button', { name: 'Improve again' }).click();
    await expect(panel.getByRole('heading', { name: 'Round 3 of 3' })).toBeVisible({
      timeout: 60_000,
    });
    const cells = async (p: Page) =>
      (
        await testPanel(p)
          .getByRole('table', { name: 'Rounds of improvement, side by side' })
          .getByRole('row', { name: /^Detection/ })
          .getByRole('cell')
          .allTextContents()
      ).map((text) => text.trim());
    const detection = await cells(page);
    expect(detection).toHaveLength(3);
    for (const [size, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await rounds.screenshot({ path: join(SCREENSHOT_DIR, `scoring-rounds-${size}.png`) });
    }
    const link = await panel.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(link).toMatch(
      /\?test=the\+word\+%22zebra%22&test=.+&test=.+&scorers=simulation%2Cdetection$/,
    );
    const shared = await context.newPage();
    await shared.goto(link);
    await expect(testPanel(shared).getByRole('heading', { name: 'Round 3 of 3' })).toBeVisible({
      timeout: 60_000,
    });
    expect(await cells(shared)).toEqual(detection);
  });

  test.describe('GPT-2 XL, real data', () => {
    test.beforeEach(async ({ page }) => {
      test.skip(!(await hasDataset(page.request, 'gpt2-xl')), 'GPT-2 XL was not ingested');
    });

    test('1/1: all three scorers on the complete real record, with intervals and verdicts', async ({
      page,
      context,
    }) => {
      test.setTimeout(120_000);
      await page.goto('#/d/gpt2-xl/layers/1/neurons/1');
      await settled(page);
      const panel = testPanel(page);
      await panel
        .getByRole('textbox', { name: 'Explanation' })
        .fill('the word "transfers" and other words about moving');
      await panel.getByRole('button', { name: 'Score' }).click();
      const scores = await allScores(panel);
      expect(scores.simulation[1]).not.toBe('n/a');
      expect(scores.simulation[4]).toBe('10');
      await expect(panel.getByText(/^Weak basis/)).toHaveCount(0);
      for (const scorer of ['Detection', 'Fuzzing'] as const) {
        await expect(verdictsOf(panel, scorer)).toContainText('of 40 right');
      }
      // The examples come from across the file's lists, the quantile samples too.
      await expect(panel.getByText(/ · Quantile \d record \d+ · /).first()).toBeVisible();
      const link = await panel.getByRole('textbox', { name: 'Share link' }).inputValue();
      const shared = await context.newPage();
      await shared.goto(link);
      expect(await allScores(testPanel(shared))).toEqual(scores);
    });

    test('0/816: one record to score on: a weak basis, not comparable with the published score', async ({
      page,
    }) => {
      test.setTimeout(120_000);
      await page.goto('#/layers/0/neurons/816');
      await settled(page);
      // The published score itself rests on 4 records: the explanation list marks it weak.
      await expect(
        page
          .getByRole('list', { name: 'Explanations, best first' })
          .or(page.locator('ol').filter({ hasText: /score 0\.34/ }))
          .first(),
      ).toContainText(/score 0\.34 · 4 records: weak basis/);
      const panel = testPanel(page);
      await panel.getByRole('button', { name: 'Score' }).click();
      const row = await rowOf(panel, 'Simulation');
      expect(row[0]).toBe('0.11');
      expect(row[1]).toBe('n/a');
      await expect(
        panel.getByText(/^Weak basis: this score rests on 1 record \(fewer than 5\)/),
      ).toBeVisible();
      await expect(
        panel.getByText(
          /^Different bases, not comparable as equals: this score against the published one rests on 1 record against 4 records; the offline baseline against the release’s simulator/,
        ),
      ).toBeVisible();
      // Detection: 3 firing records and no quiet ones, so balanced accuracy is not defined.
      const detection = await rowOf(panel, 'Detection');
      expect(detection[0]).toBe('n/a');
      await expect(panel.getByText(/no quiet random-sample records/).first()).toBeVisible();
      await expect(panel.getByText(/^Weak basis: this score rests on 3 examples/)).toHaveCount(2);
      // Not like for like: the published score is set apart, not a row beside this one.
      const simulation = panel.getByRole('table', { name: /^Simulation scores/ });
      await expect(simulation.getByRole('row', { name: /^Published explanation/ })).toHaveCount(0);
      await expect(
        panel.getByText(
          /^So the published score is set apart, not beside this one: correlation 0\.34 as released, on 4 records \(itself a weak basis: fewer than 5\)\.$/,
        ),
      ).toBeVisible();

      // Another explanation; then the published one scored the same way, as a round of its own.
      await panel.getByRole('textbox', { name: 'Explanation' }).fill('the word "the"');
      await panel.getByRole('button', { name: 'Score' }).click();
      await expect(panel.getByRole('heading', { name: 'Result' })).toBeVisible({ timeout: 60_000 });
      await panel
        .getByRole('button', { name: 'Score the published explanation the same way' })
        .click();
      await expect(panel.getByRole('heading', { name: 'Round 2 of 2' })).toBeVisible({
        timeout: 60_000,
      });
      await expect(
        panel.getByRole('columnheader', { name: /Round 1\s*the published explanation/ }),
      ).toBeVisible();
      const alike = simulation.getByRole('row', {
        name: /^Published explanation, scored here the same way/,
      });
      await expect(alike).toBeVisible();
      const cells = (await alike.getByRole('cell').allTextContents()).map((t) => t.trim());
      expect(cells[0]).toBe('0.11');
      expect(cells[4]).toBe('1');
      await expect(
        panel.getByRole('button', { name: 'Score the published explanation the same way' }),
      ).toHaveCount(0);
      await testPanel(page).screenshot({
        path: join(SCREENSHOT_DIR, 'scoring-published-alike.png'),
      });
    });
  });
});

test.describe('an OpenAI-compatible judge (the test server)', () => {
  const judged = serverWithTestLlm({
    llm: { mode: 'judge-right', latencyMs: 5 },
    name: 'judge',
    portOffset: 60,
    env: { JUDGE_MODEL: 'test-judge' },
  });

  /** The demo neuron's page, with the judge told the truth of its examples. */
  async function openNeuron(page: Page): Promise<string> {
    const neuron = await completeNeuron(page.request, 'demo');
    const { layer, neuron: index } = neuron!;
    const response = await page.request.get(
      `${judged.server.url}datasets/demo/collated-activations/${layer}/${index}.json`,
    );
    const record = parseNeuronRecord(await response.text(), {
      path: 'collated-activations',
      layer,
      neuron: index,
    });
    const selection = selectExamples(record, { seed: SCORING_SEED });
    const marks = fuzzingMarks(selection, SCORING_SEED);
    const truth = new Map<string, boolean>();
    selection.examples.forEach((example, i) => {
      truth.set(excerptText({ tokens: example.record.tokens, marked: null }), example.activating);
      truth.set(
        excerptText({ tokens: example.record.tokens, marked: marks[i]! }),
        example.activating,
      );
    });
    judged.llm.configure({ judgeTruth: (excerpt) => truth.get(excerpt) });
    return `${judged.server.url}#/d/demo/layers/${layer}/neurons/${index}`;
  }

  const score = async (page: Page, explanation: string) => {
    const panel = testPanel(page);
    await panel.getByRole('textbox', { name: 'Explanation' }).fill(explanation);
    await panel.getByRole('button', { name: 'Score' }).click();
    return panel;
  };

  test('a judge that is right scores 1.00, with probabilities; one right half the time, half', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    judged.llm.reset({ mode: 'judge-right', latencyMs: 5 });
    await page.goto(await openNeuron(page));
    await settled(page);
    const panel = await score(page, 'colour words (right)');
    const scores = await allScores(panel);
    expect(scores.detection[0]).toBe('1.00');
    expect(scores.fuzzing[0]).toBe('1.00');
    expect(scores.detection[3]).toBe('1.00'); // AUPRC, from the judge's probabilities
    await expect(
      panel.getByText(
        /judged by test-judge from expected values over log-probabilities, prompt detection-[0-9a-f]{8}/,
      ),
    ).toBeVisible();
    await expect(verdictsOf(panel, 'Detection')).toContainText(/: (\d+) of \1 right/);

    judged.llm.reset({ mode: 'judge-half', latencyMs: 5 });
    await page.goto(await openNeuron(page));
    await settled(page);
    await score(page, 'colour words (half)');
    await rowOf(panel, 'Detection');
    // Right on the 1st, 3rd, ... excerpt of each batch: half of each batch of 10, rounded up.
    for (const scorer of ['Detection', 'Fuzzing'] as const) {
      const [, right, total] = /: (\d+) of (\d+) right/.exec(
        (await verdictsOf(testPanel(page), scorer).textContent())!,
      )!;
      const batches = Array.from({ length: Math.ceil(Number(total) / 10) }, (_, i) =>
        Math.min(10, Number(total) - i * 10),
      );
      expect(Number(right)).toBe(batches.reduce((sum, size) => sum + Math.ceil(size / 2), 0));
    }
  });

  for (const [mode, message] of [
    [
      'judge-format',
      /The judge's answer could not be read \(line 2: expected yes or no for excerpt 2, found "probably"\)/,
    ],
    ['judge-refusal', /The judge refused to answer/],
  ] as const) {
    test(`${mode}: a named error and no score`, async ({ page }) => {
      test.setTimeout(120_000);
      judged.llm.reset({ mode, latencyMs: 5 });
      await page.goto(await openNeuron(page));
      await settled(page);
      const panel = await score(page, `colour words (${mode})`);
      const alert = panel.getByRole('alert');
      await expect(alert).toContainText('The language model answered in the wrong format', {
        timeout: 60_000,
      });
      await expect(alert).toContainText(message);
      await expect(alert).toContainText('No score was produced.');
      await expect(panel.getByRole('table')).toHaveCount(0);
    });
  }
});
