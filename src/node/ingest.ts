/**
 * Ingest: reads a dataset source in the published layout and writes the static dataset the app
 * loads (see src/core/dataset/types.ts): manifest.json, one content-hashed LayerIndex per layer
 * (plain and gzipped), ingest-report.json; then refreshes the data folder's index.json.
 *
 * Layers are done one at a time (memory holds one layer, never the whole dataset) and each
 * finished layer is checkpointed under `.ingest/` in the out folder, so an interrupted run picks
 * up where it stopped. A file that is missing, malformed or unreadable fails that neuron only: it
 * goes into the report and the run goes on.
 *
 * In three steps: planIngest (open the source, list its layers and files, choose the names),
 * then per layer resumeOrReadLayer (a checkpoint, or readLayer and its index written), then
 * writeOutputs (report, manifest, the data folder's list).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import pLimit from 'p-limit';
import {
  buildManifest,
  LayerIndexBuilder,
  layerScores,
  summarizeLayer,
} from '../core/dataset/build.ts';
import type {
  DatasetManifest,
  IngestProblem,
  IngestReport,
  LayerIndex,
  LayerSummary,
} from '../core/dataset/types.ts';
import { LAYER_INDEX_FORMAT } from '../core/dataset/types.ts';
import { parseLayerIndex } from '../core/dataset/parse.ts';
import {
  DatasetFileError,
  parseNeuronRecord,
  parseNeuronSimulationResults,
} from '../core/format/parse.ts';
import { parseNeuronFilePath } from '../core/format/path.ts';
import { NEURON_FILE_KINDS, neuronFilePath, type NeuronFileKind } from '../core/format/types.ts';
import { writeDatasetList } from './dataset-list.ts';
import { writeFileAtomic } from './files.ts';
import { openSource, SourceReadError, type DatasetSource, type SourceOptions } from './source.ts';
import { hasTokenSources, writeTokenIndex, type TokenIndexStep } from './token-index.ts';

export interface IngestOptions {
  /** A folder, an http(s) base URL, "." for per-neuron files inside `out` itself, or a source. */
  source: string | DatasetSource;
  /** The dataset folder to write; its parent is the data folder whose index.json is refreshed. */
  out: string;
  /** Default: the out folder's name (which is also the id the app uses in URLs). */
  id?: string;
  /** Default: the source's model preset (by URL or folder name), else "unknown". */
  model?: string;
  /** Default: the preset's title ("GPT-2 XL"), else the id. */
  title?: string;
  synthetic?: boolean;
  /** Inclusive range of layers to ingest; default every layer of the source. */
  layers?: { from: number; to: number };
  /** Files read at once (default 32 for a folder, 16 for a URL). */
  concurrency?: number;
  /** Read activation records for maxActivations (default: yes for a folder, no for a URL). */
  records?: boolean;
  /** Write the token index (./token-index.ts; default: yes for a folder, no for a URL). */
  tokenIndex?: boolean;
  /** For a URL source without a preset, or to override it. */
  layerCount?: number;
  neuronsPerLayer?: number;
  /** Passed to the source when `source` is a string (retries, cache, fetch...). */
  sourceOptions?: SourceOptions;
  /** Ignore checkpoints of an interrupted run and start over. */
  restart?: boolean;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

export interface IngestProgress {
  /** The layer being read, or null before the first and after the last. */
  layer: number | null;
  layersDone: number;
  layersTotal: number;
  /** Files asked of the source so far (read, missing or failed) and in all. */
  filesDone: number;
  filesTotal: number;
  explained: number;
  missing: number;
  malformed: number;
  unreadable: number;
  /** Layers taken from an interrupted run's checkpoints instead of being read again. */
  layersResumed: number;
  elapsedMs: number;
}

export interface IngestResult {
  outDir: string;
  manifest: DatasetManifest;
  report: IngestReport;
  /** Where the report was written. */
  reportPath: string;
  /** One line for a terminal. */
  summary: string;
  /** Files read per second over the layers read in this run (not resumed ones). */
  filesPerSecond: number;
}

const CHECKPOINT_DIR = '.ingest';
const REPORT_FILE = 'ingest-report.json';
const MAX_MISSING_LISTED = 200;
const MAX_OTHER_LISTED = 2000;
const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

interface LayerCounts {
  filesRead: number;
  filesAsked: number;
  explained: number;
  missing: number;
  malformed: number;
  unreadable: number;
  omitted: number;
}

interface Checkpoint {
  fingerprint: string;
  summary: LayerSummary;
  counts: LayerCounts;
  problems: IngestProblem[];
}

