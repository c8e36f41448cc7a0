/**
 * The browse page's data. The search worker loads every layer index, and answers each view (the
 * rows in order and the charts' statistics for a query, filters and sort: see
 * src/core/browse/answer.ts). The page keeps a copy of the columns in one NeuronTable per dataset
 * only to draw the rows it is shown; it never sorts, filters or searches them itself. Both the
 * table and recent answers are kept for the session, so coming back to the page is instant.
 */
import { LRUCache } from 'lru-cache';
import { useLayoutEffect, useSyncExternalStore } from 'react';
import type { ChartsAnswer, ViewAnswer, ViewRequest } from '../../core/browse/answer.ts';
import { binEdges } from '../../core/browse/stats.ts';
import { NeuronTable, type LayerSize } from '../../core/browse/table.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { datasetUrl } from '../data/http.ts';
import type { SearchService } from '../search/service.ts';
import { parseQuery } from '../../core/search/query.ts';
import { effectiveSort, type BrowseView } from './viewState.ts';

/** A dataset as the worker knows it: a new ingest (same id, new manifest) is a new dataset. */
const datasetKey = (manifest: DatasetManifest) => `${manifest.id}\u0000${manifest.createdAt}`;
const layerSizes = (manifest: DatasetManifest): LayerSize[] =>
  manifest.layers.map(({ layer, neurons }) => ({ layer, neurons }));

const BIN_WIDTH = 0.05;

/** The score histogram's bins: 0.05 wide, from the dataset's lowest score (or 0) to 1. */
export function histogramEdges(manifest: DatasetManifest): number[] {
  const min = manifest.scoreSummary.quantiles?.min ?? 0;
  const low = Math.max(-1, Math.floor(Math.min(0, min) / BIN_WIDTH) * BIN_WIDTH);
  return binEdges(low, 1, BIN_WIDTH);
}

const tables = new Map<string, NeuronTable>();

/** The table for a dataset, made once per manifest. */
function tableFor(manifest: DatasetManifest): NeuronTable {
  const key = datasetKey(manifest);
  let table = tables.get(key);
  if (!table) {
    table = new NeuronTable(layerSizes(manifest));
    tables.set(key, table);
  }
  return table;
}

export interface LayerFailure {
  layer: number;
  error: Error;
}

export interface DatasetTable {
  table: NeuronTable;
  loaded: number;
  total: number;
  failures: LayerFailure[];
}

/** How often, at most, the page hears of layers landing while a dataset loads. */
const LOAD_NEWS_INTERVAL = 150;
/** A layer that failed is asked for once more after this long. */
const RETRY_DELAY = 1000;

/**
 * Loads every layer of a dataset through the worker (all at once), once per session: each layer's
 * columns go into the page's table as they land, and the page hears of them a few times a second
 * and at the end (48 layers landing one by one each re-rendered the page, while the worker needed
 * the processor to index them).
 */
class LayerLoader {
  private state: DatasetTable;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private loaded = 0;
  private readonly failures: LayerFailure[] = [];

