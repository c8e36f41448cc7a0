/**
 * Ingest's token-index step: reads each layer's activation-based related tokens (and top records,
 * when asked) from the source and writes the token index (src/core/tokens-index/format.ts) into
 * the dataset folder: `search/tokens.{hash}.json` (the head, which the manifest names) and its
 * shards, each content-hashed, plain and gzipped.
 *
 * Like ingest's layers, each layer read is checkpointed in the run's checkpoint folder, so an
 * interrupted run reads only the layers it had not finished. A missing file is no problem (many
 * neurons have none); a malformed or unreadable one fails that neuron's entries only, and a
 * related-tokens file's problem is listed with ingest's (a record's, ingest lists itself).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pLimit from 'p-limit';
import type { DatasetManifest, IngestProblem } from '../core/dataset/types.ts';
import {
  DatasetFileError,
  parseNeuronRecord,
  parseTokenLookupTable,
} from '../core/format/parse.ts';
import {
  neuronFilePath,
  type NeuronFileKind,
  type TokenLookupTableSummaryOfNeuron,
} from '../core/format/types.ts';
import { TokenIndexBuilder, type TokenIndexPart } from '../core/tokens-index/build.ts';
import {
  DEFAULT_TOKEN_INDEX_LIMITS,
  TOKEN_INDEX_FORMAT,
  type TokenIndexHead,
  type TokenIndexLimits,
} from '../core/tokens-index/format.ts';
import { parseTokenIndexHead } from '../core/tokens-index/query.ts';
import { MAX_LAYER_INDEX_BYTES } from '../core/dataset/limits.ts';
import type { ContainedFolder } from './contained-files.ts';
import { writeFileAtomic } from './files.ts';
import { SourceReadError, type DatasetSource } from './source.ts';

export const RELATED_TOKENS_KIND: NeuronFileKind = 'related-tokens/activation-based';
const RECORDS_KIND: NeuronFileKind = 'collated-activations';
/** The folder, relative to the dataset folder, that holds the index's files. */
const FOLDER = 'search';
const FILE_NAME = /^tokens(-\d+)?\.[0-9a-f]+\.json(\.gz)?$/;
/** Problems listed at most (the rest are counted). */
const MAX_LISTED = 2000;

export interface TokenIndexStepOptions {
  source: DatasetSource;
  outDir: string;
  /** The layers to read, with their neuron counts (ingest's plan). */
  layers: readonly { layer: number; neurons: number }[];
  /** Read the top records too (their strongest tokens). */
  records: boolean;
  concurrency: number;
  /** Where finished layers are checkpointed (ingest's, removed by ingest when it is done). */
  checkpointDir: string;
  limits?: TokenIndexLimits;
  signal?: AbortSignal;
  onLayer?: (done: number, total: number) => void;
}

export interface TokenIndexStep {
  /** The head's path, relative to the dataset folder: the manifest's `search.tokens`. */
  path: string;
  head: TokenIndexHead;
  problems: IngestProblem[];
  /** Problems beyond those listed. */
  omitted: number;
  /** Files read (not resumed). */
  filesRead: number;
  /** Removes index files of earlier runs; call once the manifest naming this one is written. */
  removeStale(): Promise<void>;
}

