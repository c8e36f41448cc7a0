/**
 * The neuron page end to end, on the real server: GPT-2 XL ingested from the shared real data
 * (skipped when absent) and the generated demo dataset.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  completeNeuron,
  datasetList,
  DESKTOP,
  PHONE,
  SCREENSHOT_DIR,
  expectAccessible,
  hasDataset,
  needsRealGpt2Xl,
  inEveryLook,
  screenshot,
  settled,
} from './support.ts';

test.describe('GPT-2 XL, real data', () => {
  test.beforeEach(({ page }) => needsRealGpt2Xl(page.request));

  test('1/1 by its release permalink: the complete real record', async ({ page }) => {
    await page.goto('#/layers/1/neurons/1');
    await settled(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neuron 1:1');
    await expect(page.getByLabel('Dataset')).toHaveValue('gpt2-xl');

    // 1/1 has records but no explanation in the real data.
    await expect(page.getByText('No explanation for this neuron in this dataset.')).toBeVisible();
    const top = page.getByRole('region', { name: 'Top-activating records (50)' });
    const records = page.getByRole('region', { name: 'Samples by quantile and at random' });
    for (const [name, count] of [
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
    const firstRecord = top.getByRole('group', {
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
    await expect(top.getByRole('group', { name: /^Top-activating records, record/ })).toHaveCount(
      50,
    );
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
    // (Asked once by index.html's early fetch, again by the app's retry.)
    await page.route('**/collated-activations/1/1.json', (route) =>
      fail
        ? route.fulfill({
            status: 200,
            body: '{"neuron_id": {"layer_index": 1, "neuron_index": 1}, "most_',
          })
        : route.fallback(),
    );
    await page.goto('#/layers/1/neurons/1');
    const records = page.getByRole('region', { name: /^Top-activating records/ });
    await expect(records.getByRole('alert')).toContainText(
      'Could not load collated-activations/1/1.json',
    );
    fail = false;
    await records.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByRole('heading', { name: 'Top-activating records (50)' })).toBeVisible();
  });

  test('what a researcher came for comes first, on a desktop and on a phone', async ({ page }) => {
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await page.goto('#/layers/0/neurons/816');
      await settled(page);
      // The explanation and its score in the header, then the top records, within the first screen.
      const summary = page.locator('.neuron-summary');
      await expect(summary).toContainText('references to movies, characters, and entertainment.');
      await expect(summary).toContainText('score 0.34');
      const first = page.getByRole('group', { name: /^Top-activating records, record 1 of/ });
      const box = (await first.boundingBox())!;
      expect(box.y + 40, `first record's top on a ${viewport.width} px screen`).toBeLessThan(
        viewport.height,
      );
      // "On this page" reaches every section: the link moves focus to the section's heading.
      const links = page.getByRole('navigation', { name: 'On this page' }).getByRole('link');
      await expect(links).toHaveText([
        'Top records',
        'Explanations',
        'Test an explanation',
        'Samples',
        'Your text',
        'Check the model',
        'Statistics',
        'Related',
      ]);
      // Every link is on screen (none scrolled out of its row) on a desktop.
      if (viewport === DESKTOP) {
        for (const link of await links.all()) await expect(link).toBeInViewport({ ratio: 1 });
      }
      await links.filter({ hasText: 'Statistics' }).click();
      const heading = page.getByRole('heading', { level: 2, name: 'Statistics' });
      await expect(heading).toBeFocused();
      await expect(heading).toBeInViewport();
      await expect(page).toHaveURL(/#\/layers\/0\/neurons\/816$/);
    }
  });

  test('the first screen is drawn before the app has loaded, and nothing moves when it has', async ({
    page,
  }) => {
    // Hold the app's code back: what shows meanwhile comes from index.html alone.
    let held = Promise.resolve();
    let release = () => {};
    await page.route('**/assets/start-*.js', async (route) => {
      await held;
      await route.continue();
    });
    for (const viewport of [DESKTOP, PHONE]) {
      held = new Promise<void>((done) => (release = done));
      await page.goto('about:blank');
      await page.setViewportSize(viewport);
      await page.goto('#/layers/1/neurons/1', { waitUntil: 'commit' });
      const first = page.getByRole('group', { name: /^Top-activating records, record 1 of 50/ });
      await expect(first).toBeVisible();
      await expect(page.locator('#first-screen')).toHaveCount(1); // still index.html's screen
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neuron 1:1');
      await expect(first.getByText('transfers', { exact: true })).toBeVisible();
      const before = (await first.boundingBox())!;
      release();
      await expect(page.getByRole('navigation', { name: 'Neuron navigation' })).toBeVisible();
      await expect(page.locator('#first-screen')).toHaveCount(0); // the app's screen now
      const after = (await first.boundingBox())!;
      expect(after).toEqual(before);
    }
  });

  test('a permalink that names no dataset does not wait for the dataset list', async ({ page }) => {
    // A first visit (nothing remembered): index.html names the default dataset, so the neuron's
    // files are asked for at once. Hold the list back: the records show all the same.
    let release = () => {};
    const held = new Promise<void>((done) => (release = done));
    await page.route('**/datasets/index.json', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('#/layers/1/neurons/1', { waitUntil: 'commit' });
    const first = page.getByRole('group', { name: /^Top-activating records, record 1 of 50/ });
    await expect(first.getByText('transfers', { exact: true })).toBeVisible();
    release();
    await expect(page.getByRole('navigation', { name: 'Neuron navigation' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neuron 1:1');
  });

  test('a slow network shows the header and the page’s shape at once, not a blank page', async ({
    page,
  }) => {
    await page.route('**/assets/*.js', async (route) => {
      await new Promise((done) => setTimeout(done, 3000));
      await route.continue();
    });
    await page.goto('#/', { waitUntil: 'commit' });
    await expect(page.getByText('Neuron Explorer').first()).toBeVisible({ timeout: 1000 });
    await expect(page.locator('.skeleton').first()).toBeVisible({ timeout: 1000 });
  });

  test('overlay shows exactly the tokens, and marks simulations above the real maximum', async ({
    page,
  }) => {
    await page.goto('#/layers/0/neurons/816?view=overlay');
    await settled(page);
    const explanations = page.getByRole('region', { name: 'Explanations' });
    const sequences = explanations.getByRole('group', {
      name: /, real and simulated activations$/,
    });
    await expect(sequences).toHaveCount(4);
    // Each cell is as wide as its token's text: no gap creeps into "7:30" or after a comma.
    const widths = await sequences.evaluateAll((groups) =>
      groups.flatMap((group) =>
        [...group.querySelectorAll('[data-i]')].map((cell) => {
          const token = cell.lastElementChild!.getBoundingClientRect().width;
          return Math.abs(cell.getBoundingClientRect().width - token);
        }),
      ),
    );
    expect(Math.max(...widths)).toBeLessThan(0.5);
    await expect(
      explanations.getByText(/Simulated values reach 6\.8674, above the real maximum 3\.9922/),
    ).toBeVisible();
    expect(await sequences.locator('[data-over]').count()).toBeGreaterThan(0);

    await explanations.getByRole('button', { name: 'Side by side' }).click();
    const simulated = explanations.getByRole('group', { name: /, simulated activations$/ });
    expect(await simulated.locator('[data-over]').count()).toBeGreaterThan(0);
    await expect(explanations.getByRole('figure').first()).toContainText('3.9922 (sim. 6.8674)');
  });

  test('tiny negative activations read as the background; the maximum is full colour', async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('#/layers/1/neurons/1');
    await settled(page);
    const record = page.getByRole('group', { name: /^Top-activating records, record 1 of 50/ });
    const response = await page.request.get('datasets/gpt2-xl/collated-activations/1/1.json');
    const activations = (
      (await response.json()) as {
        most_positive_activation_records: { activations: number[] }[];
      }
    ).most_positive_activation_records[0]!.activations;
    const colours = await record
      .locator('[data-i]')
      .evaluateAll((tokens) => tokens.map((token) => getComputedStyle(token).backgroundColor));
    const distanceFromWhite = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number) as [number, number, number];
      return Math.hypot(255 - r, 255 - g, 255 - b);
    };
    const negatives = activations
      .map((value, i) => ({ value, colour: colours[i]! }))
      .filter(({ value }) => value < 0);
    expect(negatives.length).toBeGreaterThan(20);
    for (const { colour } of negatives) expect(distanceFromWhite(colour)).toBeLessThan(10);
    const top = activations.indexOf(Math.max(...activations));
    expect(colours[top]).toBe('rgb(217, 72, 15)');
  });

  test('quantile boundary labels on the histogram never overlap', async ({ page }) => {
    for (const viewport of [PHONE, DESKTOP]) {
      await page.setViewportSize(viewport);
      await page.goto('#/layers/1/neurons/1');
      await settled(page);
      const histogram = page
        .getByRole('region', { name: 'Statistics' })
        .getByRole('img', { name: /^Histogram of 12777/ });
      const boxes = await histogram.locator('g[class*="markers"] text').evaluateAll((labels) =>
        labels.map((label) => {
          const { left, right, top, bottom } = label.getBoundingClientRect();
          return { left, right, top, bottom };
        }),
      );
      expect(boxes).toHaveLength(4);
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]!, boxes[j]!];
          const overlap =
            a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
          expect(overlap, `labels ${i} and ${j} at ${viewport.width} px`).toBe(false);
        }
    }
  });

  test('leading zeros mean what they say: layers/05/neurons/0131 is 5:131', async ({ page }) => {
    await page.goto('#/layers/05/neurons/0131');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neuron 5:131');
    await expect(page).toHaveURL(/#\/layers\/5\/neurons\/131$/);
  });

  test('an unknown dataset is said at once, with the datasets there are', async ({ page }) => {
    const started = Date.now();
    await page.goto('#/d/nope/layers/1/neurons/1');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('No dataset “nope”');
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(page.getByRole('link', { name: 'GPT-2 XL' })).toHaveAttribute(
      'href',
      '#/d/gpt2-xl',
    );
    await expect(page.getByText(/HTTP 404/)).toHaveCount(0);
  });

  test('next explained neuron and next neuron with records, on sparse real data', async ({
    page,
  }) => {
    await page.goto('#/layers/1/neurons/1');
    await settled(page);
    // Neurons with records in the real data: 0:816, 1:1, then 6:3251.
    await page.keyboard.press(']');
    await expect(page).toHaveURL(/#\/layers\/6\/neurons\/3251$/, { timeout: 15_000 });
    await expect(page.getByRole('heading', { name: 'Top-activating records (4)' })).toBeVisible();
    await page.keyboard.press('[');
    await expect(page).toHaveURL(/#\/layers\/1\/neurons\/1$/, { timeout: 15_000 });
    await settled(page);
    await page.keyboard.press('Shift+ArrowRight');
    await expect(page).not.toHaveURL(/#\/layers\/1\/neurons\/1$/, { timeout: 15_000 });
    await settled(page);
    await expect(page.locator('.neuron-summary q')).toBeVisible();
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

test.describe('"On this page" on every screen', () => {
  test('every section link fits the screen, and the page never scrolls sideways', async ({
    page,
  }) => {
    const list = await datasetList(page.request);
    const demo = list.datasets.find((entry) => entry.synthetic)!.id;
    const neuron = (await completeNeuron(page.request, demo))!;
    const path = `#/d/${demo}/layers/${neuron.layer}/neurons/${neuron.neuron}`;
    const tablet = { width: 800, height: 1000 };
    const narrow = { width: 320, height: 640 };
    for (const viewport of [DESKTOP, tablet, PHONE, narrow]) {
      await page.setViewportSize(viewport);
      await page.goto(path);
      await settled(page);
      const nav = page.getByRole('navigation', { name: 'On this page' });
      const links = nav.getByRole('link');
      await expect(links).toHaveCount(8);
      const width = `${viewport.width} px`;
      // Each link whole on screen, none cut off or pushed out of its row.
      for (const link of await links.all()) {
        const box = (await link.boundingBox())!;
        expect(box.x, `${await link.textContent()} at ${width}`).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, `${await link.textContent()} at ${width}`).toBeLessThanOrEqual(
          viewport.width,
        );
        await expect(link).toBeVisible();
      }
      // Nothing in the bar is clipped, and the page is no wider than the screen.
      const overflow = await nav.evaluate((element) => {
        const clipped = [element, ...element.querySelectorAll('*')].some(
          (child) =>
            child.scrollWidth > child.clientWidth + 1 ||
            child.scrollHeight > child.clientHeight + 1,
        );
        const { scrollWidth } = document.documentElement;
        return { clipped, scrollWidth };
      });
      expect(overflow.clipped, `a link hidden in an overflow at ${width}`).toBe(false);
      expect(overflow.scrollWidth, `the page's width at ${width}`).toBeLessThanOrEqual(
        viewport.width,
      );
      // On a desktop the links take one row.
      if (viewport === DESKTOP) {
        const tops = new Set(
          await Promise.all((await links.all()).map(async (l) => (await l.boundingBox())!.y)),
        );
        expect(tops.size).toBe(1);
      }
    }
    // The first screen down to the records below the links, in each look.
    await inEveryLook(page, async ({ size, scheme, viewport }) => {
      await page.goto(path);
      await settled(page);
      const nav = page.getByRole('navigation', { name: 'On this page' });
      const box = (await nav.boundingBox())!;
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({
        path: join(SCREENSHOT_DIR, `section-links-${size}-${scheme}.png`),
        clip: { x: 0, y: 0, width: viewport.width, height: box.y + box.height + 120 },
      });
    });
  });
});

test.describe('a neuron in a comparison (?vs=)', () => {
  const RESCORED = 'demo-rescored';
  test.beforeEach(async ({ page }) => {
    test.skip(!(await hasDataset(page.request, RESCORED)), 'no re-scored demo (E2E_DATA_DIR)');
  });

  test('stepping keeps the comparison and the view, not the explanation or a test', async ({
    page,
  }) => {
    const compared = page.getByRole('region', { name: /compared with Demo, re-scored$/ });
    const at = async (layer: number, neuron: number) => {
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Neuron ${layer}:${neuron}`);
      // The comparison stays, and so does the overlay; what was for one neuron does not.
      await expect(page).toHaveURL(
        new RegExp(`#/d/demo/layers/${layer}/neurons/${neuron}\\?vs=${RESCORED}&view=overlay$`),
      );
      await expect(compared).toBeVisible();
    };
    await page.goto(
      `#/d/demo/layers/1/neurons/2?vs=${RESCORED}&view=overlay&explanation=2&test=cats&scorers=fuzzing`,
    );
    await expect(compared).toBeVisible();
    await page.getByRole('link', { name: 'Next neuron: 1:3' }).click();
    await at(1, 3);
    await page.getByRole('link', { name: 'Previous neuron: 1:2' }).click();
    await at(1, 2);
    await page.keyboard.press('ArrowRight');
    await at(1, 3);
    await page.keyboard.press('ArrowDown');
    await at(2, 3);
    await page.keyboard.press('ArrowLeft');
    await at(2, 2);
    // The seeks look through the layer indexes: wherever they lead, the comparison comes along.
    for (const [key, button] of [
      ['Shift+ArrowRight', /^Next explained neuron/],
      ['Shift+ArrowLeft', /^Previous explained neuron/],
      [']', /^Next neuron with records/],
      ['[', /^Previous neuron with records/],
    ] as const) {
      const from = page.url();
      await page.keyboard.press(key);
      await expect(page).not.toHaveURL(from);
      await expect(page).toHaveURL(new RegExp(`\\?vs=${RESCORED}&view=overlay$`));
      await expect(compared).toBeVisible();
      const again = page.url();
      await page.getByRole('button', { name: button }).click();
      await expect(page).not.toHaveURL(again);
      await expect(page).toHaveURL(new RegExp(`\\?vs=${RESCORED}&view=overlay$`));
      await expect(compared).toBeVisible();
    }
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
