/**
 * A folder any static host can serve: the built app with each dataset beside it, in the layout the
 * server uses (datasets/index.json, datasets/{id}/manifest.json and index/, and the per-neuron files
 * at datasets/{id}/{kind}/{L}/{N}.json[l]). Without the server the app browses, searches and shows
 * neuron pages; the simulate controls say they need the server. With a models folder (MODELS_DIR)
 * the site also holds its GPT-2 checkpoints under models/, as the server serves them, so the
 * "Your text" page runs the model with no download from elsewhere.
 *
 * Only what the server would serve is written: the manifest without its local source path, layer
 * indexes whose content matches their hash name (and a .gz only when it holds the same), regular
 * per-neuron files inside their source; no source maps of the app. What is left out is a problem
 * in the report.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { withDefaultDataset } from '../core/address/address.ts';
import { MAX_LAYER_INDEX_BYTES } from '../core/dataset/limits.ts';
import { publicDatasetFileText } from '../core/dataset/public.ts';
import { neuronFilePath } from '../core/format/types.ts';
import { CONFIG_FILE, WEIGHTS_FILE } from '../core/model/sources.ts';
import type { DatasetList, DatasetManifest } from '../core/dataset/types.ts';
import { compressLikeTheBuild } from './app-build.ts';
import { ContainedFileError, ContainedFolder } from './contained-files.ts';
import { scanDataDir } from './dataset-list.ts';
import { writeFileAtomic } from './files.ts';
import { listModels, modelFile } from './model/model-folder.ts';
import { tokenIndexShards } from './token-index.ts';
import { openManifestSource, SourceReadError } from './source.ts';

export interface StaticSiteOptions {
  /** The built app (`npm run build` writes dist/). */
  appDir: string;
  /** DATA_DIR: one folder per dataset. */
  dataDir: string;
  /** A new or empty folder. */
  outDir: string;
  /** Only these datasets (default all). */
  datasets?: readonly string[];
  /** MODELS_DIR: one folder per model, copied to models/ (default: none). */
  modelsDir?: string;
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
  /** The models copied to models/, by id. */
  models: string[];
  /** Dataset folders and files that could not be used (and were left out), naming the file. */
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

/** The built app, without source maps (a host would publish the sources with them). */
async function copyApp(from: string, to: string): Promise<number> {
  let files = 0;
  await cp(from, to, {
    recursive: true,
    dereference: true,
    filter: async (source) => {
      if (source.endsWith('.map')) return false;
      if (!(await stat(source)).isDirectory()) files += 1;
      return true;
    },
  });
  return files;
}

/**
 * Names the default dataset in the site's index.html (withDefaultDataset), as the server does, and
 * in its compressed copies, which a host may send in its place.
 */
async function nameDefaultDataset(outDir: string, dataset: string): Promise<void> {
  const path = join(outDir, 'index.html');
  const html = withDefaultDataset(await readFile(path, 'utf8'), dataset);
  await writeFileAtomic(path, html);
  const { br, gz } = compressLikeTheBuild(html);
  if (existsSync(`${path}.gz`)) await writeFileAtomic(`${path}.gz`, gz);
  if (existsSync(`${path}.br`)) await writeFileAtomic(`${path}.br`, br);
}

const INDEX_LIMIT = { bytes: MAX_LAYER_INDEX_BYTES, what: 'a layer index' };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Copies a dataset folder's index file: a layer index only when its content matches the hash in
 * its name, its .gz only when it unzips to the same. Returns the problems.
 */
async function copyIndexFile(
  folder: ContainedFolder,
  relative: string,
  target: string,
  where: string,
): Promise<string[]> {
  let file;
  try {
    file = await folder.read(relative, INDEX_LIMIT);
  } catch (error) {
    if (!(error instanceof ContainedFileError)) throw error;
    return [`${where}/${error.message}; left out`];
  }
  if (file === null) return [`${where}/${relative}: missing; left out`];
  const named = /\.([0-9a-f]+)\.json$/.exec(relative)?.[1];
  const digest = sha256(file.bytes);
  if (named !== undefined && !digest.startsWith(named)) {
    return [
      `${where}/${relative}: does not hold what its name says (changed after ingest); left out`,
    ];
  }
  await writeFileAtomic(join(target, relative), file.bytes);
  if (named === undefined) return [];
  let gzipped;
  try {
    gzipped = await folder.read(`${relative}.gz`, INDEX_LIMIT);
  } catch (error) {
    if (!(error instanceof ContainedFileError)) throw error;
    return [`${where}/${error.message}; left out`];
  }
  if (gzipped === null) return [];
  let same = false;
  try {
    same = sha256(gunzipSync(gzipped.bytes, { maxOutputLength: INDEX_LIMIT.bytes })) === digest;
  } catch {
    same = false;
  }
  if (!same) return [`${where}/${relative}.gz: does not unzip to ${relative}; left out`];
  await writeFileAtomic(join(target, `${relative}.gz`), gzipped.bytes);
  return [];
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

  const appFiles = await copyApp(appDir, outDir);
  const problems = [...scan.problems];
  const reports: StaticDatasetReport[] = [];
  for (const { id, dir, manifest, text } of chosen) {
    const target = join(outDir, 'datasets', id);
    await mkdir(target, { recursive: true });
    await writeFileAtomic(join(target, 'manifest.json'), publicDatasetFileText(text));
    const folder = new ContainedFolder(dir, 'the dataset folder');
    for (const relative of [
      ...indexFilesOf(id, manifest),
      ...(await tokenIndexShards(folder, manifest)),
    ]) {
      problems.push(...(await copyIndexFile(folder, relative, target, id)));
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
          let text: string | null;
          try {
            text = await source.readNeuronFile(kind, layer, neuron);
          } catch (error) {
            if (!(error instanceof SourceReadError)) throw error;
            problems.push(`${id}/${error.message}; left out`);
            continue;
          }
          if (text === null) continue;
          // The out folder is new: no reader can see a half-written file.
          await writeFile(join(target, path), text);
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
  if (list.default) await nameDefaultDataset(outDir, list.default);
  const models = options.modelsDir ? await copyModels(options.modelsDir, outDir, problems) : [];
  return { outDir, appFiles, datasets: reports, models, problems };
}

/**
 * The usable models of `modelsDir` under `outDir/models/`, with the list the app reads
 * (models/index.json, as the server answers it); folders that are not models are problems.
 */
async function copyModels(modelsDir: string, outDir: string, problems: string[]) {
  const list = await listModels(modelsDir);
  problems.push(...list.problems.map(({ id, problem }) => `models/${id}: ${problem}; left out`));
  if (list.models.length === 0) return [];
  for (const { id } of list.models) {
    await mkdir(join(outDir, 'models', id), { recursive: true });
    for (const name of [CONFIG_FILE, WEIGHTS_FILE]) {
      const path = await modelFile(modelsDir, id, name);
      if (path === null) throw new Error(`models/${id}/${name} went away while copying`);
      await copyFile(path, join(outDir, 'models', id, name));
    }
  }
  await writeFileAtomic(join(outDir, 'models', 'index.json'), `${JSON.stringify(list, null, 2)}\n`);
  return list.models.map((model) => model.id);
}