interface LayerCheckpoint {
  fingerprint: string;
  part: TokenIndexPart;
  problems: IngestProblem[];
  omitted: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/**
 * Whether the step has anything to read: the source holds related-tokens files (or records, when
 * they are to be read).
 */
export async function hasTokenSources(source: DatasetSource, records: boolean): Promise<boolean> {
  const kinds = await source.fileKinds();
  return kinds.includes(RELATED_TOKENS_KIND) || (records && kinds.includes(RECORDS_KIND));
}

export async function writeTokenIndex(options: TokenIndexStepOptions): Promise<TokenIndexStep> {
  const { source, outDir, records, signal } = options;
  const limits = options.limits ?? DEFAULT_TOKEN_INDEX_LIMITS;
  const kinds = await source.fileKinds();
  const read: NeuronFileKind[] = [];
  if (kinds.includes(RELATED_TOKENS_KIND)) read.push(RELATED_TOKENS_KIND);
  if (records && kinds.includes(RECORDS_KIND)) read.push(RECORDS_KIND);
  const fingerprint = sha256(
    JSON.stringify({ format: TOKEN_INDEX_FORMAT, source: source.location, read, limits }),
  ).slice(0, 16);
  const limit = pLimit(Math.max(1, options.concurrency));
  const builder = new TokenIndexBuilder(limits);
  const problems: IngestProblem[] = [];
  let omitted = 0;
  let filesRead = 0;

  let done = 0;
  for (const { layer, neurons } of options.layers) {
    signal?.throwIfAborted();
    const checkpointPath = join(options.checkpointDir, `tokens-layer-${layer}.json`);
    let checkpoint = await readJson<LayerCheckpoint>(checkpointPath);
    if (checkpoint?.fingerprint !== fingerprint) {
      checkpoint = await readLayer(layer, neurons);
      await writeFileAtomic(checkpointPath, JSON.stringify(checkpoint));
    }
    builder.addPart(checkpoint.part);
    for (const problem of checkpoint.problems) {
      if (problems.length < MAX_LISTED) problems.push(problem);
      else omitted += 1;
    }
    omitted += checkpoint.omitted;
    options.onLayer?.(++done, options.layers.length);
  }

  /**
   * One layer: its related tokens first (small files, kept until their neuron is added), then its
   * records, each turned into its neuron's entries as it is parsed (a record file can be large:
   * only a few dozen tokens of it are kept).
   */
  async function readLayer(layer: number, neurons: number): Promise<LayerCheckpoint> {
    const layerProblems: IngestProblem[] = [];
    let layerOmitted = 0;
    const part = new TokenIndexBuilder(limits);
    const related = new Map<number, TokenLookupTableSummaryOfNeuron>();
    const readAll = async (kind: NeuronFileKind, take: (neuron: number, text: string) => void) => {
      const listed =
        (await source.listNeurons(kind, layer)) ?? Array.from({ length: neurons }, (_, i) => i);
      await Promise.all(
        listed.map((neuron) =>
          limit(async () => {
            signal?.throwIfAborted();
            const path = neuronFilePath(kind, layer, neuron);
            try {
              const text = await source.readNeuronFile(kind, layer, neuron, signal);
              if (text === null) return;
              filesRead += 1;
              take(neuron, text);
            } catch (error) {
              const problem =
                error instanceof SourceReadError
                  ? 'unreadable'
                  : error instanceof DatasetFileError
                    ? 'malformed'
                    : null;
              if (problem === null) throw error;
              // Ingest reads the records too, and reports their problems itself.
              if (kind === RECORDS_KIND) return;
              if (layerProblems.length < MAX_LISTED) {
                layerProblems.push({ path, kind: problem, message: (error as Error).message });
              } else {
                layerOmitted += 1;
              }
            }
          }),
        ),
      );
    };
    const where = (kind: NeuronFileKind, neuron: number) => ({
      path: neuronFilePath(kind, layer, neuron),
      layer,
      neuron,
    });
    if (read.includes(RELATED_TOKENS_KIND)) {
      await readAll(RELATED_TOKENS_KIND, (neuron, text) =>
        related.set(neuron, parseTokenLookupTable(text, where(RELATED_TOKENS_KIND, neuron))),
      );
    }
    if (read.includes(RECORDS_KIND)) {
      await readAll(RECORDS_KIND, (neuron, text) => {
        const record = parseNeuronRecord(text, where(RECORDS_KIND, neuron));
        part.addNeuron(
          layer,
          neuron,
          related.get(neuron) ?? null,
          record.most_positive_activation_records,
        );
        related.delete(neuron);
      });
    }
    for (const [neuron, tokens] of related) part.addNeuron(layer, neuron, tokens, null);
    layerProblems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { fingerprint, part: part.toPart(), problems: layerProblems, omitted: layerOmitted };
  }

  // The shards, then the head that names them: a reader never finds a head without its shards.
  const shards: string[] = [];
  for (const shard of builder.shards()) {
    const text = JSON.stringify(shard);
    const path = `${FOLDER}/tokens-${shard.shard}.${sha256(text).slice(0, 12)}.json`;
    await writeCompressed(outDir, path, text);
    shards.push(path);
  }
  const head: TokenIndexHead = { format: TOKEN_INDEX_FORMAT, shards, ...builder.summary() };
  const text = `${JSON.stringify(head)}\n`;
  const path = `${FOLDER}/tokens.${sha256(text).slice(0, 12)}.json`;
  await writeCompressed(outDir, path, text);

  const keep = new Set([path, ...shards].flatMap((p) => [p, `${p}.gz`]));
  return {
    path,
    head,
    problems,
    omitted,
    filesRead,
    async removeStale() {
      let names: string[];
      try {
        names = await readdir(join(outDir, FOLDER));
      } catch {
        return;
      }
      for (const name of names) {
        if (FILE_NAME.test(name) && !keep.has(`${FOLDER}/${name}`)) {
          await rm(join(outDir, FOLDER, name), { force: true });
        }
      }
    },
  };
}

async function writeCompressed(outDir: string, path: string, text: string): Promise<void> {
  await writeFileAtomic(join(outDir, path), text);
  await writeFileAtomic(join(outDir, `${path}.gz`), gzipSync(text, { level: 9 }));
}

/**
 * The shard files of a dataset's token index, relative to its folder (the manifest names only
 * the head): for copying a dataset whole. [] when it has none; a damaged head is an error.
 */
export async function tokenIndexShards(
  folder: ContainedFolder,
  manifest: DatasetManifest,
): Promise<string[]> {
  const headPath = manifest.search?.tokens;
  if (headPath === undefined) return [];
  const file = await folder.read(headPath, {
    bytes: MAX_LAYER_INDEX_BYTES,
    what: 'a token index head',
  });
  if (file === null) throw new Error(`${headPath}: missing (the manifest names it)`);
  return parseTokenIndexHead(file.bytes.toString('utf8'), headPath).shards;
}
