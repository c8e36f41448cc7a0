/**
 * Neuron addresses and the URLs built from them, in one place: what a user may type to name a
 * neuron, the app's route paths (inside the hash), and the dataset files' URLs. The router, the
 * route loaders, the search boxes, the neuron page and the early-fetch script in index.html (built
 * from src/app/early-fetch.ts) all read and write addresses through here, so they cannot disagree.
 *
 * Route paths:
 *
 *   /                                   browse the default dataset
 *   /d/<dataset>                        browse a named dataset
 *   /layers/L/neurons/N                 the release's permalink form: a neuron of the default dataset
 *   /d/<dataset>/layers/L/neurons/N     a neuron of a named dataset
 *   /text, /d/<dataset>/text            "Your text": the model over a text (`?t=...`, see
 *                                       src/app/yourtext/viewState.ts for its query)
 *
 * `dataset: null` below means "the release form" (the default dataset, not named in the URL).
 * Indexes are decimal; leading zeros mean what they say ("05" is layer 5), and the page then
 * rewrites the address to its canonical form.
 */
import { neuronFilePath, type NeuronFileKind } from '../format/types.ts';

export interface NeuronAddress {
  layer: number;
  neuron: number;
}

/** A layer or neuron index: decimal digits (leading zeros allowed, read as decimal); else null. */
export function parseIndex(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,12}$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

function address(layerText: string | undefined, neuronText: string | undefined) {
  const layer = parseIndex(layerText);
  const neuron = parseIndex(neuronText);
  return layer === null || neuron === null ? null : { layer, neuron };
}

/** `layers/L/neurons/N` inside a longer text (a pasted link or path), not followed by a digit. */
const IN_PATH = /(?:^|\/)layers\/(\d+)\/neurons\/(\d+)(?![\d])/;

/**
 * What a user may type to name a neuron: `5:131`, `5/131`, `5_131` (the related-neurons files'
 * form), `5 131`, `layer 5 neuron 131`, or a pasted link or path containing `layers/5/neurons/131`.
 * Null when the text names no neuron.
 */
export function parseNeuronAddress(text: string): NeuronAddress | null {
  const trimmed = text.trim();
  const match =
    /^(\d+)\s*[:/_]\s*(\d+)$/.exec(trimmed) ??
    /^(\d+)\s+(\d+)$/.exec(trimmed) ??
    /^layer\s*(\d+)\s*[,;]?\s*neuron\s*(\d+)$/i.exec(trimmed) ??
    IN_PATH.exec(trimmed);
  return match ? address(match[1], match[2]) : null;
}

/** The neuron written the way the app writes it everywhere, e.g. "5:131". */
export function formatNeuronAddress({ layer, neuron }: NeuronAddress): string {
  return `${layer}:${neuron}`;
}

// Route paths ------------------------------------------------------------------------------------

/** The router's patterns (react-router syntax); their params are read by routeFromParams. */
export const ROUTE_PATTERNS = {
  browse: ['/', 'd/:dataset'],
  neuron: ['layers/:layer/neurons/:neuron', 'd/:dataset/layers/:layer/neurons/:neuron'],
  text: ['text', 'd/:dataset/text'],
  // A list's neurons are opened in the dataset its path names (by default the one it was made in).
  lists: ['lists', 'd/:dataset/lists'],
  sharedList: ['lists/shared', 'd/:dataset/lists/shared'],
  list: ['lists/:id', 'd/:dataset/lists/:id'],
} as const;

export type AppRoute =
  | { page: 'browse'; dataset: string | null }
  | { page: 'text'; dataset: string | null }
  | {
      page: 'neuron';
      dataset: string | null;
      /** Null when the path has a layer and neuron that are not indexes (e.g. "x"). */
      address: NeuronAddress | null;
      /** The path as the app writes it (false for `layers/05/...`: the page rewrites it). */
      canonical: boolean;
    };

