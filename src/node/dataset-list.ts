/**
 * The data folder (DATA_DIR): one folder per dataset, each with a manifest.json, and index.json
 * listing them (DatasetList). Ingest rewrites index.json after each run; the server can rescan.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDatasetList } from '../core/dataset/build.ts';
import type { DatasetList, DatasetManifest } from '../core/dataset/types.ts';
import { parseManifest } from '../core/dataset/parse.ts';
import { DatasetFileError } from '../core/format/parse.ts';
import { writeFileAtomic } from './files.ts';

export interface ScannedDataset {
  /** The folder name: the id under which the app fetches it (datasets/{id}/...). */
  id: string;
  dir: string;
  manifest: DatasetManifest;
}

export interface DataDirScan {
  datasets: ScannedDataset[];
  list: DatasetList;
  /** Folders with a manifest that could not be used, as messages naming the file. */
  problems: string[];
}

const DATASET_FOLDER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Every dataset folder under dataDir with a readable manifest. A missing dataDir is empty. */
export async function scanDataDir(dataDir: string): Promise<DataDirScan> {
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
  for (const name of names) {
    const dir = join(dataDir, name);
    let text: string;
    try {
      text = await readFile(join(dir, 'manifest.json'), 'utf8');
    } catch {
      continue;
    }
    try {
      const manifest = parseManifest(text, { path: `${name}/manifest.json` });
      if (manifest.id !== name) {
        problems.push(
          `${name}/manifest.json: id is ${JSON.stringify(manifest.id)}, but the folder is ${name}; listed as ${name}`,
        );
      }
      datasets.push({ id: name, dir, manifest: { ...manifest, id: name } });
    } catch (error) {
      if (!(error instanceof DatasetFileError)) throw error;
      problems.push(error.message);
    }
  }
  return { datasets, list: buildDatasetList(datasets.map((d) => d.manifest)), problems };
}

/** Rescans dataDir and writes its index.json. */
export async function writeDatasetList(dataDir: string): Promise<DataDirScan> {
  const scan = await scanDataDir(dataDir);
  await writeFileAtomic(join(dataDir, 'index.json'), `${JSON.stringify(scan.list, null, 2)}\n`);
  return scan;
}
