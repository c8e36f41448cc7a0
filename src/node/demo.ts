/**
 * Writing the synthetic demo dataset (src/core/demo) to disk and ingesting it, so that the app has
 * a dataset with no network: `npm start` calls ensureDemoDataset on first start, and the
 * `demo-data` command writes it anywhere.
 */
import { access, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DEMO_DATASET, generateDemoDataset, type DemoFile } from '../core/demo/generate.ts';
import { NEURON_FILE_KINDS } from '../core/format/types.ts';
import { ingestDataset, type IngestResult } from './ingest.ts';

/** Marks a folder as the demo's, so that writing a demo never deletes anything else. */
const MARKER = '.demo-dataset';

/** What a previous demo dataset may have left in its folder (and nothing else is removed). */
const DEMO_OUTPUTS = [
  ...new Set(NEURON_FILE_KINDS.map((kind) => kind.split('/')[0]!)),
  'index',
  'search',
  '.ingest',
  'manifest.json',
  'ingest-report.json',
];

/** A folder that holds something other than a demo dataset: left alone. */
export class NotADemoFolderError extends Error {
  constructor(dir: string) {
    super(
      `${dir} is not empty and holds no demo dataset: choose an empty or new folder for the demo`,
    );
    this.name = 'NotADemoFolderError';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Writes the files under `dir`: a new or empty folder, or a previous demo's (whose outputs are
 * removed first). Any other folder is refused.
 */
export async function writeDemoFiles(dir: string, files: readonly DemoFile[]): Promise<void> {
  const present = await entries(dir);
  if (present.length > 0 && !present.includes(MARKER)) throw new NotADemoFolderError(dir);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), 'Written by neuron-explorer demo-data; safe to delete.\n');
  await Promise.all(
    DEMO_OUTPUTS.map((name) => rm(join(dir, name), { recursive: true, force: true })),
  );
  const folders = new Set(files.map((file) => dirname(join(dir, file.path))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  // Hundreds of small files: a batch at a time keeps open handles few.
  for (let i = 0; i < files.length; i += 64) {
    await Promise.all(
      files.slice(i, i + 64).map((file) => writeFile(join(dir, file.path), file.text)),
    );
  }
}

export interface WriteDemoResult {
  path: string;
  files: number;
  bytes: number;
  /** Milliseconds to generate the files, and to write and ingest them. */
  generateMs: number;
  writeMs: number;
  ingest: IngestResult;
}

/**
 * Generates the demo dataset into `out` and ingests it (manifest, layer indexes, report; the
 * data folder's index.json is refreshed). The dataset id is the folder's name ("demo" under
 * DATA_DIR). Replaces a previous demo in that folder; refuses a folder holding anything else.
 */
export async function writeDemoDataset(out: string): Promise<WriteDemoResult> {
  const path = resolve(out);
  const started = performance.now();
  const { files } = await generateDemoDataset();
  const generated = performance.now();
  await writeDemoFiles(path, files);
  const ingest = await ingestDataset({
    source: '.',
    out: path,
    id: basename(path),
    title: DEMO_DATASET.title,
    model: DEMO_DATASET.model,
    synthetic: true,
    records: true,
    neuronsPerLayer: DEMO_DATASET.neuronsPerLayer,
  });
  return {
    path,
    files: files.length,
    bytes: files.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0),
    generateMs: generated - started,
    writeMs: performance.now() - generated,
    ingest,
  };
}

/**
 * Makes sure `<dataDir>/demo` holds the ingested demo dataset: generates it when it has no
 * manifest (absent, or left half-written by an interrupted run), else leaves it as it is.
 */
export async function ensureDemoDataset(
  dataDir: string,
): Promise<{ created: boolean; path: string }> {
  const path = resolve(dataDir, DEMO_DATASET.id);
  if (await exists(join(path, 'manifest.json'))) return { created: false, path };
  // Ingest also refreshes the data folder's index.json, which lists the demo from then on.
  await writeDemoDataset(path);
  return { created: true, path };
}
