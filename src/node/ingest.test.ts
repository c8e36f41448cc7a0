import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDatasetList, parseLayerIndex, parseManifest } from '../core/dataset/parse.ts';
import type { IngestReport } from '../core/dataset/types.ts';
import { ingestDataset, type IngestProgress } from './ingest.ts';
import { scanDataDir } from './dataset-list.ts';
import { openSource } from './source.ts';

const fixtures = fileURLToPath(new URL('../../tests/fixtures/format/', import.meta.url));
const explanation57 = readFileSync(join(fixtures, 'explanations-5-7.jsonl'), 'utf8');
const record57 = readFileSync(join(fixtures, 'collated-activations-5-7.json'), 'utf8');

/** The handmade neuron 5:7 files renumbered as another neuron. */
const explanationFor = (layer: number, neuron: number) =>
  explanation57.replace(
    '"layer_index": 5, "neuron_index": 7',
    `"layer_index": ${layer}, "neuron_index": ${neuron}`,
  );
const recordFor = (layer: number, neuron: number) =>
  record57.replace(
    '"layer_index": 5,\n  "neuron_index": 7',
    `"layer_index": ${layer},\n  "neuron_index": ${neuron}`,
  );

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** A published-layout folder: 2 layers of 5 neurons, with a damaged and an unexplained neuron. */
function publishedFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'ingest-source-'));
  write(root, {
    'explanations/0/0.jsonl': explanationFor(0, 0),
    'explanations/0/1.jsonl': explanationFor(0, 1).slice(0, 300),
    'explanations/0/2.jsonl': JSON.stringify({
      neuron_id: { layer_index: 0, neuron_index: 2 },
      scored_explanations: [
        { explanation: ' unscored', scored_simulation: { scored_sequence_simulations: [] } },
      ],
    }),
    'collated-activations/0/0.json': recordFor(0, 0),
    'collated-activations/0/3.json': recordFor(0, 3),
    'collated-activations/0/4.json': recordFor(0, 9),
    'explanations/1/0.jsonl': explanationFor(1, 0).replace('0.73', '0.95'),
  });
  return root;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