function decodeDataset(text: string | undefined): string | null {
  if (text === undefined) return null;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A route from its params as react-router hands them over (already decoded), for the pattern
 * that matched: `layer` and `neuron` present for a neuron page; `text` for a Your text pattern
 * (whose params alone look like the browse page's).
 */
export function routeFromParams(
  params: {
    dataset?: string | undefined;
    layer?: string | undefined;
    neuron?: string | undefined;
  },
  text = false,
): AppRoute {
  const dataset = params.dataset ?? null;
  if (text) return { page: 'text', dataset };
  if (params.layer === undefined && params.neuron === undefined) return { page: 'browse', dataset };
  const parsed = address(params.layer, params.neuron);
  return {
    page: 'neuron',
    dataset,
    address: parsed,
    canonical:
      parsed !== null &&
      params.layer === String(parsed.layer) &&
      params.neuron === String(parsed.neuron),
  };
}

const ROUTE = /^\/(?:d\/([^/?#]+)\/?)?(?:layers\/([^/?#]+)\/neurons\/([^/?#]+)\/?|(text)\/?)?$/;

/**
 * The route of a location's hash (`#/layers/1/neurons/1?view=overlay`), as the router would match
 * it; null for a path that is no page of the app.
 */
export function parseRouteHash(hash: string): AppRoute | null {
  const path = hash.replace(/^#/, '').split('?')[0] || '/';
  const match = ROUTE.exec(path);
  if (!match) return null;
  const [, dataset, layer, neuron, text] = match;
  return routeFromParams(
    { dataset: decodeDataset(dataset) ?? undefined, layer, neuron },
    text !== undefined,
  );
}

/** A URL's query (URLSearchParams in the app): written after `?` when not empty. */
export interface RouteQuery {
  toString(): string;
}

function datasetPrefix(dataset: string | null): string {
  return dataset === null ? '' : `/d/${encodeURIComponent(dataset)}`;
}

export function browsePath(dataset: string | null, search?: RouteQuery): string {
  const query = search?.toString();
  return `${dataset === null ? '/' : datasetPrefix(dataset)}${query ? `?${query}` : ''}`;
}

export function neuronPath(
  dataset: string | null,
  { layer, neuron }: NeuronAddress,
  search?: RouteQuery,
): string {
  const query = search?.toString();
  return `${datasetPrefix(dataset)}/layers/${layer}/neurons/${neuron}${query ? `?${query}` : ''}`;
}

/** The lists kept in this browser; a dataset named in the path is the one the header shows. */
export function listsPath(dataset: string | null): string {
  return `${datasetPrefix(dataset)}/lists`;
}

/** One list, its neurons linked into `dataset` (null: the default dataset). */
export function listPath(dataset: string | null, id: string): string {
  return `${datasetPrefix(dataset)}/lists/${encodeURIComponent(id)}`;
}

/** A list sent as a link: the whole list in the query. */
export function sharedListPath(dataset: string | null, search: RouteQuery): string {
  return `${datasetPrefix(dataset)}/lists/shared?${search.toString()}`;
}

/** The Your text page, its view (the text, the token, filters) as query. */
export function textPath(dataset: string | null, search?: RouteQuery): string {
  const query = search?.toString();
  return `${datasetPrefix(dataset)}/text${query ? `?${query}` : ''}`;
}

/**
 * The query (`/?isolated#/d/<dataset>/text`) on which the server makes the document cross-origin
 * isolated (COOP), which lets the model runner use WebAssembly threads. Only the documents that
 * run the model ask for it: isolation puts a page in a process of its own, which costs every
 * other page about 30 ms per load (measured in docs/benchmarks.md, "Neuron page").
 */
export const ISOLATED_QUERY = 'isolated';

/**
 * Where index.html names the default dataset, so that the early-fetch script asks for a
 * release-form permalink's files (`#/layers/5/neurons/131` names no dataset) at once rather than
 * after the dataset list has answered: the server, and the static site's writer, put a meta
 * element in place of this comment (withDefaultDataset).
 */
export const DEFAULT_DATASET_SLOT = '<!-- default-dataset -->';
export const DEFAULT_DATASET_META = 'neuron-explorer:default-dataset';

/** index.html with the default dataset named in its slot. */
export function withDefaultDataset(html: string, dataset: string): string {
  // Dataset ids are plain (DATASET_ID); encoded all the same, so nothing can leave the attribute.
  const meta = `<meta name="${DEFAULT_DATASET_META}" content="${encodeURIComponent(dataset)}" />`;
  return html.replace(DEFAULT_DATASET_SLOT, meta);
}

/** The default dataset index.html names, if it names one. */
export function defaultDatasetOf(document: {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
}): string | null {
  const named = document
    .querySelector(`meta[name="${DEFAULT_DATASET_META}"]`)
    ?.getAttribute('content');
  if (!named) return null;
  try {
    return decodeURIComponent(named);
  } catch {
    return null;
  }
}

// Dataset files ----------------------------------------------------------------------------------

/** The list of datasets, relative to the app. */
export const DATASET_LIST_URL = 'datasets/index.json';

/** A file of a dataset (a path relative to its folder), relative to the app. */
export function datasetFileUrl(dataset: string, relativePath: string): string {
  return `datasets/${encodeURIComponent(dataset)}/${relativePath}`;
}

export function manifestUrl(dataset: string): string {
  return datasetFileUrl(dataset, 'manifest.json');
}

/** A per-neuron file of the published layout, relative to the app. */
export function neuronFileUrl(
  dataset: string,
  kind: NeuronFileKind,
  { layer, neuron }: NeuronAddress,
): string {
  return datasetFileUrl(dataset, neuronFilePath(kind, layer, neuron));
}

/**
 * The files a neuron page needs before it can show anything, in the order they are wanted: what
 * the early-fetch script and the route loader start. The manifest is fetched fresh (no-cache).
 */
export const FIRST_NEURON_FILES = ['collated-activations', 'explanations'] as const;
