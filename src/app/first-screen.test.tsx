import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import { datasetLineOf, firstScreenHtml } from './first-screen.ts';
import {
  explanationsFixture,
  manifestFixture,
  recordFixture,
  tinyDatasetFiles,
} from './neuron/fixtures.ts';
import { fakeNetwork, renderApp } from './test-utils.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const manifest = { ...manifestFixture, synthetic: false };

/** The first screen index.html draws before the app has loaded, as a document fragment. */
function drawn(explanations: string | null | undefined) {
  const line = datasetLineOf(JSON.stringify(manifest))!;
  const html = firstScreenHtml(
    { layer: 1, neuron: 2 },
    { line, explanations, records: JSON.stringify(recordFixture) },
    'light',
  );
  const host = document.createElement('div');
  host.innerHTML = html!;
  return host;
}

describe('the first screen drawn before the app loads', () => {
  it('is the app’s own first screen: same header, same top records, same markup', async () => {
    fakeNetwork({ ...tinyDatasetFiles(), 'datasets/tiny/manifest.json': manifest });
    renderApp('/layers/1/neurons/2');
    const top = await screen.findByRole('region', { name: /^Top-activating records/ });
    const early = drawn(JSON.stringify(explanationsFixture));
    const page = screen.getByRole('article');
    for (const selector of ['.neuron-eyebrow', 'h1', '.neuron-summary', '#section-top h2']) {
      expect(early.querySelector(selector)!.innerHTML, selector).toBe(
        page.querySelector(selector)!.innerHTML,
      );
    }
    expect(early.querySelector('.record-list')!.innerHTML).toBe(
      top.querySelector('.record-list')!.innerHTML,
    );
    expect(early.querySelector('.more-button')!.textContent).toBe('Show all 7');
  });

  it('keeps the explanation’s room when the explanation is not in yet, and says when there is none', () => {
    expect(drawn(undefined).querySelector('.neuron-summary .skeleton')).not.toBeNull();
    expect(drawn(null).querySelector('.neuron-summary')!.textContent).toBe('Not explained');
  });

  it('leaves the synthetic demo and unreadable files to the app', () => {
    expect(datasetLineOf(JSON.stringify(manifestFixture))).toBeNull();
    const line = datasetLineOf(JSON.stringify(manifest))!;
    expect(
      firstScreenHtml(
        { layer: 1, neuron: 2 },
        { line, explanations: null, records: '{}' },
        'light',
      ),
    ).toBeNull();
    expect(() =>
      firstScreenHtml(
        { layer: 1, neuron: 2 },
        { line, explanations: null, records: '{"a": NaN' },
        'light',
      ),
    ).toThrow();
  });
});
