import { ContainedFolder } from './contained-files.ts';
import {
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
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../core/dataset/parse.ts';
import {
  parseTokenIndexHead,
  parseTokenShard,
  queryTokenShard,
  shardPathFor,
} from '../core/tokens-index/query.ts';
import { ingestDataset } from './ingest.ts';
import { writeScaleFixture } from './scale-fixture.ts';
import { tokenIndexShards } from './token-index.ts';

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const explanation = (layer: number, neuron: number) =>
  JSON.stringify({
    neuron_id: { layer_index: layer, neuron_index: neuron },
    scored_explanations: [
      {
        explanation: ' comic books',
        scored_simulation: { scored_sequence_simulations: [], ev_correlation_score: 0.5 },
      },
    ],
  });
const relatedTokens = (pairs: [string, number][]) =>
  JSON.stringify({
    dataclass_name: 'TokenLookupTableSummaryOfNeuron',
    tokens: pairs.map(([t]) => t),
    average_activations: pairs.map(([, v]) => v),
  });
const records = (layer: number, neuron: number, tokens: string[], activations: number[]) =>
  JSON.stringify({
    neuron_id: { layer_index: layer, neuron_index: neuron },
    most_positive_activation_records: [{ tokens, activations }],
    random_sample: [],
  });

/** Two layers of four neurons: related tokens, records, and one broken related-tokens file. */
function source(): string {
  const root = mkdtempSync(join(tmpdir(), 'token-index-source-'));
  const files: Record<string, string> = {};
  for (const layer of [0, 1]) {
    for (let neuron = 0; neuron < 4; neuron++) {
      files[`explanations/${layer}/${neuron}.jsonl`] = explanation(layer, neuron);
    }
  }
  Object.assign(files, {
    'related-tokens/activation-based/0/1.json': relatedTokens([
      [' Marvel', 2.5],
      [' comics', 1.5],
    ]),
    'related-tokens/activation-based/1/3.json': relatedTokens([['Marvel', 4]]),
    'related-tokens/activation-based/1/0.json': '{"tokens": [" Marvel"], "average_act',
    'collated-activations/0/2.json': records(0, 2, [' The', ' Marvel', ' film'], [0.1, 3, 0.2]),
  });
  write(root, files);
  return root;
}

async function ingest(from: string, out: string) {
  return ingestDataset({ source: from, out, neuronsPerLayer: 4 });
}

describe('the token index at ingest', () => {
  it('is written beside the layer indexes, named by the manifest, and answers a query', async () => {
    const from = source();
    const out = join(mkdtempSync(join(tmpdir(), 'token-index-data-')), 'comics');
    const result = await ingest(from, out);

    const manifest = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'), {
      path: 'manifest.json',
    });
    const headPath = manifest.search?.tokens;
    expect(headPath).toMatch(/^search\/tokens\.[0-9a-f]{12}\.json$/);
    const head = parseTokenIndexHead(readFileSync(join(out, headPath!), 'utf8'), headPath!);
    expect(head).toMatchObject({
      entries: 4,
      neurons: 3,
      sources: { relatedTokens: 2, records: 1 },
    });
    // Gzipped copies hold the same bytes, for servers that send precompressed files.
    for (const file of [
      headPath!,
      ...(await tokenIndexShards(new ContainedFolder(out), manifest)),
    ]) {
      expect(gunzipSync(readFileSync(join(out, `${file}.gz`))).toString()).toBe(
        readFileSync(join(out, file), 'utf8'),
      );
    }

    const shardPath = shardPathFor(head, ' Marvel');
    const shard = parseTokenShard(readFileSync(join(out, shardPath), 'utf8'), shardPath);
    const answer = queryTokenShard(shard, { text: 'marvel' });
    expect(answer.hits).toEqual([
      { layer: 1, neuron: 3, mean: 4, top: null, tokens: ['Marvel'] },
      { layer: 0, neuron: 1, mean: 2.5, top: null, tokens: [' Marvel'] },
      { layer: 0, neuron: 2, mean: null, top: 3, tokens: [' Marvel'] },
    ]);

    // The broken file fails its neuron only, and is in the report.
    expect(result.report.problems).toContainEqual(
      expect.objectContaining({
        path: 'related-tokens/activation-based/1/0.json',
        kind: 'malformed',
      }),
    );
  });

  it('replaces the files of an earlier run when the source changes', async () => {
    const from = source();
    const out = join(mkdtempSync(join(tmpdir(), 'token-index-data-')), 'comics');
    const first = (await ingest(from, out)).manifest.search!.tokens!;
    write(from, { 'related-tokens/activation-based/0/0.json': relatedTokens([[' DC', 1]]) });
    const { manifest } = await ingest(from, out);
    const second = manifest.search!.tokens!;
    expect(second).not.toBe(first);
    expect(existsSync(join(out, first))).toBe(false);
    const kept = readdirSync(join(out, 'search')).sort();
    const named = [second, ...(await tokenIndexShards(new ContainedFolder(out), manifest))].flatMap(
      (f) => [f, `${f}.gz`],
    );
    expect(kept).toEqual(named.map((f) => f.replace('search/', '')).sort());
  });

  it('is left out when asked, and when the source has nothing to build it from', async () => {
    const from = source();
    const out = join(mkdtempSync(join(tmpdir(), 'token-index-data-')), 'comics');
    const skipped = await ingestDataset({
      source: from,
      out,
      neuronsPerLayer: 4,
      tokenIndex: false,
    });
    expect(skipped.manifest.search).toBeUndefined();

    const bare = mkdtempSync(join(tmpdir(), 'token-index-source-'));
    write(bare, { 'explanations/0/0.jsonl': explanation(0, 0) });
    const none = await ingest(bare, join(mkdtempSync(join(tmpdir(), 'token-index-data-')), 'x'));
    expect(none.manifest.search).toBeUndefined();
  });
});

describe('the scale fixture with related tokens', () => {
  it('writes them without changing its explanation files, and ingest indexes every one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'token-index-scale-'));
    writeScaleFixture({ out: join(root, 'plain'), layers: 2, neurons: 30 });
    const info = writeScaleFixture({
      out: join(root, 'tokens'),
      layers: 2,
      neurons: 30,
      relatedTokens: 20,
    });
    expect(info).toMatchObject({ files: 120, relatedTokens: 20 });
    expect(readFileSync(join(root, 'tokens/explanations/1/29.jsonl'), 'utf8')).toBe(
      readFileSync(join(root, 'plain/explanations/1/29.jsonl'), 'utf8'),
    );
    const { manifest } = await ingestDataset({
      source: join(root, 'tokens'),
      out: join(root, 'data', 'scale'),
    });
    const headPath = manifest.search!.tokens!;
    const head = parseTokenIndexHead(
      readFileSync(join(root, 'data/scale', headPath), 'utf8'),
      headPath,
    );
    expect(head).toMatchObject({ entries: 1200, neurons: 60, sources: { relatedTokens: 60 } });
  });
});
