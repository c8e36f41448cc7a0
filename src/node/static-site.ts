/**
 * A folder any static host can serve: the built app with each dataset beside it, in the layout the
 * server uses (datasets/index.json, datasets/{id}/manifest.json and index/, and the per-neuron files
 * at datasets/{id}/{kind}/{L}/{N}.json[l]). Without the server the app browses, searches and shows
 * neuron pages; the simulate controls say they need the server.
 */
import { copyFile, cp, mkdir, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { neuronFilePath } from '../core/format/types.ts';
import type { DatasetList, DatasetManifest } from '../core/dataset/types.ts';
import { scanDataDir } from './dataset-list.ts';
import { writeFileAtomic } from './files.ts';
import { tokenIndexShards } from './token-index.ts';
import { openManifestSource } from './source.ts';

export interface StaticSiteOptions {
  /** The built app (`npm run build` writes dist/). */
  appDir: string;
  /** DATA_DIR: one folder per dataset. */
  dataDir: string;
  /** A new or empty folder. */
  outDir: string;
  /** Only these datasets (default all). */
  datasets?: readonly string[];
}

export interface StaticDatasetReport {
  id: string;
  /** Per-neuron files copied from a local source. */
  neuronFiles: number;
  /** Set when the source is a URL: its per-neuron files were not copied. */
  remoteSource?: string;
}

export interface StaticSiteReport {
  outDir: string;
  appFiles: number;
  datasets: StaticDatasetReport[];
  /** Dataset folders under dataDir that could not be used, as messages naming the file. */
  problems: string[];
}

async function isMissingOrEmpty(folder: string): Promise<boolean> {
  try {
    return (await readdir(folder)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

async function copyTree(from: string, to: string): Promise<number> {
  let files = 0;
  await cp(from, to, {
    recursive: true,
    dereference: true,
    filter: async (source) => {
      if (!(await stat(source)).isDirectory()) files += 1;
      return true;
    },
  });
  return files;
}

/** The index files a manifest names, relative to its folder; an error if one lies outside it. */
function indexFilesOf(id: string, manifest: DatasetManifest): Set<string> {
  const files = new Set([
    ...manifest.layers.map((l) => l.index),
    ...Object.values(manifest.search ?? {}),
  ]);
  for (const relative of files) {
    if (isAbsolute(relative) || normalize(relative).startsWith('..')) {
      throw new Error(`${id}/manifest.json names ${JSON.stringify(relative)}, outside its folder`);
    }
  }
  return files;
}

export async function writeStaticSite(options: StaticSiteOptions): Promise<StaticSiteReport> {
  const { appDir, dataDir, outDir } = options;
  try {
    await stat(join(appDir, 'index.html'));
  } catch {
    throw new Error(`${appDir} holds no built app (no index.html): run npm run build first`);
  }
  if (!(await isMissingOrEmpty(outDir))) {
    throw new Error(`${outDir} is not empty: give a new or empty folder for the static site`);
  }

  const scan = await scanDataDir(dataDir);
  const wanted = options.datasets ? new Set(options.datasets) : null;
  const unknown = [...(wanted ?? [])].filter((id) => !scan.datasets.some((d) => d.id === id));
  if (unknown.length > 0) {
    const known = scan.datasets.map((d) => d.id).join(', ') || 'none';
    throw new Error(`${dataDir} has no dataset ${unknown.join(', ')} (it has: ${known})`);
  }
  const chosen = scan.datasets.filter((d) => !wanted || wanted.has(d.id));
  if (chosen.length === 0) {
    throw new Error(
      `${dataDir} holds no dataset (no folder with a manifest.json): ingest one first`,
    );
  }

  // Checked before anything is written.
  for (const { id, manifest } of chosen) indexFilesOf(id, manifest);

  const appFiles = await copyTree(appDir, outDir);
  const reports: StaticDatasetReport[] = [];
  for (const { id, dir, manifest } of chosen) {
    const target = join(outDir, 'datasets', id);
    await mkdir(target, { recursive: true });
    await copyFile(join(dir, 'manifest.json'), join(target, 'manifest.json'));
    for (const relative of [
      ...indexFilesOf(id, manifest),
      ...(await tokenIndexShards(dir, manifest)),
    ]) {
      await mkdir(join(target, relative, '..'), { recursive: true });
      await copyFile(join(dir, relative), join(target, relative));
    }

    const source = openManifestSource(dir, manifest.source);
    if (source.kind === 'remote') {
      reports.push({ id, neuronFiles: 0, remoteSource: source.location });
      continue;
    }
    let neuronFiles = 0;
    for (const kind of await source.fileKinds()) {
      for (const { layer } of manifest.layers) {
        const neurons = await source.listNeurons(kind, layer);
        if (!neurons || neurons.length === 0) continue;
        await mkdir(join(target, kind, String(layer)), { recursive: true });
        for (const neuron of neurons) {
          const path = neuronFilePath(kind, layer, neuron);
          await copyFile(join(source.location, path), join(target, path));
          neuronFiles += 1;
        }
      }
    }
    reports.push({ id, neuronFiles });
  }

  const list: DatasetList = {
    ...scan.list,
    datasets: scan.list.datasets.filter((entry) => chosen.some((d) => d.id === entry.id)),
  };
  if (!list.datasets.some((entry) => entry.id === list.default)) {
    list.default = list.datasets[0]?.id ?? list.default;
  }
  await writeFileAtomic(
    join(outDir, 'datasets', 'index.json'),
    `${JSON.stringify(list, null, 2)}\n`,
  );
  return { outDir, appFiles, datasets: reports, problems: scan.problems };
}