describe('ingestDataset', () => {
  it('writes the manifest, layer indexes, report and data folder index', async () => {
    const source = publishedFolder();
    const dataDir = mkdtempSync(join(tmpdir(), 'ingest-data-'));
    const out = join(dataDir, 'tiny');
    const progress: IngestProgress[] = [];
    const result = await ingestDataset({
      source,
      out,
      neuronsPerLayer: 5,
      onProgress: (p) => progress.push(p),
    });

    const manifest = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'), {
      path: 'manifest.json',
    });
    expect(manifest).toEqual(result.manifest);
    expect(manifest).toMatchObject({
      id: 'tiny',
      title: 'tiny',
      model: 'unknown',
      synthetic: false,
      source,
      fileKinds: ['explanations', 'collated-activations'],
      report: 'ingest-report.json',
    });
    expect(manifest.layers.map((l) => [l.layer, l.neurons, l.explained, l.withRecords])).toEqual([
      [0, 5, 2, 2],
      [1, 5, 1, 0],
    ]);
    expect(manifest.scoreSummary.count).toBe(2);
    expect(manifest.scoreSummary.quantiles?.max).toBe(0.95);

    const layer0 = manifest.layers[0];
    const text = readFileSync(join(out, layer0?.index ?? ''), 'utf8');
    expect(gunzipSync(readFileSync(join(out, `${layer0?.index}.gz`))).toString()).toBe(text);
    expect(layer0?.indexBytes).toBe(Buffer.byteLength(text));
    expect(parseLayerIndex(text, { path: 'index' })).toEqual({
      format: 'neuron-explorer.layer-index/1',
      layer: 0,
      neurons: [0, 2, 3],
      scores: [0.73, null, null],
      explanations: [' cats', ' unscored', null],
      maxActivations: [4.25, null, 4.25],
      hasRecords: [1, 0, 1],
    });

    const report = readJson<IngestReport>(join(out, 'ingest-report.json'));
    expect(report).toMatchObject({
      source,
      layers: [0, 1],
      filesRead: 7,
      explained: 3,
      missing: 6,
      malformed: 2,
      unreadable: 0,
      omitted: 0,
    });
    expect(report.problems.filter((p) => p.kind === 'malformed')).toEqual([
      {
        path: 'explanations/0/1.jsonl',
        kind: 'malformed',
        message:
          'explanations/0/1.jsonl: truncated: the text stops after 300 characters, inside scored_explanations[0].scored_simulation',
      },
      {
        path: 'collated-activations/0/4.json',
        kind: 'malformed',
        message:
          'collated-activations/0/4.json: neuron_id: names layer 0, neuron 9, but the file is for layer 0, neuron 4',
      },
    ]);
    expect(report.problems.filter((p) => p.kind === 'missing').map((p) => p.path)).toEqual([
      'explanations/0/3.jsonl',
      'explanations/0/4.jsonl',
      'explanations/1/1.jsonl',
      'explanations/1/2.jsonl',
      'explanations/1/3.jsonl',
      'explanations/1/4.jsonl',
    ]);

    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ layersDone: 2, layersTotal: 2, filesDone: 7, filesTotal: 7 });
    expect(result.summary).toMatch(
      /^Ingested tiny: 2 layers, 3 explained neurons \(2 with records\), 6 missing, 2 malformed, 0 unreadable; 7 files in [\d.]+ s/,
    );

    const list = parseDatasetList(readFileSync(join(dataDir, 'index.json'), 'utf8'), {
      path: 'index.json',
    });
    expect(list).toEqual({
      default: 'tiny',
      datasets: [{ id: 'tiny', title: 'tiny', model: 'unknown', synthetic: false }],
    });
    expect(existsSync(join(out, '.ingest'))).toBe(false);
  });

  it('resumes an interrupted run from its finished layers', async () => {
    const source = publishedFolder();
    const out = join(mkdtempSync(join(tmpdir(), 'ingest-data-')), 'resumed');
    const controller = new AbortController();
    await expect(
      ingestDataset({
        source,
        out,
        neuronsPerLayer: 5,
        concurrency: 1,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.layersDone === 1) controller.abort(new Error('interrupted'));
        },
      }),
    ).rejects.toThrow('interrupted');
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    expect(readdirSync(join(out, '.ingest'))).toEqual(['layer-0.json']);

    const resumed = await ingestDataset({ source, out, neuronsPerLayer: 5 });
    expect(resumed.summary).toContain('1 layers resumed');
    const fresh = await ingestDataset({
      source,
      out: join(mkdtempSync(join(tmpdir(), 'ingest-data-')), 'resumed'),
      neuronsPerLayer: 5,
    });
    expect(resumed.manifest.layers).toEqual(fresh.manifest.layers);
    expect(resumed.report.problems).toEqual(fresh.report.problems);
    expect(resumed.report.missing).toBe(6);
  });

  it('reads per-neuron files inside the dataset folder itself for source "."', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ingest-data-'));
    const out = join(dataDir, 'demo');
    cpSync(publishedFolder(), out, { recursive: true });
    const result = await ingestDataset({
      source: '.',
      out,
      title: 'Demo',
      model: 'gpt2-xl',
      synthetic: true,
      neuronsPerLayer: 5,
    });
    expect(result.manifest).toMatchObject({ source: '.', synthetic: true, title: 'Demo' });
    expect(result.report.source).toBe('.');
    const scan = await scanDataDir(dataDir);
    expect(scan.list).toEqual({
      default: 'demo',
      datasets: [{ id: 'demo', title: 'Demo', model: 'gpt2-xl', synthetic: true }],
    });
  });

  it('replaces the index files of an earlier run and lists every dataset folder', async () => {
    const source = publishedFolder();
    const dataDir = mkdtempSync(join(tmpdir(), 'ingest-data-'));
    const first = await ingestDataset({ source, out: join(dataDir, 'b'), neuronsPerLayer: 5 });
    write(source, { 'explanations/1/3.jsonl': explanationFor(1, 3) });
    const second = await ingestDataset({ source, out: join(dataDir, 'b'), neuronsPerLayer: 5 });
    expect(second.manifest.layers[0]?.index).toBe(first.manifest.layers[0]?.index);
    expect(second.manifest.layers[1]?.index).not.toBe(first.manifest.layers[1]?.index);
    expect(readdirSync(join(dataDir, 'b', 'index')).sort()).toEqual(
      second.manifest.layers.flatMap((l) => [l.index.slice(6), `${l.index.slice(6)}.gz`]).sort(),
    );
    await ingestDataset({
      source,
      out: join(dataDir, 'a'),
      neuronsPerLayer: 5,
      layers: { from: 1, to: 1 },
      synthetic: true,
    });
    const list = parseDatasetList(readFileSync(join(dataDir, 'index.json'), 'utf8'), {
      path: 'index.json',
    });
    expect(list.default).toBe('b');
    expect(list.datasets.map((d) => d.id)).toEqual(['b', 'a']);
  });

  it('ingests a URL source: 404 is missing, a failing server is unreadable, neither is fatal', async () => {
    const base = 'https://mirror.test/data/';
    const files: Record<string, string> = {
      'explanations/0/0.jsonl': explanationFor(0, 0),
      'explanations/0/2.jsonl': explanationFor(0, 2),
      'explanations/1/1.jsonl': explanationFor(1, 1),
    };
    const asked: string[] = [];
    const fetchImpl = (async (input: string | URL | Request) => {
      const path = String(input).slice(base.length);
      asked.push(path);
      if (path === 'explanations/0/1.jsonl') return new Response('down', { status: 503 });
      const text = files[path];
      return text === undefined ? new Response('', { status: 404 }) : new Response(text);
    }) as typeof fetch;
    const source = openSource(base, {
      layerCount: 2,
      neuronsPerLayer: 3,
      fetch: fetchImpl,
      retries: 1,
      retryDelayMs: 1,
    });
    const out = join(mkdtempSync(join(tmpdir(), 'ingest-data-')), 'remote');
    const result = await ingestDataset({ source, out });
    expect(result.manifest.source).toBe(base);
    expect(result.manifest.fileKinds).toEqual(['explanations']);
    expect(result.manifest.layers.map((l) => l.explained)).toEqual([2, 1]);
    expect(result.report).toMatchObject({ explained: 3, missing: 2, unreadable: 1, malformed: 0 });
    expect(result.report.problems.find((p) => p.kind === 'unreadable')).toEqual({
      path: 'explanations/0/1.jsonl',
      kind: 'unreadable',
      message: `explanations/0/1.jsonl: could not be fetched from ${base}explanations/0/1.jsonl after 2 attempts (HTTP 503)`,
    });
    // Records are not fetched from a URL unless asked for.
    expect(asked.filter((p) => p.startsWith('collated-activations/0/1'))).toEqual([]);
  });
});
