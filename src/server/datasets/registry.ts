/**
 * The datasets under DATA_DIR: every folder holding a manifest.json that parses. Rescanned at most
 * once a second, so a dataset that ingest writes while the server runs appears without a restart.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetList, DatasetManifest } from '../../core/dataset/types.ts';
import { parseManifest } from '../../core/format/parse.ts';
import { DATASET_ID } from './paths.ts';
import { openSource, type NeuronFileSource } from './source.ts';

export interface ServedDataset {
  /** The folder name, which is the dataset's URL segment. */
  id: string;
  dir: string;
  manifest: DatasetManifest;
  source: NeuronFileSource;
  /** Neurons per layer, from the manifest. */
  neuronsPerLayer: ReadonlyMap<number, number>;
}

export interface RegistryOptions {
  defaultDataset?: string | undefined;
  /** Told once about each manifest that cannot be used. */
  warn?: (message: string) => void;
  rescanIntervalMs?: number;
}

interface Entry {
  mtimeMs: number;
  size: number;
  dataset: ServedDataset | null;
}

export class DatasetRegistry {
  readonly dataDir: string;
  private readonly options: RegistryOptions;
  private readonly entries = new Map<string, Entry>();
  private scanned: Promise<ServedDataset[]> | null = null;
  private scannedAt = 0;

  constructor(dataDir: string, options: RegistryOptions = {}) {
    this.dataDir = dataDir;
    this.options = options;
  }

  /** Every served dataset, by id. */
  list(): Promise<ServedDataset[]> {
    const interval = this.options.rescanIntervalMs ?? 1000;
    if (!this.scanned || Date.now() - this.scannedAt >= interval) {
      this.scannedAt = Date.now();
      this.scanned = this.scan();
    }
    return this.scanned;
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

  private async scan(): Promise<ServedDataset[]> {
    let names: string[];
    try {
      names = (await readdir(this.dataDir, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory() && DATASET_ID.test(entry.name))
        .map((entry) => entry.name)
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found = await Promise.all(names.map((name) => this.load(name)));
    for (const id of this.entries.keys()) if (!names.includes(id)) this.entries.delete(id);
    return found.filter((dataset): dataset is ServedDataset => dataset !== null);
  }

  private async load(id: string): Promise<ServedDataset | null> {
    const dir = join(this.dataDir, id);
    const path = join(dir, 'manifest.json');
    let stats;
    try {
      stats = await stat(path);
    } catch {
      this.entries.delete(id);
      return null;
    }
    const known = this.entries.get(id);
    if (known && known.mtimeMs === stats.mtimeMs && known.size === stats.size) return known.dataset;
    let dataset: ServedDataset | null = null;
    try {
      const manifest = parseManifest(await readFile(path, 'utf8'), { path: `${id}/manifest.json` });
      dataset = {
        id,
        dir,
        manifest,
        source: openSource(manifest.source, dir),
        neuronsPerLayer: neuronsPerLayer(manifest, `${id}/manifest.json`),
      };
    } catch (error) {
      this.options.warn?.(`dataset ${id} is not served: ${(error as Error).message}`);
    }
    this.entries.set(id, { mtimeMs: stats.mtimeMs, size: stats.size, dataset });
    return dataset;
  }
}

function neuronsPerLayer(manifest: DatasetManifest, path: string): Map<number, number> {
  if (!Array.isArray(manifest.layers)) throw new Error(`${path}: layers: not a list`);
  const layers = new Map<number, number>();
  manifest.layers.forEach((summary, index) => {
    if (!Number.isSafeInteger(summary?.layer) || !Number.isSafeInteger(summary?.neurons)) {
      throw new Error(`${path}: layers[${index}]: needs integer layer and neurons`);
    }
    layers.set(summary.layer, summary.neurons);
  });
  return layers;
}

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