  constructor(
    private readonly service: SearchService,
    private readonly manifest: DatasetManifest,
    private readonly table: NeuronTable,
  ) {
    // Layers whose manifest entries cannot be used failed before loading (the parser says why).
    for (const problem of manifest.layerProblems ?? []) {
      this.failures.push({ layer: problem.layer, error: new Error(problem.message) });
    }
    this.state = {
      table,
      loaded: 0,
      total: manifest.layers.length + this.failures.length,
      failures: [...this.failures],
    };
    for (const summary of manifest.layers) this.load(summary.layer, summary.index, 1);
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = () => this.state;

  private load(layer: number, index: string, retries: number): void {
    const { manifest } = this;
    this.service
      .loadLayer(
        datasetKey(manifest),
        layerSizes(manifest),
        layer,
        datasetUrl(manifest.id, index),
        // Into the table at once, before any answer from the worker can name these rows.
        (columns) => this.table.addLayer(columns),
      )
      .then(
        () => {
          this.loaded++;
          this.changed();
        },
        (error: unknown) => {
          if (retries > 0) {
            setTimeout(() => this.load(layer, index, retries - 1), RETRY_DELAY);
            return;
          }
          this.failures.push({
            layer,
            error: error instanceof Error ? error : new Error(String(error)),
          });
          this.changed();
        },
      );
  }

  private changed(): void {
    const done = this.loaded + this.failures.length === this.state.total;
    if (done && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (done) this.publish();
    else this.timer ??= setTimeout(() => this.publish(), LOAD_NEWS_INTERVAL);
  }

  private publish(): void {
    this.timer = null;
    this.state = {
      table: this.table,
      loaded: this.loaded,
      total: this.state.total,
      failures: [...this.failures].sort((a, b) => a.layer - b.layer),
    };
    for (const listener of this.listeners) listener();
  }
}

const loaders = new WeakMap<SearchService, Map<string, LayerLoader>>();

/** Every layer of the dataset, loading (through the worker) from the first call on. */
export function useDatasetTable(service: SearchService, manifest: DatasetManifest): DatasetTable {
  const loader = perDataset(
    loaders,
    service,
    manifest,
    () => new LayerLoader(service, manifest, tableFor(manifest)),
  );
  return useSyncExternalStore(loader.subscribe, loader.snapshot, loader.snapshot);
}

/** One object per search service and dataset, made when first asked for. */
function perDataset<T>(
  made: WeakMap<SearchService, Map<string, T>>,
  service: SearchService,
  manifest: DatasetManifest,
  make: () => T,
): T {
  let byDataset = made.get(service);
  if (!byDataset) {
    byDataset = new Map();
    made.set(service, byDataset);
  }
  const key = datasetKey(manifest);
  let value = byDataset.get(key);
  if (value === undefined) {
    value = make();
    byDataset.set(key, value);
  }
  return value;
}

export interface ViewState {
  /** The rows shown: the wanted ones, or the latest while they are on their way. */
  answer: ViewAnswer | null;
  /** The key of the rows shown. */
  key: string | null;
  /** The charts shown, and their key: they follow the rows. */
  charts: ChartsAnswer | null;
  chartsKey: string | null;
  error: Error | null;
}

/** Recent answers by key, a few (each answer's rows can hold 307,200 rows: 1.2 MB). */
const RECENT_ANSWERS = 6;

/**
 * How long the views wanted must hold still before the charts are asked for: while the user types
 * or drags a slider, the worker and the page spend their time on the rows alone.
 */
export const CHARTS_PAUSE = 150;

/**
 * Asks the worker for views, one request at a time: while one is being worked out, only the
 * newest of the views wanted since waits (fast typing skips the keystrokes in between). The rows
 * come first; the charts are asked for once the rows are in, nothing newer is waiting, and no new
 * view has been wanted for CHARTS_PAUSE ms.
 */
class ViewChannel {
  private state: ViewState = {
    answer: null,
    key: null,
    charts: null,
    chartsKey: null,
    error: null,
  };
  private readonly listeners = new Set<() => void>();
  private readonly answers = new LRUCache<string, ViewAnswer>({ max: RECENT_ANSWERS });
  private readonly chartAnswers = new LRUCache<string, ChartsAnswer>({ max: RECENT_ANSWERS });
  private wanted: { key: string; request: ViewRequest } | null = null;
  private busy = false;
  private next: { key: string; request: ViewRequest } | null = null;
  private wantedAt = -Infinity;
  private chartsTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly service: SearchService,
    private readonly dataset: string,
    private readonly edges: number[],
  ) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = () => this.state;

  want = (key: string, request: ViewRequest): void => {
    if (key === this.wanted?.key) return;
    this.wanted = { key, request };
    this.wantedAt = performance.now();
    const known = this.answers.get(key);
    if (known) {
      this.next = null;
      this.publish({ answer: known, key, error: null });
    } else {
      this.next = { key, request };
    }
    this.pump();
  };

  private pump(): void {
    if (this.busy) return;
    if (this.next) {
      const { key, request } = this.next;
      this.next = null;
      this.ask(
        () => this.service.view(this.dataset, request),
        (answer) => {
          this.answers.set(key, answer);
          // The wanted rows, or newer ones than shown while the wanted ones are still to come.
          if (key === this.wanted?.key || this.state.key !== this.wanted?.key) {
            this.publish({ answer, key, error: null });
          }
        },
        key,
      );
      return;
    }
    const wanted = this.wanted;
    if (!wanted || this.state.key !== wanted.key || this.state.chartsKey === wanted.key) return;
    const known = this.chartAnswers.get(wanted.key);
    if (known) {
      this.publish({ charts: known, chartsKey: wanted.key });
      return;
    }
    const wait = this.wantedAt + CHARTS_PAUSE - performance.now();
    if (wait > 0) {
      if (this.chartsTimer !== null) clearTimeout(this.chartsTimer);
      this.chartsTimer = setTimeout(() => {
        this.chartsTimer = null;
        this.pump();
      }, wait);
      return;
    }
    this.ask(
      () => this.service.charts(this.dataset, wanted.request, this.edges),
      (charts) => {
        this.chartAnswers.set(wanted.key, charts);
        if (wanted.key === this.wanted?.key) this.publish({ charts, chartsKey: wanted.key });
      },
      wanted.key,
    );
  }

  private ask<T>(send: () => Promise<T>, take: (answer: T) => void, key: string): void {
    this.busy = true;
    send().then(
      (answer) => {
        this.busy = false;
        take(answer);
        this.pump();
      },
      (error: unknown) => {
        this.busy = false;
        if (key === this.wanted?.key) {
          this.publish({ error: error instanceof Error ? error : new Error(String(error)) });
        }
        this.pump();
      },
    );
  }

  private publish(change: Partial<ViewState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }
}

const channels = new WeakMap<SearchService, Map<string, ViewChannel>>();

function channelFor(service: SearchService, manifest: DatasetManifest): ViewChannel {
  return perDataset(
    channels,
    service,
    manifest,
    () => new ViewChannel(service, datasetKey(manifest), histogramEdges(manifest)),
  );
}

/** What to ask the worker for a view over `layers` loaded layers, and the request's key. */
export function viewRequest(
  view: BrowseView,
  layers: number,
): { key: string; request: ViewRequest } {
  const query = view.query.trim();
  const searching = parseQuery(query).clauses.length > 0;
  const sort = effectiveSort(view, searching);
  const request = { query: searching ? query : '', filters: view.filters, sort };
  return { key: `${layers}:${JSON.stringify([request.query, request.filters, sort])}`, request };
}

export interface ViewAnswerState {
  state: ViewState;
  /**
   * Asks for a view at once, ahead of the render that will want it (a keystroke's request then
   * leaves before the page re-renders, and the worker works while it does).
   */
  wantAhead: (key: string, request: ViewRequest) => void;
}

/**
 * The worker's answer for `request` (identified by `key`, which must change whenever the request
 * or the layers loaded do). Until it comes, the previous answer stays.
 */
export function useViewAnswer(
  service: SearchService,
  manifest: DatasetManifest,
  key: string,
  request: ViewRequest,
): ViewAnswerState {
  const channel = channelFor(service, manifest);
  // A layout effect: the request leaves in the same task as the change that made it.
  useLayoutEffect(() => {
    channel.want(key, request);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key identifies the request
  }, [channel, key]);
  const state = useSyncExternalStore(channel.subscribe, channel.snapshot, channel.snapshot);
  return { state, wantAhead: channel.want };
}
