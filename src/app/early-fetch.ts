/**
 * Runs inline in index.html's head, before the app's JavaScript has even downloaded (vite.config.ts
 * bundles it with what it imports and writes it into the page): for a neuron permalink it starts
 * the page's data requests (the dataset list, then the manifest and the neuron's records and
 * explanation), preloads the neuron page's code, and once the files are in draws the page's first
 * screen (./first-screen.ts) while the app's code is still loading. The app takes these responses
 * instead of fetching again (takeEarlyFetch in ./data/http.ts). URLs come from the same module the
 * app builds them with, so the two cannot drift apart. A Your text address opened directly is
 * loaded again as the cross-origin isolated document the model needs for threads (see
 * ./yourtext/isolation.ts).
 */
import {
  DATASET_LIST_URL,
  defaultDatasetOf,
  FIRST_NEURON_FILES,
  manifestUrl,
  neuronFileUrl,
  parseRouteHash,
  type NeuronAddress,
} from '../core/address/address.ts';
import { datasetLineOf, documentTheme, firstScreenHtml, type DatasetLine } from './first-screen.ts';
import { isolatedHref, opensIsolated } from './yourtext/isolation.ts';

/**
 * Filled in at build time ([rel, href] pairs): the app's code, which the entry runs once the first
 * screen is drawn, and the neuron page's chunks and styles.
 */
const APP_FILES: unknown = '__APP_FILES__';
const NEURON_PAGE_FILES: unknown = '__NEURON_PAGE_FILES__';

/**
 * What the last visit learnt, so that a return visit draws at once: the default dataset the list
 * named (a release-form permalink names none) and each dataset's line above the neuron's name
 * (title and layers, from its manifest). Both only guide the first paint: the list and manifest
 * are still fetched, and the app renders from them.
 */
const REMEMBERED_KEY = 'neuron-explorer.first-screen';

interface Remembered {
  defaultDataset?: string;
  datasets?: Record<string, DatasetLine>;
}

function remembered(): Remembered {
  try {
    return (JSON.parse(localStorage.getItem(REMEMBERED_KEY) ?? '{}') as Remembered) ?? {};
  } catch {
    return {};
  }
}

function remember(change: (memory: Remembered) => Remembered): void {
  try {
    localStorage.setItem(REMEMBERED_KEY, JSON.stringify(change(remembered())));
  } catch {
    // Storage full or off: the next visit waits for the list and manifest.
  }
}

const early: Record<string, Promise<Response>> = (window.__earlyFetches = {});

function get(url: string, init?: RequestInit): Promise<Response> {
  const response = fetch(url, init);
  early[url] = response;
  return response;
}

function neuronFiles(dataset: string, address: NeuronAddress): void {
  if (early[manifestUrl(dataset)]) return;
  // Started, not awaited: the app takes each request from `early` and reads its answer.
  // The records first: the first screen is drawn from them.
  for (const kind of FIRST_NEURON_FILES) void get(neuronFileUrl(dataset, kind, address));
  void get(manifestUrl(dataset), { cache: 'no-cache' });
}

/** A response's text (from a copy: the app reads the body itself); null for a 404. */
async function text(response: Promise<Response> | undefined): Promise<string | null> {
  const answer = await response;
  if (answer?.status === 404) return null;
  if (!answer?.ok) throw new Error('no file');
  return answer.clone().text();
}

/** The dataset's line: remembered, else read from its manifest (and remembered for next time). */
async function datasetLine(dataset: string): Promise<DatasetLine | null> {
  const known = remembered().datasets?.[dataset];
  if (known) return known;
  const manifest = await text(early[manifestUrl(dataset)]);
  const line = manifest === null ? null : datasetLineOf(manifest);
  if (line)
    remember((memory) => ({ ...memory, datasets: { ...memory.datasets, [dataset]: line } }));
  return line;
}

/**
 * Runs `work` in a task after the frame that paints what was just drawn, behind the page's other
 * tasks (input, messages): the app's code starts once the first screen is on screen and then
 * takes a while, so it waits its turn (a background-priority task where the browser has the
 * Prioritized Task Scheduling API).
 */
function afterPaint(work: () => void): void {
  requestAnimationFrame(() => {
    const { scheduler } = window as {
      scheduler?: { postTask?: (task: () => void, options: { priority: string }) => unknown };
    };
    if (scheduler?.postTask) void scheduler.postTask(work, { priority: 'background' });
    else setTimeout(work, 0);
  });
}

const painting = new Set<string>();

