import { describe, expect, it } from 'vitest';
import { DatasetFileError } from '../format/parse.ts';
import type { ActivationRecord, TokenLookupTableSummaryOfNeuron } from '../format/types.ts';
import { neuronTokens, TokenIndexBuilder } from './build.ts';
import {
  PER_LAYER,
  QUERY_LIMIT,
  shardCount,
  shardOf,
  tokenKey,
  TOKEN_INDEX_FORMAT,
  type TokenShardFile,
} from './format.ts';
import { parseTokenIndexHead, parseTokenShard, queryTokenShard, type TokenShard } from './query.ts';

const related = (pairs: [string, number | null][]): TokenLookupTableSummaryOfNeuron => ({
  tokens: pairs.map(([t]) => t),
  average_activations: pairs.map(([, v]) => v),
});
const record = (tokens: string[], activations: number[]): ActivationRecord => ({
  tokens,
  activations,
});

/** The one shard of a small index, read back from its JSON as the app reads it. */
function onlyShard(builder: TokenIndexBuilder): TokenShard {
  const files = [...builder.shards()];
  expect(files).toHaveLength(1);
  return parseTokenShard(JSON.stringify(files[0]), 'tokens/shard-0.json', {
    shard: 0,
    shards: 1,
  });
}

describe('token keys and shards', () => {
  it('groups every spelling of a word under one key', () => {
    expect(tokenKey(' Marvel')).toBe('marvel');
    expect(tokenKey('MARVEL')).toBe('marvel');
    expect(tokenKey('\n')).toBe('\n');
    expect(shardOf(tokenKey(' Marvel'), 64)).toBe(shardOf(tokenKey('marvel'), 64));
  });

  it('cuts large indexes into more shards', () => {
    expect(shardCount(10)).toBe(1);
    expect(shardCount(307_200 * 64)).toBeGreaterThanOrEqual(512);
  });
});

describe('what a neuron contributes', () => {
  it('keeps positive related tokens, strongest first, up to the limit', () => {
    const out = neuronTokens(
      related([
        [' a', 0.5],
        [' b', 2],
        [' c', null],
        [' d', -0.1],
        [' e', 1],
      ]),
      null,
      { relatedTokens: 2, recordTokens: 0, recordShare: 0.5 },
    );
    expect(out.tokens).toEqual([' b', ' e']);
    expect(out.mean).toEqual([2, 1]);
    expect(out.top).toEqual([null, null]);
  });

  it('takes record tokens at half the top activation or more, merged with related ones', () => {
    const out = neuronTokens(related([[' Marvel', 1.23456]]), [
      record([' The', ' Marvel', ' film'], [0.1, 4, 1.9]),
      record([' Marvel', ' comics'], [3, 2.5]),
    ]);
    const byToken = Object.fromEntries(out.tokens.map((t, i) => [t, [out.mean[i], out.top[i]]]));
    expect(byToken).toEqual({ ' Marvel': [1.2346, 4], ' comics': [null, 2.5] });
  });
});

describe('querying a shard', () => {
  const builder = new TokenIndexBuilder();
  builder.addNeuron(0, 7, related([[' Marvel', 0.8]]), null);
  builder.addNeuron(3, 2, related([['Marvel', 2.5]]), null);
  builder.addNeuron(
    5,
    1,
    related([
      [' Marvel', 1.5],
      [' DC', 1],
    ]),
    null,
  );
  builder.addNeuron(5, 9, null, [record([' marvel', ' x'], [3, 0.1])]);
  builder.addNeuron(
    6,
    0,
    related([
      [' Marvel', 0.2],
      ['Marvel', 0.9],
    ]),
    null,
  );
  const shard = onlyShard(builder);

  it('finds every spelling of the word, strongest mean activation first', () => {
    const answer = queryTokenShard(shard, { text: 'marvel' });
    expect(answer.matches.map((m) => m.token).sort()).toEqual([' Marvel', ' marvel', 'Marvel']);
    expect(answer.hits.map((h) => `${h.layer}:${h.neuron}`)).toEqual([
      '3:2',
      '5:1',
      '6:0',
      '0:7',
      // No mean activation on record: after the others, by its record value.
      '5:9',
    ]);
    expect(answer.hits[2]).toEqual({
      layer: 6,
      neuron: 0,
      mean: 0.9,
      top: null,
      tokens: [' Marvel', 'Marvel'],
    });
  });

  it('matches only the exact token when asked, and filters by layer', () => {
    const exact = queryTokenShard(shard, { text: ' Marvel', exact: true });
    expect(exact.hits.map((h) => `${h.layer}:${h.neuron}`)).toEqual(['5:1', '0:7', '6:0']);
    const layers = queryTokenShard(shard, { text: ' Marvel', exact: true, layers: [1, 5] });
    expect(layers.total).toBe(1);
    expect(layers.hits[0]).toMatchObject({ layer: 5, neuron: 1 });
  });

  it('orders by the records when asked', () => {
    const answer = queryTokenShard(shard, { text: 'marvel', sort: 'top', limit: 1 });
    expect(answer.total).toBe(5);
    expect(answer.hits).toEqual([{ layer: 5, neuron: 9, mean: null, top: 3, tokens: [' marvel'] }]);
  });

  it('answers an unknown token with nothing', () => {
    expect(queryTokenShard(shard, { text: 'zebra' })).toEqual({
      matches: [],
      total: 0,
      complete: true,
      hits: [],
    });
  });

  it('keeps the strongest of many when a token names most neurons', () => {
    const many = new TokenIndexBuilder();
    for (let n = 0; n < 5000; n++)
      many.addNeuron(n % 4, n, related([[' the', (n % 997) / 100]]), null);
    const answer = queryTokenShard(onlyShard(many), { text: ' the', exact: true, limit: 3 });
    // Zero means are not kept: 6 of the 5,000 neurons.
    expect(answer.total).toBe(4994);
    expect(answer.hits.map((h) => h.mean)).toEqual([9.96, 9.96, 9.96]);
    // Ties by layer, then neuron.
    expect(answer.hits.map((h) => h.neuron)).toEqual([996, 4984, 1993]);
  });

  it("keeps a common token's strongest neurons per layer, and counts all of them", () => {
    const many = new TokenIndexBuilder();
    const mean = (layer: number, n: number) => 1 + ((n * 7919 + layer) % 1000) / 100;
    // 3 layers x 1,000 neurons name " the"; each layer keeps its PER_LAYER strongest.
    for (let layer = 0; layer < 3; layer++) {
      for (let n = 0; n < 1000; n++)
        many.addNeuron(layer, n, related([[' the', mean(layer, n)]]), null);
    }
    const file = [...many.shards()][0]!;
    expect(file.counts).toEqual([3000]);
    expect(file.layerCounts).toEqual({ 0: [1000, 1000, 1000] });
    expect(file.layers).toHaveLength(3 * PER_LAYER);
    const shard = parseTokenShard(JSON.stringify(file), 'tokens/shard-0.json');
    const answer = queryTokenShard(shard, { text: ' the', exact: true, layers: [1, 2] });
    expect(answer.total).toBe(2000);
    expect(answer.complete).toBe(true);
    expect(answer.matches).toEqual([{ token: ' the', neurons: 3000 }]);
    // The first answers are those of a full sort of every neuron in the range.
    const all = [1, 2]
      .flatMap((layer) =>
        Array.from({ length: 1000 }, (_, n) => ({ layer, n, mean: mean(layer, n) })),
      )
      .sort((a, b) => b.mean - a.mean || a.layer - b.layer || a.n - b.n);
    expect(answer.hits.map((h) => `${h.layer}:${h.neuron}`)).toEqual(
      all.slice(0, QUERY_LIMIT).map((e) => `${e.layer}:${e.n}`),
    );
  });
});

