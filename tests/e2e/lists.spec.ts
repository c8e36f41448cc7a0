/**
 * A list belongs to the dataset it was made in: its page opens there, so the header and the page
 * name the same dataset and its links open that dataset's neurons; the header can show the same
 * neurons in another dataset, and the page then says so.
 */
import { expect, test, type Page } from '@playwright/test';
import { datasetList, expectAccessible, inEveryLook, screenshot } from './support.ts';

const RESCORED = 'demo-rescored';

async function makeList(page: Page, dataset: string, name: string) {
  await page.goto(`#/d/${dataset}/lists`);
  await expect(page.getByLabel('Dataset')).toHaveValue(dataset);
  await expect(page.getByText(/^Of neurons in .*, the dataset in the header\.$/)).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(/^Neurons, one a line/).fill('1/2\n1:3\n# a comment\n2 5');
  await page.getByRole('button', { name: 'Save list' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  return page.url().split('/lists/')[1]!;
}

const neuronLinks = (page: Page) =>
  page.getByRole('list', { name: 'Neurons in the list' }).getByRole('link');

test.describe('a list and its dataset', () => {
  test.beforeEach(async ({ page }) => {
    const list = await datasetList(page.request);
    test.skip(
      !list.datasets.some((entry) => entry.id === RESCORED),
      'no re-scored demo (E2E_DATA_DIR)',
    );
    test.skip(list.default === RESCORED, 'the re-scored demo is the default dataset');
  });

  test('opens in its own dataset whatever the header showed, and says where its links go', async ({
    page,
  }) => {
    const id = await makeList(page, RESCORED, 'Re-scored picks');
    const { default: fallback, datasets } = await datasetList(page.request);
    const demoTitle = datasets.find((entry) => entry.id === 'demo')!.title;
    const escaped = demoTitle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

    // Opened from the lists page, where the header shows the default dataset: the list's page
    // moves to the list's own dataset, and header, words and links agree.
    await page.goto('#/lists');
    await expect(page.getByLabel('Dataset')).toHaveValue(fallback);
    const entry = page.getByRole('list', { name: 'Your lists' }).getByRole('listitem');
    await expect(entry).toContainText(/in Demo, re-scored/);
    await entry.getByRole('link', { name: 'Re-scored picks' }).click();
    await expect(page).toHaveURL(new RegExp(`#/d/${RESCORED}/lists/${id}$`));
    await expect(page.getByLabel('Dataset')).toHaveValue(RESCORED);
    const note = page.getByTestId('list-dataset');
    await expect(note).toHaveText(/^Neurons of Demo, re-scored.*, where the list was made\.$/);
    await expect(neuronLinks(page)).toHaveText(['1:2', '1:3', '2:5']);
    for (const link of await neuronLinks(page).all()) {
      await expect(link).toHaveAttribute('href', new RegExp(`^#/d/${RESCORED}/layers/`));
    }
    // An old link without the dataset opens the same way.
    await page.goto(`#/lists/${id}`);
    await expect(page).toHaveURL(new RegExp(`#/d/${RESCORED}/lists/${id}$`));
    await expect(page.getByLabel('Dataset')).toHaveValue(RESCORED);

    // The header chooses another dataset: the page stays, its links open the same neurons
    // there, and it says that they are the list's neurons in another dataset than its own.
    await page.getByLabel('Dataset').selectOption('demo');
    await expect(page).toHaveURL(new RegExp(`#/d/demo/lists/${id}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Re-scored picks');
    await expect(note).toHaveText(
      new RegExp(
        `^Made in Demo, re-scored.*; its links open these neurons in ${escaped}.*, the dataset in the header\\. Open them in Demo, re-scored`,
      ),
    );
    for (const link of await neuronLinks(page).all()) {
      await expect(link).toHaveAttribute('href', /^#\/d\/demo\/layers\//);
    }
    await neuronLinks(page).first().click();
    await expect(page).toHaveURL(/#\/d\/demo\/layers\/1\/neurons\/2$/);
    await expect(page.getByLabel('Dataset')).toHaveValue('demo');
    await page.goBack();
    await inEveryLook(page, async ({ size, scheme }) => {
      await screenshot(page, `list-other-dataset-${size}-${scheme}`);
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await expectAccessible(page);
    await note.getByRole('link', { name: /^Open them in Demo, re-scored/ }).click();
    await expect(page).toHaveURL(new RegExp(`#/d/${RESCORED}/lists/${id}$`));
    await expect(page.getByLabel('Dataset')).toHaveValue(RESCORED);
  });

  test('a shared link opens in the list’s dataset for whoever opens it', async ({ page }) => {
    await makeList(page, RESCORED, 'Shared re-scored picks');
    await page.getByRole('button', { name: 'Share link' }).click();
    const link = await page.getByLabel('Link to this list').inputValue();
    expect(link).toContain('#/lists/shared?');
    const other = await page.context().browser()!.newContext();
    try {
      const fresh = await other.newPage();
      await fresh.goto(link);
      await expect(fresh.getByRole('heading', { level: 1 })).toHaveText('Shared re-scored picks');
      await expect(fresh).toHaveURL(new RegExp(`#/d/${RESCORED}/lists/shared\\?`));
      await expect(fresh.getByLabel('Dataset')).toHaveValue(RESCORED);
      await expect(neuronLinks(fresh).first()).toHaveAttribute(
        'href',
        new RegExp(`^#/d/${RESCORED}/layers/1/neurons/2$`),
      );
      await fresh.getByRole('button', { name: 'Save to my lists' }).click();
      await expect(fresh).toHaveURL(new RegExp(`#/d/${RESCORED}/lists/[^/]+$`));
      await expect(fresh.getByLabel('Dataset')).toHaveValue(RESCORED);
    } finally {
      await other.close();
    }
  });
});
