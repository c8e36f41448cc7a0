/**
 * Compare, lists and browse export end to end: the demo dataset compared with a copy re-scored by
 * `cli batch` against the local test server (tests/e2e/environment.ts writes it). Expected values
 * come from the two datasets' files read here, joined by this test, not from the app's code.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import type { DatasetManifest, LayerIndex } from '../../src/core/dataset/types.ts';
import type { NeuronSimulationResults } from '../../src/core/format/types.ts';
import { datasetList, expectAccessible, inEveryLook, screenshot } from './support.ts';

const RESCORED = 'demo-rescored';

interface Scores {
  score: number | null;
  explanation: string | null;
}

async function layerScores(request: APIRequestContext, dataset: string) {
  const manifest = (await (
    await request.get(`datasets/${dataset}/manifest.json`)
  ).json()) as DatasetManifest;
  const scores = new Map<string, Scores>();
  for (const summary of manifest.layers) {
    const index = (await (
      await request.get(`datasets/${dataset}/${summary.index}`)
    ).json()) as LayerIndex;
    index.neurons.forEach((neuron, i) =>
      scores.set(`${summary.layer}:${neuron}`, {
        score: index.scores[i] ?? null,
        explanation: index.explanations[i] ?? null,
      }),
    );
  }
  return { manifest, scores };
}

/** Neurons both list, with B − A where both have a score, largest loss first. */
async function expectedComparison(request: APIRequestContext) {
  const a = await layerScores(request, 'demo');
  const b = await layerScores(request, RESCORED);
  const both = [...a.scores.keys()].filter((key) => b.scores.has(key));
  const differences = both
    .map((key) => {
      const sa = a.scores.get(key)!.score;
      const sb = b.scores.get(key)!.score;
      return { key, difference: sa === null || sb === null ? null : sb - sa };
    })
    .filter((entry): entry is { key: string; difference: number } => entry.difference !== null)
    .sort((x, y) => x.difference - y.difference);
  return { a, b, both, differences };
}

function tableRows(page: Page) {
  return page.getByRole('table', { name: 'Compared neurons' }).locator('[data-neuron]');
}