describe('saved parts and shards', () => {
  it('gives the same shards from layers saved apart and added back', () => {
    const whole = new TokenIndexBuilder();
    const merged = new TokenIndexBuilder();
    for (let layer = 0; layer < 3; layer++) {
      const part = new TokenIndexBuilder();
      for (let neuron = 0; neuron < 40; neuron++) {
        const files = [
          related([
            [` w${(layer * 7 + neuron) % 13}`, 1 + neuron / 10],
            [`W${neuron % 5}`, 0.5],
          ]),
          null,
        ] as const;
        whole.addNeuron(layer, neuron, ...files);
        part.addNeuron(layer, neuron, ...files);
      }
      merged.addPart(JSON.parse(JSON.stringify(part.toPart())));
    }
    expect([...merged.shards()]).toEqual([...whole.shards()]);
    expect(merged.summary()).toEqual(whole.summary());
    expect(whole.summary()).toMatchObject({ neurons: 120, entries: 240 });
  });
});

describe('reading index files', () => {
  const head = {
    format: TOKEN_INDEX_FORMAT,
    shards: ['tokens/shard-0.abc.json'],
    tokens: 1,
    entries: 1,
    neurons: 1,
    sources: { relatedTokens: 1, records: 0 },
    limits: { relatedTokens: 64, recordTokens: 32, recordShare: 0.5 },
  };

  it('reads a head and refuses shard paths outside the dataset', () => {
    expect(parseTokenIndexHead(JSON.stringify(head), 'tokens/index.json').shards).toHaveLength(1);
    expect(() =>
      parseTokenIndexHead(
        JSON.stringify({ ...head, shards: ['../../etc/passwd'] }),
        'tokens/index.json',
      ),
    ).toThrow('tokens/index.json: shards[0]: lies outside the dataset folder');
  });

  it('names the file and field of a damaged shard', () => {
    const builder = new TokenIndexBuilder();
    builder.addNeuron(1, 2, related([[' a', 1]]), null);
    const file = [...builder.shards()][0]!;
    const damaged: TokenShardFile = { ...file, neurons: [-1] };
    expect(() => parseTokenShard(JSON.stringify(damaged), 'tokens/shard-0.json')).toThrow(
      new DatasetFileError(
        'tokens/shard-0.json',
        'neurons[0]',
        'expected an integer from 0 to 2147483647, found the number -1',
      ),
    );
    expect(() =>
      parseTokenShard(JSON.stringify({ ...file, mean: [] }), 'tokens/shard-0.json'),
    ).toThrow('tokens/shard-0.json: mean: 0 values for 1 entries');
    expect(() => parseTokenShard(JSON.stringify(file).slice(0, 20), 'tokens/shard-0.json')).toThrow(
      /tokens\/shard-0.json: not valid JSON/,
    );
    expect(() =>
      parseTokenShard(JSON.stringify(file), 'tokens/shard-0.json', { shard: 1, shards: 2 }),
    ).toThrow('is shard 0 of 1, but the index names it shard 1 of 2');
  });
});
