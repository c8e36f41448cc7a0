/**
 * The data folder (DATA_DIR): one folder per dataset, each with a manifest.json, and index.json
 * listing them (DatasetList). Ingest rewrites index.json after each run; the server can rescan.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDatasetList } from '../core/dataset/build.ts';
import { MAX_MANIFEST_BYTES } from '../core/dataset/limits.ts';
import { parseManifest } from '../core/dataset/parse.ts';
import type { DatasetList, DatasetManifest } from '../core/dataset/types.ts';
import { DatasetFileError } from '../core/format/parse.ts';
import { ContainedFileError, ContainedFolder } from './contained-files.ts';
import { writeFileAtomic } from './files.ts';

export interface ScannedDataset {
  /** The folder name: the id under which the app fetches it (datasets/{id}/...). */
  id: string;
  dir: string;
  manifest: DatasetManifest;
  /** The manifest file's text, as read. */
  text: string;
}

export interface DataDirScan {
  datasets: ScannedDataset[];
  list: DatasetList;
  /**
   * Manifests that could not be used (or only in part: layers left out), as messages naming the
   * file and field.
   */
  problems: string[];
}

/**
 * What earlier scans read, by dataset folder: a manifest whose file is unchanged (same inode, size
 * and modification time) is not read again. The server rescans every second.
 */
export type ManifestCache = Map<string, { stamp: string; read: ScannedDataset | string }>;

const DATASET_FOLDER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MANIFEST_LIMIT = { bytes: MAX_MANIFEST_BYTES, what: 'a manifest' };

/**
 * Every dataset folder under dataDir with a readable manifest. A missing dataDir is empty. A
 * manifest that is a link out of its folder, or past MAX_MANIFEST_BYTES, is a problem, not read.
 */
export async function scanDataDir(
  dataDir: string,
  cache: ManifestCache = new Map(),
): Promise<DataDirScan> {
  let names: string[] = [];
  try {
    names = (await readdir(dataDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && DATASET_FOLDER.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const datasets: ScannedDataset[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const dir = join(dataDir, name);
    seen.add(dir);
    let stamp: string;
    try {
      const file = await stat(join(dir, 'manifest.json'));
      stamp = `${file.dev}:${file.ino}:${file.size}:${file.mtimeMs}`;
    } catch {
      cache.delete(dir);
      continue;
    }
    let known = cache.get(dir);
    if (known?.stamp !== stamp) {
      known = { stamp, read: await readDataset(name, dir) };
      cache.set(dir, known);
    }
    if (typeof known.read === 'string') problems.push(known.read);
    else datasets.push(known.read);
  }
  for (const dir of cache.keys()) if (!seen.has(dir)) cache.delete(dir);
  for (const { id, manifest } of datasets) {
    for (const problem of manifest.layerProblems ?? []) problems.push(problem.message);
    if (manifest.id !== id) {
      problems.push(
        `${id}/manifest.json: id is ${JSON.stringify(manifest.id)}, but the folder is ${id}; listed as ${id}`,
      );
    }
  }
  return {
    datasets: datasets.map((d) => ({ ...d, manifest: { ...d.manifest, id: d.id } })),
    list: buildDatasetList(datasets.map((d) => ({ ...d.manifest, id: d.id }))),
    problems,
  };
}

/** A dataset folder's manifest, or the sentence saying why it cannot be used. */
async function readDataset(name: string, dir: string): Promise<ScannedDataset | string> {
  const path = `${name}/manifest.json`;
  let text: string;
  try {
    const file = await new ContainedFolder(dir, 'the dataset folder').read(
      'manifest.json',
      MANIFEST_LIMIT,
    );
    if (file === null) return `${path}: gone while it was read`;
    text = file.bytes.toString('utf8');
  } catch (error) {
    if (error instanceof ContainedFileError) return `${name}/${error.message}`;
    return `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  try {
    return { id: name, dir, manifest: parseManifest(text, { path }), text };
  } catch (error) {
    if (!(error instanceof DatasetFileError)) throw error;
    return error.message;
  }
}

/** Rescans dataDir and writes its index.json. */
export async function writeDatasetList(dataDir: string): Promise<DataDirScan> {
  const scan = await scanDataDir(dataDir);
  await writeFileAtomic(join(dataDir, 'index.json'), `${JSON.stringify(scan.list, null, 2)}\n`);
  return scan;
}