test.describe('compare two datasets, lists, export', () => {
  test.beforeEach(async ({ page }) => {
    const list = await datasetList(page.request);
    test.skip(
      !list.datasets.some((entry) => entry.id === RESCORED),
      `no ${RESCORED} dataset (an E2E_DATA_DIR without it)`,
    );
  });

  test('compare the demo with a re-scored copy, sort by difference, open a neuron, see both', async ({
    page,
  }) => {
    // Screenshots in four looks of two pages and two accessibility scans, on a shared machine.
    test.setTimeout(180_000);
    const expected = await expectedComparison(page.request);
    expect(expected.differences.length).toBeGreaterThan(10);
    // The copy was re-scored by another simulator: scores differ.
    expect(expected.differences.some((entry) => Math.abs(entry.difference) > 0.05)).toBe(true);

    // From browse: "Compare with" the other dataset of the same model.
    await page.goto('#/d/demo');
    await page.getByLabel('Compare with').selectOption(RESCORED);
    await expect(page).toHaveURL(/#\/d\/demo\?vs=demo-rescored$/);
    await expect(page.getByTestId('compare-summary')).toContainText(
      `${expected.both.length} neurons in both`,
    );
    await expect(page.getByTestId('score-scatter')).toHaveAttribute(
      'data-points',
      String(expected.differences.length),
    );

    // Default order: largest loss first.
    const first = tableRows(page).first();
    await expect(first).toHaveAttribute('data-neuron', expected.differences[0]!.key);
    // Sort by difference, descending: largest gain first.
    await page.getByRole('button', { name: /^Difference/ }).click();
    await expect(first).toHaveAttribute('data-neuron', expected.differences.at(-1)!.key);
    await page.getByRole('button', { name: /^Difference/ }).click();
    await expect(first).toHaveAttribute('data-neuron', expected.differences[0]!.key);

    // "Where it is worse by 0.2": exactly the neurons whose difference is at most −0.2.
    await page.getByRole('button', { name: 'Where Demo, re-scored is worse' }).click();
    const worse = expected.differences.filter((entry) => entry.difference <= -0.2);
    await expect(page.getByTestId('compare-summary')).toContainText(
      `In this view (${worse.length})`,
    );
    await expect(page).toHaveURL(/diff=\.\.-0\.2/, { timeout: 5000 });
    if (worse.length > 0) {
      const cells = await tableRows(page)
        .locator('[data-difference]')
        .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute('data-difference'))));
      for (const value of cells) expect(value).toBeLessThanOrEqual(-0.2);
    }
    await inEveryLook(page, async ({ size, scheme }) => {
      await screenshot(page, `compare-browse-${size}-${scheme}`);
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await expectAccessible(page);

    // The comparison is a permalink: a fresh page at the URL shows the same view.
    const url = page.url();
    await page.goto('about:blank');
    await page.goto(url);
    await expect(page.getByTestId('compare-summary')).toContainText(
      `In this view (${worse.length})`,
    );

    // Open the neuron with the largest loss: both datasets' explanations and scores side by side.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    const [layer, neuron] = expected.differences[0]!.key.split(':');
    await tableRows(page).first().getByRole('link').click();
    await expect(page).toHaveURL(
      new RegExp(`#/d/demo/layers/${layer}/neurons/${neuron}\\?vs=demo-rescored$`),
    );
    const fileA = (await (
      await page.request.get(`datasets/demo/explanations/${layer}/${neuron}.jsonl`)
    ).json()) as NeuronSimulationResults;
    const fileB = (await (
      await page.request.get(`datasets/${RESCORED}/explanations/${layer}/${neuron}.jsonl`)
    ).json()) as NeuronSimulationResults;
    const section = page.getByRole('region', { name: /compared with Demo, re-scored$/ });
    const sideA = section.locator('[data-side="a"]');
    const sideB = section.locator('[data-side="b"]');
    const best = (file: NeuronSimulationResults) =>
      [...file.scored_explanations].sort(
        (x, y) =>
          (y.scored_simulation.ev_correlation_score ?? -Infinity) -
          (x.scored_simulation.ev_correlation_score ?? -Infinity),
      )[0]!;
    await expect(sideA).toContainText(best(fileA).explanation.trim());
    await expect(sideA).toContainText(
      best(fileA).scored_simulation.ev_correlation_score!.toFixed(3),
    );
    await expect(sideB).toContainText(best(fileB).explanation.trim());
    await expect(sideB).toContainText(
      best(fileB).scored_simulation.ev_correlation_score!.toFixed(3),
    );
    // The per-token diff: one record shown per common record (up to four), each token's
    // difference as B − A of the files' expected activations.
    await expect(section.getByTestId('token-diff-record').first()).toBeVisible();
    const recordA = best(fileA).scored_simulation.scored_sequence_simulations[0]!;
    const recordB = best(fileB).scored_simulation.scored_sequence_simulations.find(
      (record) =>
        record.simulation.tokens.join('\u0000') === recordA.simulation.tokens.join('\u0000'),
    );
    expect(recordB, 'the batch scored the same records').toBeDefined();
    const t = recordA.simulation.tokens.length - 1;
    const difference =
      recordB!.simulation.expected_activations[t]! - recordA.simulation.expected_activations[t]!;
    await expect(
      section.locator(`td[title*="difference ${difference.toFixed(2)}"]`).first(),
    ).toBeAttached();
    await inEveryLook(page, async ({ size, scheme }) => {
      await screenshot(page, `compare-neuron-${size}-${scheme}`);
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await expectAccessible(page);
  });

  test('save a list from a comparison, open its link, download it for a batch', async ({
    page,
  }) => {
    const expected = await expectedComparison(page.request);
    const worse = expected.differences.filter((entry) => entry.difference <= -0.2);
    test.skip(worse.length === 0, 'no neuron is worse by 0.2');
    await page.goto(`#/d/demo?vs=${RESCORED}&diff=..-0.2`);
    await expect(page.getByTestId('compare-summary')).toContainText(
      `In this view (${worse.length})`,
    );
    await page.getByRole('button', { name: `Save ${worse.length} as a list` }).click();
    await page.getByLabel('List name').fill('Worse after re-scoring');
    await page.getByLabel('Notes').fill('checked by the e2e test');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').getByRole('link', { name: 'Worse after re-scoring' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Worse after re-scoring');
    const listed = page.getByRole('list', { name: 'Neurons in the list' }).getByRole('link');
    const sortedKeys = worse
      .map((entry) => entry.key)
      .sort((x, y) => {
        const [la, na] = x.split(':').map(Number);
        const [lb, nb] = y.split(':').map(Number);
        return la! - lb! || na! - nb!;
      });
    await expect(listed).toHaveText(sortedKeys);

    // Kept in the browser: still there after a reload.
    await page.reload();
    await expect(listed).toHaveText(sortedKeys);

    // Download for a batch: one L/N a line, the name and notes as comments.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download for batch (.txt)' }).click();
    const file = readFileSync(await (await downloading).path(), 'utf8');
    expect(file.split('\n').filter((line) => line && !line.startsWith('#'))).toEqual(
      sortedKeys.map((key) => key.replace(':', '/')),
    );
    expect(file).toContain('# Worse after re-scoring\n# checked by the e2e test\n');

    // Share: the link opens the list in a fresh browser context (no stored lists there).
    await page.getByRole('button', { name: 'Share link' }).click();
    const link = await page.getByLabel('Link to this list').inputValue();
    await inEveryLook(page, async ({ size, scheme }) => {
      await screenshot(page, `list-${size}-${scheme}`);
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await expectAccessible(page);
    const other = await page.context().browser()!.newContext();
    const fresh = await other.newPage();
    await fresh.goto(link);
    await expect(fresh.getByRole('heading', { level: 1 })).toHaveText('Worse after re-scoring');
    await expect(
      fresh.getByRole('list', { name: 'Neurons in the list' }).getByRole('link'),
    ).toHaveText(sortedKeys);
    await fresh.getByRole('button', { name: 'Save to my lists' }).click();
    await expect(fresh.getByRole('heading', { level: 1 })).toHaveText('Worse after re-scoring');
    await fresh.goto(link.replace(/#.*$/, '#/lists'));
    await expect(fresh.getByRole('list', { name: 'Your lists' })).toContainText(
      `${sortedKeys.length} neurons`,
    );
    await other.close();
  });

  test('a list typed by hand; a neuron added from its page', async ({ page }) => {
    await page.goto('#/lists');
    await page.getByLabel('Name', { exact: true }).fill('By hand');
    await page.getByLabel(/^Neurons, one a line/).fill('1/3\n0:2\n# a comment\nnot a neuron');
    await page.getByRole('button', { name: 'Save list' }).click();
    await expect(page.getByRole('alert')).toContainText('Line 4');
    await page.getByLabel(/^Neurons, one a line/).fill('1/3\n0:2\n# a comment');
    await page.getByRole('button', { name: 'Save list' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('By hand');
    const id = /#\/lists\/([^/?]+)/.exec(page.url())![1]!;
    await page.goto('#/d/demo/layers/1/neurons/5');
    await page.getByLabel('Add to list').selectOption({ label: 'By hand' });
    await page.getByRole('button', { name: 'Add 1:5' }).click();
    await page.goto(`#/lists/${id}`);
    await expect(
      page.getByRole('list', { name: 'Neurons in the list' }).getByRole('link'),
    ).toHaveText(['0:2', '1:3', '1:5']);
  });

  test('export the browse view and the comparison as CSV and JSON', async ({ page }) => {
    const { a } = await expectedComparison(page.request);
    await page.goto('#/d/demo?sort=score');
    await expect(page.getByTestId('browse-results')).toHaveAttribute('data-complete', 'true', {
      timeout: 30_000,
    });
    const rows = Number(await page.getByTestId('browse-results').getAttribute('data-rows'));
    const exportGroup = page.getByRole('group', { name: 'Export this view' });

    let downloading = page.waitForEvent('download');
    await exportGroup.getByRole('button', { name: 'CSV' }).click();
    let download = await downloading;
    expect(download.suggestedFilename()).toBe('demo-view.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'layer,neuron,explanation,ev_correlation_score,max_activation,has_records',
    );

    downloading = page.waitForEvent('download');
    await exportGroup.getByRole('button', { name: 'JSON' }).click();
    download = await downloading;
    const json = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      layer: number;
      neuron: number;
      explanation: string | null;
      ev_correlation_score: number | null;
    }[];
    expect(json).toHaveLength(rows);
    // The view's order (best score first), and every row's values as the layer indexes say.
    for (let i = 1; i < json.length; i++) {
      const [x, y] = [json[i - 1]!.ev_correlation_score, json[i]!.ev_correlation_score];
      if (x !== null && y !== null) expect(x).toBeGreaterThanOrEqual(y);
    }
    for (const row of json) {
      const known = a.scores.get(`${row.layer}:${row.neuron}`)!;
      expect(row.ev_correlation_score).toBe(known.score);
      expect(row.explanation).toBe(known.explanation);
    }
    // Records end in CRLF; the demo's explanations hold no line break.
    expect(lines).toHaveLength(rows + 1);
    await expect(exportGroup.getByRole('status')).toContainText(`Saved ${rows} rows`);

    // The comparison exports its own columns.
    await page.goto(`#/d/demo?vs=${RESCORED}`);
    downloading = page.waitForEvent('download');
    await page
      .getByRole('group', { name: 'Export this view' })
      .getByRole('button', { name: 'JSON' })
      .click();
    download = await downloading;
    expect(download.suggestedFilename()).toBe('demo-vs-demo-rescored.json');
    const compared = JSON.parse(readFileSync(await download.path(), 'utf8')) as Record<
      string,
      unknown
    >[];
    expect(Object.keys(compared[0]!)).toEqual([
      'layer',
      'neuron',
      'explanation',
      'ev_correlation_score',
      'vs_explanation',
      'vs_ev_correlation_score',
      'difference',
    ]);
  });
});
