/**
 * The datasets under DATA_DIR (scanned by src/node/dataset-list), each with its per-neuron file
 * source open (src/node/source: local folder, or a URL read through an on-disk cache under
 * CACHE_DIR). Rescanned at most once a second, so a dataset that ingest writes while the server
 * runs appears without a restart; a manifest whose file has not changed is not read again.
 */
import { join } from 'node:path';
import { publicDatasetFileText } from '../../core/dataset/public.ts';
import type { DatasetList, DatasetManifest } from '../../core/dataset/types.ts';
import { ContainedFolder } from '../../node/contained-files.ts';
import { scanDataDir, type ManifestCache } from '../../node/dataset-list.ts';
import { openManifestSource, type DatasetSource } from '../../node/source.ts';
import { tokenIndexShards } from '../../node/token-index.ts';
import { DATASET_ID } from './paths.ts';

export interface ServedDataset {
  /** The folder name, which is the dataset's URL segment. */
  id: string;
  dir: string;
  manifest: DatasetManifest;
  /** The manifest as clients get it: as written, but with no local path (see core/dataset/public). */
  publicManifest: string;
  /** The dataset folder's own files (manifest, layer indexes), read only inside it. */
  folder: ContainedFolder;
  /**
   * The content-hashed files the manifest names (layer indexes, search files): with the manifest,
   * the only files of the folder that are served.
   */
  hashedFiles: ReadonlySet<string>;
  source: DatasetSource;
  /** Neurons per layer, from the manifest. */
  neuronsPerLayer: ReadonlyMap<number, number>;
}

export interface RegistryOptions {
  defaultDataset?: string | undefined;
  /** Remote sources keep fetched files under this folder (one folder per dataset). */
  sourceCacheDir?: string | undefined;
  /** How long a remote source's cached file or miss is used before it is revalidated. */
  sourceCacheTtlMs?: number | undefined;
  /** Told once about each manifest that cannot be used. */
  warn?: (message: string) => void;
  rescanIntervalMs?: number;
}

export class DatasetRegistry {
  readonly dataDir: string;
  private readonly options: RegistryOptions;
  /** Open datasets by id, reused while their manifest text is unchanged. */
  private readonly open = new Map<string, { key: string; dataset: ServedDataset }>();
  private readonly warned = new Set<string>();
  private readonly manifests: ManifestCache = new Map();
  private scanned: Promise<{ datasets: ServedDataset[]; order: string[] }> | null = null;
  private scannedAt = 0;

  constructor(dataDir: string, options: RegistryOptions = {}) {
    this.dataDir = dataDir;
    this.options = options;
  }

  /** Every served dataset, in the order of the dataset list. */
  async list(): Promise<ServedDataset[]> {
    return (await this.scan()).datasets;
  }

  async get(id: string): Promise<ServedDataset | undefined> {
    if (!DATASET_ID.test(id)) return undefined;
    return (await this.list()).find((dataset) => dataset.id === id);
  }

  /** `datasets/index.json`. */
  async datasetList(): Promise<DatasetList> {
    const datasets = await this.list();
    return {
      default: chooseDefault(datasets, this.options.defaultDataset) ?? '',
      datasets: datasets.map(({ id, manifest }) => ({
        id,
        title: manifest.title,
        model: manifest.model,
        synthetic: manifest.synthetic,
      })),
    };
  }

  private scan() {
    const interval = this.options.rescanIntervalMs ?? 1000;
    if (!this.scanned || Date.now() - this.scannedAt >= interval) {
      this.scannedAt = Date.now();
      this.scanned = this.rescan();
    }
    return this.scanned;
  }

  /**
   * The layer indexes and content-hashed search files a manifest names, and the shards of its
   * token index (which only the index's head names). A damaged head is warned of and its shards
   * not served; the rest of the dataset is.
   */
  private async hashedFilesOf(
    id: string,
    manifest: DatasetManifest,
    folder: ContainedFolder,
  ): Promise<Set<string>> {
    const files = new Set(manifest.layers.map((summary) => summary.index));
    for (const path of Object.values(manifest.search ?? {})) {
      if (HASHED_SEARCH_FILE.test(path)) files.add(path);
    }
    try {
      for (const shard of await tokenIndexShards(folder, manifest)) {
        if (HASHED_SEARCH_FILE.test(shard)) files.add(shard);
      }
    } catch (error) {
      this.options.warn?.(`${id}: token index not served: ${(error as Error).message}`);
    }
    return files;
  }

  private async rescan() {
    const scan = await scanDataDir(this.dataDir, this.manifests);
    for (const problem of scan.problems) {
      if (!this.warned.has(problem)) {
        this.warned.add(problem);
        this.options.warn?.(`dataset not served as it is: ${problem}`);
      }
    }
    const order = scan.list.datasets.map((entry) => entry.id);
    const datasets: ServedDataset[] = [];
    for (const { id, dir, manifest, text } of scan.datasets) {
      const key = text;
      let known = this.open.get(id);
      if (known?.key !== key) {
        const { sourceCacheDir: cacheDir, sourceCacheTtlMs } = this.options;
        const source = openManifestSource(dir, manifest.source, {
          model: manifest.model,
          retries: 2,
          timeoutMs: 15_000,
          ...(cacheDir !== undefined && { cacheDir: join(cacheDir, id) }),
          ...(sourceCacheTtlMs !== undefined && { cacheTtlMs: sourceCacheTtlMs }),
        });
        const folder = new ContainedFolder(dir, 'the dataset folder');
        known = {
          key,
          dataset: {
            id,
            dir,
            manifest,
            publicManifest: publicDatasetFileText(text),
            folder,
            hashedFiles: await this.hashedFilesOf(id, manifest, folder),
            source,
            neuronsPerLayer: new Map(manifest.layers.map((l) => [l.layer, l.neurons])),
          },
        };
        this.open.set(id, known);
      }
      datasets.push(known.dataset);
    }
    for (const id of this.open.keys()) if (!order.includes(id)) this.open.delete(id);
    datasets.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    return { datasets, order };
  }
}

/** A search file the manifest may name: under search/, named by the hash of its content. */
const HASHED_SEARCH_FILE = /^search\/[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.[0-9a-f]{12}\.json$/;

/**
 * The dataset that release-form links open: DEFAULT_DATASET when it is served, else a real GPT-2 XL
 * dataset, else the demo, else the first.
 */
export function chooseDefault(
  datasets: readonly Pick<ServedDataset, 'id' | 'manifest'>[],
  preferred: string | undefined,
): string | undefined {
  return (
    datasets.find((dataset) => dataset.id === preferred)?.id ??
    datasets.find((d) => !d.manifest.synthetic && d.manifest.model === 'gpt2-xl')?.id ??
    datasets.find((dataset) => dataset.id === 'demo')?.id ??
    datasets[0]?.id
  );
}
