/**
 * The page's copy of a dataset's layer indexes: one NeuronTable (typed columns) per dataset,
 * filled by the reader workers through the search service, layer by layer as pages ask. The
 * browse page asks for every layer; the neuron page for the few it shows (its own layer, for
 * "next explained neuron", and the layers of its related neurons). A layer is read once per
 * session, whoever asked first, and the search worker indexes it at the same time, so a neuron
 * page visited first makes browsing quicker and never the reverse.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { datasetFileUrl } from '../../core/address/address.ts';
import { NeuronTable, type LayerSize } from '../../core/browse/table.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import type { SearchService } from './service.ts';

/** A dataset as the worker knows it: a new ingest (same id, new manifest) is a new dataset. */
export const datasetKey = (manifest: DatasetManifest) =>
  `${manifest.id}\u0000${manifest.createdAt}`;
const layerSizes = (manifest: DatasetManifest): LayerSize[] =>
  manifest.layers.map(({ layer, neurons }) => ({ layer, neurons }));

export interface LayerFailure {
  layer: number;
  error: Error;
}

/** What a page sees of a dataset's layers: the table, and how far loading has got. */
export interface DatasetTable {
  table: NeuronTable;
  /** Layers in the table. */
  loaded: number;
  /** Layers in the dataset. */
  total: number;
  /** Layers that could not be read (after one retry), by layer. */
  failures: LayerFailure[];
}

/** How often, at most, the page hears of layers landing while many load. */
const LOAD_NEWS_INTERVAL = 150;
/** A layer that failed is asked for once more after this long. */
const RETRY_DELAY = 1000;

/**
 * Loads layers of one dataset through the search service, each once: its columns go into the
 * table as they land. While many layers load, the page hears of them a few times a second and at
 * the end (48 layers landing one by one each re-rendered the page, while the worker needed the
 * processor to index them); a layer loaded on its own is news at once.
 */
export class LayerStore {
  private made: NeuronTable | null = null;
  private state: DatasetTable | null = null;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly loading = new Map<number, Promise<void>>();
  private pending = 0;
  private loaded = 0;
  private readonly failures: LayerFailure[] = [];
  private allAsked = false;

  constructor(
    private readonly service: SearchService,
    private readonly manifest: DatasetManifest,
  ) {
    // Layers whose manifest entries cannot be used failed before loading (the parser says why).
    for (const problem of manifest.layerProblems ?? []) {
      this.failures.push({ layer: problem.layer, error: new Error(problem.message) });
    }
  }

  /** Layers in the dataset: those the manifest lists, and those it could not. */
  private get total(): number {
    return this.manifest.layers.length + (this.manifest.layerProblems?.length ?? 0);
  }

  /** The table, made when first needed (a few milliseconds for 307,200 rows: not in a first paint). */
  get table(): NeuronTable {
    this.made ??= new NeuronTable(layerSizes(this.manifest));
    return this.made;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): DatasetTable =>
    (this.state ??= {
      table: this.table,
      loaded: 0,
      total: this.total,
      failures: [...this.failures],
    });

  /** Every layer of the dataset. */
  loadAll(): void {
    if (this.allAsked) return;
    this.allAsked = true;
    // A failure is in the snapshot (the browse page lists the layers that failed).
    for (const summary of this.manifest.layers) this.loadLayer(summary.layer).catch(() => {});
  }

  /**
   * One layer; resolves once its columns are in the table, rejects when it could not be read
   * (the failure is also in the snapshot). Asking again for a layer gives the same promise.
   */
  loadLayer(layer: number): Promise<void> {
    let promise = this.loading.get(layer);
    if (!promise) {
      const summary = this.manifest.layers.find((entry) => entry.layer === layer);
      promise = summary
        ? this.read(layer, datasetFileUrl(this.manifest.id, summary.index), 1)
        : Promise.reject(new Error(`Dataset ${this.manifest.id} has no layer ${layer}`));
      this.loading.set(layer, promise);
    }
    return promise;
  }

  private async read(layer: number, url: string, retries: number): Promise<void> {
    this.pending++;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.service.loadLayer(
            datasetKey(this.manifest),
            layerSizes(this.manifest),
            layer,
            url,
            // Into the table at once, before any answer from the worker can name these rows.
            (columns) => this.table.addLayer(columns),
          );
          this.loaded++;
          return;
        } catch (error) {
          if (attempt < retries) {
            await new Promise((done) => setTimeout(done, RETRY_DELAY));
            continue;
          }
          const failure = error instanceof Error ? error : new Error(String(error));
          this.failures.push({ layer, error: failure });
          throw failure;
        }
      }
    } finally {
      this.pending--;
      this.changed();
    }
  }

  private changed(): void {
    if (this.pending === 0) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.publish();
    } else this.timer ??= setTimeout(() => this.publish(), LOAD_NEWS_INTERVAL);
  }

  private publish(): void {
    this.timer = null;
    this.state = {
      table: this.table,
      loaded: this.loaded,
      total: this.total,
      failures: [...this.failures].sort((a, b) => a.layer - b.layer),
    };
    for (const listener of this.listeners) listener();
  }
}

/** One object per search service and dataset, made when first asked for. */
export function perDataset<T>(
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

const stores = new WeakMap<SearchService, Map<string, LayerStore>>();

/** The layer store of a dataset (one per search service and manifest, kept for the session). */
export function layerStore(service: SearchService, manifest: DatasetManifest): LayerStore {
  return perDataset(stores, service, manifest, () => new LayerStore(service, manifest));
}

/** Every layer of the dataset, loading from the first call on. */
export function useDatasetTable(service: SearchService, manifest: DatasetManifest): DatasetTable {
  const store = layerStore(service, manifest);
  store.loadAll();
  return useSyncExternalStore(store.subscribe, store.snapshot, store.snapshot);
}

/**
 * The table with (at least) these layers loading, asked for after the render that wants them
 * (so a page paints before any worker starts); `null` waits (nothing is loaded).
 */
export function useLayers(
  service: SearchService,
  manifest: DatasetManifest,
  layers: readonly number[] | null,
): DatasetTable {
  const store = layerStore(service, manifest);
  const key = layers?.join(',') ?? null;
  useEffect(() => {
    if (key === null || key === '') return;
    for (const layer of key.split(',')) store.loadLayer(Number(layer)).catch(() => {});
  }, [store, key]);
  return useSyncExternalStore(store.subscribe, store.snapshot, store.snapshot);
}
