/**
 * Writing the synthetic demo dataset (src/core/demo) to disk and ingesting it, and the small
 * GPT-2-format model whose activations its records are (into a models folder, one folder per
 * model, as MODELS_DIR holds them), so that the app has a dataset and a model to run with no
 * network: `npm start` calls ensureDemoDataset on start, and the `demo-data` command writes them
 * anywhere.
 */
import { access, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  DEMO_DATASET,
  generateDemoDataset,
  type DemoDataset,
  type DemoFile,
} from '../core/demo/generate.ts';
import { DEMO_MODEL_VERSION, type DemoModelFiles } from '../core/demo/model.ts';
import { CONFIG_FILE, WEIGHTS_FILE } from '../core/model/sources.ts';
import { NEURON_FILE_KINDS } from '../core/format/types.ts';
import { ingestDataset, type IngestResult } from './ingest.ts';

/**
 * Marks a folder as the demo's, so that writing a demo never deletes anything else; it holds the
 * demo model's version, so that a demo written by an older generator is written again.
 */
const MARKER = '.demo-dataset';
const MODEL_MARKER = '.demo-model';

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
/** Throws NotADemoFolderError unless `dir` is new, empty or a previous demo's (per `marker`). */
async function checkDemoFolder(dir: string, marker = MARKER): Promise<void> {
  const present = await entries(dir);
  if (present.length > 0 && !present.includes(marker)) throw new NotADemoFolderError(dir);
}

const markerText = () =>
  `Written by neuron-explorer demo-data; safe to delete.\n${DEMO_MODEL_VERSION}\n`;

/** Whether `dir` holds a demo written by this version of the generator. */
async function isCurrent(dir: string, marker: string): Promise<boolean> {
  try {
    return (await readFile(join(dir, marker), 'utf8')).includes(DEMO_MODEL_VERSION);
  } catch {
    return false;
  }
}

export async function writeDemoFiles(dir: string, files: readonly DemoFile[]): Promise<void> {
  await checkDemoFolder(dir);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), markerText());
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

/**
 * Writes the demo model (config.json, model.safetensors) into `dir`: a new or empty folder, or
 * a previous demo model's. Any other folder is refused.
 */
export async function writeDemoModel(dir: string, model: DemoModelFiles): Promise<void> {
  await checkDemoFolder(dir, MODEL_MARKER);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MODEL_MARKER), markerText());
  await writeFile(join(dir, CONFIG_FILE), model.config);
  await writeFile(join(dir, WEIGHTS_FILE), model.weights);
}

export interface WriteDemoResult {
  path: string;
  /** Where the demo model was written (null when not asked for). */
  modelPath: string | null;
  files: number;
  bytes: number;
  /** Milliseconds to generate the files, and to write and ingest them. */
  generateMs: number;
  writeMs: number;
  ingest: IngestResult;
}

/**
 * Generates the demo dataset into `out` and ingests it (manifest, layer indexes, report; the
 * data folder's index.json is refreshed), and the demo model into `modelOut` when given. The
 * dataset id is the folder's name ("demo" under DATA_DIR). Replaces a previous demo in those
 * folders; refuses a folder holding anything else.
 */
export async function writeDemoDataset(
  out: string,
  { modelOut, demo }: { modelOut?: string; demo?: DemoDataset } = {},
): Promise<WriteDemoResult> {
  const path = resolve(out);
  const modelPath = modelOut === undefined ? null : resolve(modelOut);
  await checkDemoFolder(path);
  if (modelPath) await checkDemoFolder(modelPath, MODEL_MARKER);
  const started = performance.now();
  const { files, model } = demo ?? (await generateDemoDataset());
  const generated = performance.now();
  await writeDemoFiles(path, files);
  if (modelPath) await writeDemoModel(modelPath, model);
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
    modelPath,
    files: files.length,
    bytes: files.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0),
    generateMs: generated - started,
    writeMs: performance.now() - generated,
    ingest,
  };
}

/**
 * Makes sure `<dataDir>/demo` holds the ingested demo dataset and, with `modelsDir`,
 * `<modelsDir>/demo` the demo model: written when missing, half-written (no manifest) or from an
 * older generator; else left as they are. A models folder named "demo" that is not the demo's is
 * left alone (and reported in `modelProblem`).
 */
export async function ensureDemoDataset(
  dataDir: string,
  modelsDir?: string,
): Promise<{ created: boolean; path: string; modelPath: string | null; modelProblem?: string }> {
  const path = resolve(dataDir, DEMO_DATASET.id);
  const modelPath = modelsDir === undefined ? null : resolve(modelsDir, DEMO_DATASET.model);
  const datasetCurrent =
    (await exists(join(path, 'manifest.json'))) && (await isCurrent(path, MARKER));
  const modelCurrent =
    modelPath === null ||
    ((await exists(join(modelPath, WEIGHTS_FILE))) && (await isCurrent(modelPath, MODEL_MARKER)));
  if (datasetCurrent && modelCurrent) return { created: false, path, modelPath };
  let modelProblem: string | undefined;
  let modelOut = modelCurrent ? undefined : (modelPath ?? undefined);
  if (modelOut !== undefined) {
    try {
      await checkDemoFolder(modelOut, MODEL_MARKER);
    } catch (error) {
      modelProblem = (error as Error).message;
      modelOut = undefined;
    }
  }
  const demo = await generateDemoDataset();
  if (datasetCurrent) {
    if (modelOut !== undefined) await writeDemoModel(modelOut, demo.model);
    return { created: false, path, modelPath, ...(modelProblem ? { modelProblem } : {}) };
  }
  // Ingest also refreshes the data folder's index.json, which lists the demo from then on.
  await writeDemoDataset(path, { demo, ...(modelOut !== undefined ? { modelOut } : {}) });
  return { created: true, path, modelPath, ...(modelProblem ? { modelProblem } : {}) };
}