interface LayerPlan {
  layer: number;
  neurons: number;
  /** Per kind read, the neurons to ask for (listed, or every neuron for a URL). */
  work: { kind: NeuronFileKind; neurons: number[] }[];
  files: number;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function zeroCounts(): LayerCounts {
  return {
    filesRead: 0,
    filesAsked: 0,
    explained: 0,
    missing: 0,
    malformed: 0,
    unreadable: 0,
    omitted: 0,
  };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Progress as the run goes, told to `onProgress` at most every 100 ms (and at each layer's end). */
class ProgressReporter {
  readonly state: IngestProgress;
  private lastTold = 0;

  constructor(
    private readonly started: number,
    layers: readonly LayerPlan[],
    private readonly onProgress: ((progress: IngestProgress) => void) | undefined,
  ) {
    this.state = {
      layer: null,
      layersDone: 0,
      layersTotal: layers.length,
      filesDone: 0,
      filesTotal: layers.reduce((n, p) => n + p.files, 0),
      explained: 0,
      missing: 0,
      malformed: 0,
      unreadable: 0,
      layersResumed: 0,
      elapsedMs: 0,
    };
  }

  tell(force: boolean): void {
    if (!this.onProgress) return;
    const now = Date.now();
    if (!force && now - this.lastTold < 100) return;
    this.lastTold = now;
    this.state.elapsedMs = now - this.started;
    this.onProgress({ ...this.state });
  }
}

/** Everything decided before a file is read: what to read, from where, and what to call it. */
interface IngestPlan {
  outDir: string;
  id: string;
  model: string;
  title: string;
  synthetic: boolean;
  source: DatasetSource;
  /** What the manifest and report name as the source: "." for the out folder itself. */
  sourceField: string;
  concurrency: number;
  fileKinds: NeuronFileKind[];
  kindsRead: NeuronFileKind[];
  layers: LayerPlan[];
  /** Identifies the source and format, so checkpoints of another run are not resumed. */
  fingerprint: string;
  checkpointDir: string;
}

/** A layer done: read in this run, or taken from a checkpoint. */
interface LayerOutcome {
  summary: LayerSummary;
  counts: LayerCounts;
  problems: IngestProblem[];
  scores: number[];
  resumed: boolean;
  /** Files asked of the source and ms spent, for a layer read in this run. */
  filesAsked: number;
  readMs: number;
}

export async function ingestDataset(options: IngestOptions): Promise<IngestResult> {
  const started = Date.now();
  const plan = await planIngest(options);
  if (options.restart) await rm(plan.checkpointDir, { recursive: true, force: true });
  const progress = new ProgressReporter(started, plan.layers, options.onProgress);
  progress.tell(true);
  const outcomes: LayerOutcome[] = [];
  for (const layer of plan.layers) {
    options.signal?.throwIfAborted();
    const outcome = await resumeOrReadLayer(plan, layer, progress, options.signal);
    outcomes.push(outcome);
    const { state } = progress;
    state.layersDone += 1;
    state.filesDone = plan.layers.slice(0, state.layersDone).reduce((n, p) => n + p.files, 0);
    state.layersResumed += outcome.resumed ? 1 : 0;
    const totals = sumCounts(outcomes);
    state.explained = totals.explained;
    state.missing = totals.missing;
    state.malformed = totals.malformed;
    state.unreadable = totals.unreadable;
    progress.tell(true);
  }
  const tokens = await writeTokenIndexStep(plan, options);
  const result = await writeOutputs(plan, outcomes, tokens, started);
  progress.state.layer = null;
  progress.tell(true);
  return result;
}

/**
 * The token index (which neurons respond to a token: ./token-index.ts), for local sources unless
 * asked otherwise; null when the source has nothing to build it from.
 */
async function writeTokenIndexStep(
  plan: IngestPlan,
  options: IngestOptions,
): Promise<TokenIndexStep | null> {
  const { source } = plan;
  const records = plan.kindsRead.includes('collated-activations');
  if (!(options.tokenIndex ?? source.kind === 'local')) return null;
  if (!(await hasTokenSources(source, records))) return null;
  return writeTokenIndex({
    source,
    outDir: plan.outDir,
    layers: plan.layers,
    records,
    concurrency: plan.concurrency,
    checkpointDir: plan.checkpointDir,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** The source opened, its layers and files listed, and the names chosen; nothing read or written. */
async function planIngest(options: IngestOptions): Promise<IngestPlan> {
  const outDir = resolve(options.out);
  const id = options.id ?? basename(outDir);
  if (!DATASET_ID.test(id)) {
    throw new Error(
      `${JSON.stringify(id)} cannot be a dataset id (letters, digits, ".", "_", "-"): choose another out folder name or give an id`,
    );
  }
  const sourceOptions: SourceOptions = {
    ...options.sourceOptions,
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.layerCount !== undefined ? { layerCount: options.layerCount } : {}),
    ...(options.neuronsPerLayer !== undefined ? { neuronsPerLayer: options.neuronsPerLayer } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  };
  const source =
    typeof options.source === 'string'
      ? openSource(options.source === '.' ? outDir : options.source, sourceOptions)
      : options.source;

  const fileKinds = await source.fileKinds();
  const wantRecords = options.records ?? source.kind === 'local';
  const kindsRead: NeuronFileKind[] = ['explanations'];
  if (wantRecords && fileKinds.includes('collated-activations')) {
    kindsRead.push('collated-activations');
  }

  let layerNumbers = await source.listLayers();
  if (options.layers) {
    const { from, to } = options.layers;
    layerNumbers = layerNumbers.filter((layer) => layer >= from && layer <= to);
  }
  if (layerNumbers.length === 0) {
    if (source.kind === 'local' && !existsSync(source.location))
      throw new Error(`${source.location} does not exist`);
    throw new Error(`${source.location} holds no layers${options.layers ? ' in that range' : ''}`);
  }
  // Every layer up front, so that progress has a total (listing is cheap next to reading).
  const layers: LayerPlan[] = [];
  for (const layer of layerNumbers) {
    const neurons = await source.neuronsPerLayer(layer);
    const work: LayerPlan['work'] = [];
    for (const kind of kindsRead) {
      work.push({ kind, neurons: (await source.listNeurons(kind, layer)) ?? range(neurons) });
    }
    layers.push({ layer, neurons, work, files: work.reduce((n, w) => n + w.neurons.length, 0) });
  }

  return {
    outDir,
    id,
    model: options.model ?? source.preset?.model ?? 'unknown',
    title: options.title ?? source.preset?.title ?? id,
    synthetic: options.synthetic ?? false,
    source,
    sourceField:
      source.kind === 'local' && resolve(source.location) === outDir ? '.' : source.location,
    concurrency: Math.max(1, options.concurrency ?? (source.kind === 'local' ? 32 : 16)),
    fileKinds,
    kindsRead,
    layers,
    fingerprint: sha256(
      JSON.stringify({ format: LAYER_INDEX_FORMAT, source: source.location, kindsRead }),
    ).slice(0, 16),
    checkpointDir: join(outDir, CHECKPOINT_DIR),
  };
}

/** A layer from an interrupted run's checkpoint, else read, its index written and checkpointed. */
async function resumeOrReadLayer(
  plan: IngestPlan,
  layer: LayerPlan,
  progress: ProgressReporter,
  signal: AbortSignal | undefined,
): Promise<LayerOutcome> {
  progress.state.layer = layer.layer;
  const checkpointPath = join(plan.checkpointDir, `layer-${layer.layer}.json`);
  const checkpoint = await readCheckpoint(checkpointPath, plan.fingerprint, plan.outDir);
  if (checkpoint) {
    return {
      summary: checkpoint.summary,
      counts: checkpoint.counts,
      problems: checkpoint.problems,
      scores: layerScores(checkpoint.index),
      resumed: true,
      filesAsked: 0,
      readMs: 0,
    };
  }
  const readStarted = Date.now();
  const read = await readLayer(plan, layer, progress, signal);
  const readMs = Date.now() - readStarted;
  const written = await writeLayerIndex(plan.outDir, read.index);
  const done: Checkpoint = {
    fingerprint: plan.fingerprint,
    summary: summarizeLayer(read.index, { neurons: layer.neurons, ...written }),
    counts: read.counts,
    problems: read.problems,
  };
  await writeFileAtomic(checkpointPath, JSON.stringify(done));
  return {
    summary: done.summary,
    counts: done.counts,
    problems: done.problems,
    scores: layerScores(read.index),
    resumed: false,
    filesAsked: read.counts.filesAsked,
    readMs,
  };
}

function sumCounts(outcomes: readonly LayerOutcome[]): LayerCounts {
  const totals = zeroCounts();
  for (const { counts } of outcomes) {
    for (const key of Object.keys(totals) as (keyof LayerCounts)[]) totals[key] += counts[key];
  }
  return totals;
}

/**
 * The report, the manifest (last, so that a reader never sees a manifest naming indexes not yet
 * written), the removal of an earlier run's indexes and of the checkpoints, and the data folder's
 * list of datasets.
 */
async function writeOutputs(
  plan: IngestPlan,
  outcomes: readonly LayerOutcome[],
  tokens: TokenIndexStep | null,
  started: number,
): Promise<IngestResult> {
  const { outDir } = plan;
  const totals = sumCounts(outcomes);
  for (const problem of tokens?.problems ?? []) {
    if (problem.kind !== 'missing') totals[problem.kind] += 1;
  }
  totals.omitted += tokens?.omitted ?? 0;
  const finishedAt = new Date().toISOString();
  const ingestReport: IngestReport = {
    source: plan.sourceField,
    startedAt: new Date(started).toISOString(),
    finishedAt,
    layers: plan.layers.map((p) => p.layer),
    filesRead: totals.filesRead,
    explained: totals.explained,
    missing: totals.missing,
    malformed: totals.malformed,
    unreadable: totals.unreadable,
    omitted: totals.omitted,
    problems: [...outcomes.flatMap((outcome) => outcome.problems), ...(tokens?.problems ?? [])],
  };
  await writeFileAtomic(join(outDir, REPORT_FILE), `${JSON.stringify(ingestReport, null, 1)}\n`);
  const scores: number[] = [];
  for (const outcome of outcomes) for (const score of outcome.scores) scores.push(score);
  const summaries = outcomes.map((outcome) => outcome.summary);
  const manifest = buildManifest(
    {
      id: plan.id,
      title: plan.title,
      model: plan.model,
      synthetic: plan.synthetic,
      source: plan.sourceField,
      createdAt: finishedAt,
      fileKinds: plan.fileKinds,
      report: REPORT_FILE,
      ...(tokens ? { search: { tokens: tokens.path } } : {}),
    },
    summaries,
    scores,
  );
  await writeFileAtomic(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  await removeStaleIndexes(outDir, manifest);
  await tokens?.removeStale();
  await rm(plan.checkpointDir, { recursive: true, force: true });
  await writeDatasetList(dirname(outDir));

  const seconds = (Date.now() - started) / 1000;
  const filesReadThisRun = outcomes.reduce((n, o) => n + o.filesAsked, 0);
  const readMs = outcomes.reduce((n, o) => n + o.readMs, 0);
  const filesPerSecond = readMs > 0 ? (filesReadThisRun * 1000) / readMs : 0;
  const withRecords = summaries.reduce((n, s) => n + s.withRecords, 0);
  const resumedLayers = outcomes.filter((o) => o.resumed).length;
  const resumed = resumedLayers > 0 ? `, ${resumedLayers} layers resumed` : '';
  const summary =
    `Ingested ${plan.id}: ${plan.layers.length} layers, ${formatCount(totals.explained)} explained neurons` +
    (plan.kindsRead.includes('collated-activations')
      ? ` (${formatCount(withRecords)} with records)`
      : '') +
    `, ${formatCount(totals.missing)} missing, ${formatCount(totals.malformed)} malformed, ` +
    `${formatCount(totals.unreadable)} unreadable; ${formatCount(filesReadThisRun)} files in ${seconds.toFixed(1)} s` +
    (filesPerSecond > 0 ? ` (${formatCount(Math.round(filesPerSecond))} files/s)` : '') +
    `${resumed} -> ${join(outDir, 'manifest.json')}`;
  return {
    outDir,
    manifest,
    report: ingestReport,
    reportPath: join(outDir, REPORT_FILE),
    summary,
    filesPerSecond,
  };
}

/** Reads one layer's files from the source into its LayerIndex, counting and noting problems. */
async function readLayer(
  plan: IngestPlan,
  layerPlan: LayerPlan,
  progress: ProgressReporter,
  signal: AbortSignal | undefined,
): Promise<{ index: LayerIndex; counts: LayerCounts; problems: IngestProblem[] }> {
  const { source, concurrency } = plan;
  const builder = new LayerIndexBuilder(layerPlan.layer);
  const counts = zeroCounts();
  const problems: IngestProblem[] = [];
  const listed = { missing: 0, other: 0 };
  const note = (problem: IngestProblem) => {
    const group = problem.kind === 'missing' ? 'missing' : 'other';
    const cap = group === 'missing' ? MAX_MISSING_LISTED : MAX_OTHER_LISTED;
    if (listed[group] < cap) {
      listed[group] += 1;
      problems.push(problem);
    } else {
      counts.omitted += 1;
    }
  };
  // Neurons whose explanation file exists but could not be used: not "missing".
  const malformedExplanations = new Set<number>();
  const explainedNeurons = new Set<number>();
  const layer = layerPlan.layer;
  const state = progress.state;

  for (const { kind, neurons } of layerPlan.work) {
    await pLimit(concurrency).map(neurons, async (neuron) => {
      signal?.throwIfAborted();
      const path = neuronFilePath(kind, layer, neuron);
      counts.filesAsked += 1;
      state.filesDone += 1;
      let text: string | null;
      try {
        text = await source.readNeuronFile(kind, layer, neuron, signal);
      } catch (error) {
        if (!(error instanceof SourceReadError)) throw error;
        counts.unreadable += 1;
        state.unreadable += 1;
        if (kind === 'explanations') malformedExplanations.add(neuron);
        note({ path, kind: 'unreadable', message: error.message });
        progress.tell(false);
        return;
      }
      if (text === null) {
        progress.tell(false);
        return;
      }
      counts.filesRead += 1;
      try {
        if (kind === 'explanations') {
          const results = parseNeuronSimulationResults(text, { path, layer, neuron });
          if (builder.addExplanation(neuron, results)) {
            explainedNeurons.add(neuron);
            state.explained += 1;
          }
        } else {
          builder.addRecord(neuron, parseNeuronRecord(text, { path, layer, neuron }));
        }
      } catch (error) {
        if (!(error instanceof DatasetFileError)) throw error;
        counts.malformed += 1;
        state.malformed += 1;
        if (kind === 'explanations') malformedExplanations.add(neuron);
        note({ path, kind: 'malformed', message: error.message });
      }
      progress.tell(false);
    });
  }

  // Every neuron of the layer should have an explanation; the ones without are "missing" (a
  // malformed or unreadable file is counted as such, and a file with no explanation in it as
  // missing).
  for (let neuron = 0; neuron < layerPlan.neurons; neuron += 1) {
    if (explainedNeurons.has(neuron) || malformedExplanations.has(neuron)) continue;
    const path = neuronFilePath('explanations', layer, neuron);
    counts.missing += 1;
    note({ path, kind: 'missing', message: `${path}: no explanation file` });
  }
  counts.explained = explainedNeurons.size;
  state.missing += counts.missing;
  // In file order, not the order reads happened to finish: the same report on every run.
  problems.sort((a, b) => problemOrder(a) - problemOrder(b) || a.path.localeCompare(b.path));
  return { index: builder.build(), counts, problems };
}

/** Damaged files by kind of file, then neuron; missing ones after them. */
function problemOrder(problem: IngestProblem): number {
  const file = parseNeuronFilePath(problem.path);
  if (!file) return Number.MAX_SAFE_INTEGER;
  const kind =
    problem.kind === 'missing' ? NEURON_FILE_KINDS.length : NEURON_FILE_KINDS.indexOf(file.kind);
  return kind * 2 ** 32 + file.neuron;
}

async function writeLayerIndex(
  outDir: string,
  index: LayerIndex,
): Promise<{ index: string; indexBytes: number; indexGzipBytes: number }> {
  const text = JSON.stringify(index);
  const path = `index/layer-${index.layer}.${sha256(text).slice(0, 12)}.json`;
  const gzipped = gzipSync(text, { level: 9 });
  await writeFileAtomic(join(outDir, path), text);
  await writeFileAtomic(join(outDir, `${path}.gz`), gzipped);
  return { index: path, indexBytes: Buffer.byteLength(text), indexGzipBytes: gzipped.length };
}

async function readCheckpoint(
  path: string,
  fingerprint: string,
  outDir: string,
): Promise<(Checkpoint & { index: LayerIndex }) | null> {
  try {
    const checkpoint = JSON.parse(await readFile(path, 'utf8')) as Checkpoint;
    if (checkpoint.fingerprint !== fingerprint) return null;
    const indexPath = checkpoint.summary.index;
    const text = await readFile(join(outDir, indexPath), 'utf8');
    // An index changed since it was written is read again from the source.
    if (!indexPath.includes(`.${sha256(text).slice(0, 12)}.json`)) return null;
    return { ...checkpoint, index: parseLayerIndex(text, { path: indexPath }) };
  } catch {
    return null;
  }
}

/** Index files of earlier runs that the new manifest no longer names. */
async function removeStaleIndexes(outDir: string, manifest: DatasetManifest): Promise<void> {
  const keep = new Set(manifest.layers.flatMap((l) => [l.index, `${l.index}.gz`]));
  let names: string[] = [];
  try {
    names = await readdir(join(outDir, 'index'));
  } catch {
    return;
  }
  for (const name of names) {
    if (/^layer-\d+\.[0-9a-f]+\.json(\.gz)?$/.test(name) && !keep.has(`index/${name}`)) {
      await rm(join(outDir, 'index', name), { force: true });
    }
  }
}
