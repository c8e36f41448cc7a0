/** Helpers shared by the e2e specs. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import type { DatasetList, DatasetManifest, LayerIndex } from '../../src/core/dataset/types.ts';
import { realDataDir } from '../real-data.ts';
import type { OpenAiTestServer } from '../support/openai-test-server.ts';
import {
  startServerWithTestLlm,
  type RunningServer,
  type ServerWithTestLlm,
} from './environment.ts';

export const SCREENSHOT_DIR = join(import.meta.dirname, '../../test-results/screenshots');

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface Look {
  size: 'desktop' | 'phone';
  scheme: 'light' | 'dark';
  viewport: { width: number; height: number };
}

/** Runs `visit` in each look screenshots are taken in: desktop and phone width, light and dark. */
export async function inEveryLook(page: Page, visit: (look: Look) => Promise<void>) {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await visit({ size, scheme, viewport });
    }
  }
}

export async function datasetList(request: APIRequestContext): Promise<DatasetList> {
  const response = await request.get('datasets/index.json');
  expect(response.ok()).toBe(true);
  return (await response.json()) as DatasetList;
}

/** Whether the server lists dataset `id` (GPT-2 XL only where the real data was ingested). */
export async function hasDataset(request: APIRequestContext, id: string): Promise<boolean> {
  return (await datasetList(request)).datasets.some((entry) => entry.id === id);
}

/**
 * For a test on GPT-2 XL: skipped on a machine without the real data; where the data is, the
 * server must serve GPT-2 XL (a skip there would hide a broken ingest).
 */
export async function needsRealGpt2Xl(request: APIRequestContext) {
  test.skip(realDataDir() === null, 'no real GPT-2 XL data on this machine');
  expect(await hasDataset(request, 'gpt2-xl'), 'the real data is here: GPT-2 XL is served').toBe(
    true,
  );
}

/** The neuron page's "Test an explanation" panel (simulate, explain and score)... */
export function testPanel(page: Page): Locator {
  return page.getByRole('region', { name: 'Test an explanation' });
}

/** ...and a CSS selector of it, for `expectAccessible(page, TEST_PANEL)`. */
export const TEST_PANEL = 'section[aria-labelledby="simulate-heading"]';

/** A neuron of the dataset with an explanation and records, from its layer indexes. */
export async function completeNeuron(
  request: APIRequestContext,
  dataset: string,
): Promise<{ layer: number; neuron: number } | null> {
  const manifest = (await (
    await request.get(`datasets/${dataset}/manifest.json`)
  ).json()) as DatasetManifest;
  for (const summary of manifest.layers) {
    if (summary.explained === 0 || summary.withRecords === 0) continue;
    const index = (await (
      await request.get(`datasets/${dataset}/${summary.index}`)
    ).json()) as LayerIndex;
    const i = index.neurons.findIndex(
      (_, k) => index.hasRecords[k] === 1 && index.explanations[k] !== null,
    );
    if (i >= 0) return { layer: summary.layer, neuron: index.neurons[i]! };
  }
  return null;
}

/** Waits until every skeleton has been replaced by content. */
export async function settled(page: Page) {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.skeleton')).toHaveCount(0);
}

/**
 * No serious or critical accessibility violation (axe-core, WCAG 2 A/AA rules and best practice)
 * on the page, or only inside the elements `within` (a CSS selector) selects.
 */
export async function expectAccessible(page: Page, within?: string) {
  const axe = new AxeBuilder({ page });
  const results = await (within === undefined ? axe : axe.include(within)).analyze();
  const bad = results.violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
  const summary = bad.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help}\n  ${violation.nodes
        .slice(0, 5)
        .map((node) => node.target.join(' '))
        .join('\n  ')}`,
  );
  expect(summary, `axe-core serious/critical violations${within ? ` in ${within}` : ''}`).toEqual(
    [],
  );
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * For the tests of the describe block it is called in: a second server whose LLM is the
 * OpenAI-compatible test server (environment.ts startServerWithTestLlm), started before them and
 * stopped after.
 */
export function serverWithTestLlm(options: Parameters<typeof startServerWithTestLlm>[0]): {
  readonly llm: OpenAiTestServer;
  readonly server: RunningServer;
} {
  let running: ServerWithTestLlm | undefined;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    running = await startServerWithTestLlm(options);
  });
  test.afterAll(async () => {
    await running?.stop();
  });
  const started = () => {
    if (!running) throw new Error('the server with the test LLM has not started');
    return running;
  };
  return {
    get llm() {
      return started().llm;
    },
    get server() {
      return started().server;
    },
  };
}
