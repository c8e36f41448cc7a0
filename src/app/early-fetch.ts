/**
 * Runs inline in index.html's head, before the app's JavaScript has even downloaded (vite.config.ts
 * bundles it with what it imports and writes it into the page): for a neuron permalink it starts
 * the page's data requests (the dataset list, then the manifest and the neuron's records and
 * explanation) and preloads the neuron page's code. The app takes these responses instead of
 * fetching again (takeEarlyFetch in ./data/http.ts). URLs come from the same module the app builds
 * them with, so the two cannot drift apart.
 */
import {
  DATASET_LIST_URL,
  FIRST_NEURON_FILES,
  manifestUrl,
  neuronFileUrl,
  parseRouteHash,
  type NeuronAddress,
} from '../core/address/address.ts';

/** Filled in at build time with the neuron page's chunks and styles ([rel, href] pairs). */
const NEURON_PAGE_FILES: unknown = '__NEURON_PAGE_FILES__';

/**
 * The default dataset the list named last time: a release-form permalink (which names no dataset)
 * starts its requests at once with it, instead of after the list, and the list only corrects it.
 */
const DEFAULT_DATASET_KEY = 'neuron-explorer.default-dataset';

const early: Record<string, Promise<Response>> = (window.__earlyFetches = {});

function get(url: string, init?: RequestInit): Promise<Response> {
  const response = fetch(url, init);
  early[url] = response;
  return response;
}

function neuronFiles(dataset: string, address: NeuronAddress): void {
  if (early[manifestUrl(dataset)]) return;
  get(manifestUrl(dataset), { cache: 'no-cache' });
  for (const kind of FIRST_NEURON_FILES) get(neuronFileUrl(dataset, kind, address));
}

function preloadNeuronPage(): void {
  if (!Array.isArray(NEURON_PAGE_FILES)) return;
  for (const [rel, href] of NEURON_PAGE_FILES as [string, string][]) {
    const link = document.createElement('link');
    link.rel = rel === 'style' ? 'preload' : rel;
    if (rel === 'style') link.as = 'style';
    // As Vite will ask for it, or the browser fetches it twice.
    link.crossOrigin = '';
    link.href = href;
    document.head.appendChild(link);
  }
}

function readDefault(): string | null {
  try {
    return localStorage.getItem(DEFAULT_DATASET_KEY);
  } catch {
    return null;
  }
}

function writeDefault(dataset: string): void {
  try {
    localStorage.setItem(DEFAULT_DATASET_KEY, dataset);
  } catch {
    // Storage full or off: the next visit waits for the list.
  }
}

const route = parseRouteHash(location.hash);
const list = fetch(DATASET_LIST_URL, { cache: 'no-cache' });
if (route?.page === 'neuron' && route.address) {
  const address = route.address;
  preloadNeuronPage();
  if (route.dataset !== null) {
    early[DATASET_LIST_URL] = list;
    neuronFiles(route.dataset, address);
  } else {
    // The release form names no dataset: the list says which is the default (a guess from last
    // time goes first). The app gets the list only once this neuron's requests have started, so
    // it never asks for them twice.
    const remembered = readDefault();
    if (remembered) neuronFiles(remembered, address);
    early[DATASET_LIST_URL] = list.then(async (response) => {
      try {
        if (response.ok) {
          const datasets = JSON.parse(await response.clone().text()) as { default?: unknown };
          if (typeof datasets.default === 'string') {
            neuronFiles(datasets.default, address);
            if (datasets.default !== remembered) writeDefault(datasets.default);
          }
        }
      } catch {
        // The app reads the list itself, and says what is wrong with it.
      }
      return response;
    });
  }
} else {
  early[DATASET_LIST_URL] = list;
}
