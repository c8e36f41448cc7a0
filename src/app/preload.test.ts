import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeNetwork, testQueryClient } from './test-utils.tsx';
import { preloadForLocation } from './preload.ts';

afterEach(() => vi.unstubAllGlobals());

function requested(fetchMock: ReturnType<typeof fakeNetwork>): string[] {
  return fetchMock.mock.calls.map(([url]) => String(url));
}

describe('preloadForLocation', () => {
  it('fetches the manifest and the neuron’s files together for a release permalink', async () => {
    const fetchMock = fakeNetwork({
      'datasets/index.json': { default: 'real', datasets: [] },
    });
    await preloadForLocation(testQueryClient(), '#/layers/1/neurons/2?view=overlay');
    await vi.waitFor(() =>
      expect(requested(fetchMock)).toEqual(
        expect.arrayContaining([
          'datasets/index.json',
          'datasets/real/manifest.json',
          'datasets/real/explanations/1/2.jsonl',
          'datasets/real/collated-activations/1/2.json',
        ]),
      ),
    );
  });

  it('does not wait for the dataset list when the URL names the dataset', async () => {
    const fetchMock = fakeNetwork({});
    await preloadForLocation(testQueryClient(), '#/d/demo/layers/0/neurons/5');
    await vi.waitFor(() =>
      expect(requested(fetchMock)).toContain('datasets/demo/collated-activations/0/5.json'),
    );
  });

  it('fetches no neuron files elsewhere', async () => {
    const fetchMock = fakeNetwork({});
    await preloadForLocation(testQueryClient(), '#/d/demo');
    expect(requested(fetchMock).filter((url) => url.includes('neurons'))).toEqual([]);
  });
});