/**
 * The app's code waits for this (see main.tsx): settled once the first screen is drawn, or every
 * attempt has given up, or FIRST_SCREEN_WAIT has passed (the files are slow: the app may as well
 * get ready meanwhile).
 */
const FIRST_SCREEN_WAIT = 1000;
let settleFirstScreen = () => {};
let attempts = 0;
let waitingForList = false;
function attemptOver(painted: boolean): void {
  attempts--;
  if (painted || (attempts === 0 && !waitingForList)) settleFirstScreen();
}

/**
 * Draws the neuron's first screen (./first-screen.ts) into index.html's placeholder page once its
 * files are in, unless the app has already rendered.
 */
function paintFirstScreen(dataset: string, address: NeuronAddress): void {
  if (painting.has(dataset)) return;
  painting.add(dataset);
  attempts++;
  // The explanation is drawn if it is in by the time the records are, not waited for: a neuron
  // without one answers 404, which no cache keeps (the header keeps its room either way).
  let explanations: string | null | undefined;
  text(early[neuronFileUrl(dataset, 'explanations', address)]).then(
    (answer) => (explanations = answer),
    () => {},
  );
  Promise.all([
    datasetLine(dataset),
    text(early[neuronFileUrl(dataset, 'collated-activations', address)]),
  ])
    .then(([line, records]) => {
      const html =
        line === null || records === null
          ? null
          : firstScreenHtml(address, { line, explanations, records }, documentTheme());
      const paint = () => {
        const screen = document.getElementById('first-screen');
        if (!html || !screen) {
          attemptOver(false);
          return;
        }
        screen.innerHTML = html;
        screen.setAttribute('aria-busy', 'false');
        afterPaint(() => attemptOver(true));
      };
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', paint);
      else paint();
    })
    .catch(() => {
      // The app loads, checks and shows the files itself, and says what is wrong with them.
      attemptOver(false);
    });
}

function preload(files: unknown): void {
  if (!Array.isArray(files)) return;
  for (const [rel, href] of files as [string, string][]) {
    const link = document.createElement('link');
    link.rel = rel === 'style' ? 'preload' : rel;
    if (rel === 'style') link.as = 'style';
    // As Vite will ask for it, or the browser fetches it twice.
    link.crossOrigin = '';
    link.href = href;
    document.head.appendChild(link);
  }
}

const route = parseRouteHash(location.hash);
const fetchList = () => fetch(DATASET_LIST_URL, { cache: 'no-cache' });
if (route?.page === 'text' && opensIsolated(false)) {
  // A Your text address opened directly: load it as the document the model runs threaded in
  // (./yourtext/isolation.ts) before anything else loads; the app's code never starts here.
  window.__firstScreen = new Promise<void>(() => {});
  location.replace(isolatedHref(location.hash.slice(1)));
} else if (route?.page === 'neuron' && route.address) {
  const address = route.address;
  // The code comes after the files the first screen is drawn from: on a busy server a dozen
  // script requests ahead of them held the first paint back.
  window.__firstScreen = new Promise<void>((done) => {
    settleFirstScreen = done;
    setTimeout(done, FIRST_SCREEN_WAIT);
  }).then(() => {
    preload(APP_FILES);
    preload(NEURON_PAGE_FILES);
  });
  if (route.dataset !== null) {
    neuronFiles(route.dataset, address);
    early[DATASET_LIST_URL] = fetchList();
    paintFirstScreen(route.dataset, address);
  } else {
    // The release form names no dataset: the list says which is the default. What index.html
    // names (the server writes it there) or else what the last visit learnt goes first. The app
    // gets the list only once this neuron's requests have started, so it never asks twice.
    const guess = defaultDatasetOf(document) ?? remembered().defaultDataset;
    waitingForList = true;
    if (guess) {
      neuronFiles(guess, address);
      paintFirstScreen(guess, address);
    }
    early[DATASET_LIST_URL] = fetchList().then(async (response) => {
      try {
        if (response.ok) {
          const datasets = JSON.parse(await response.clone().text()) as { default?: unknown };
          const actual = datasets.default;
          if (typeof actual === 'string') {
            neuronFiles(actual, address);
            paintFirstScreen(actual, address);
            if (actual !== guess) remember((memory) => ({ ...memory, defaultDataset: actual }));
          }
        }
      } catch {
        // The app reads the list itself, and says what is wrong with it.
      }
      waitingForList = false;
      if (attempts === 0) settleFirstScreen();
      return response;
    });
  }
} else {
  early[DATASET_LIST_URL] = fetchList();
  preload(APP_FILES);
}
