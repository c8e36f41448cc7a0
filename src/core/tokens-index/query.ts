/**
 * Reading and querying the token index (see ./format.ts): "which neurons respond to ` Marvel`".
 * A query reads one shard: the tokens with the query's key (every spelling of the word with or
 * without its leading space, any case), or only the exact token when asked; their neurons are
 * merged (a neuron named by two spellings counts once, with its larger values), filtered by
 * layer, and the strongest returned.
 */
import { DatasetFileError } from '../format/parse.ts';
import {
  at,
  fieldPathText,
  FieldProblem,
  index,
  list,
  object,
  required,
  string,
  stringList,
  wrongType,
  type FieldPath,
} from '../format/validate.ts';
import {
  QUERY_LIMIT,
  roundValue,
  shardOf,
  tokenKey,
  TOKEN_INDEX_FORMAT,
  TOKEN_SHARD_FORMAT,
  type TokenIndexHead,
} from './format.ts';

/** A shard ready to query: typed columns, and each token's key worked out once. */
export interface TokenShard {
  shard: number;
  shards: number;
  tokens: string[];
  keys: string[];
  starts: Int32Array;
  /** Neurons naming each token in all (more than its entries when they were cut). */
  counts: Int32Array;
  /** For tokens whose entries were cut: how many neurons name them in each layer. */
  layerCounts: Map<number, number[]>;
  layers: Uint16Array;
  neurons: Int32Array;
  /** NaN where the value is absent. */
  mean: Float32Array;
  top: Float32Array;
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DatasetFileError(path, null, `not valid JSON (${(error as Error).message})`);
  }
}

function reading<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof FieldProblem) {
      throw new DatasetFileError(path, fieldPathText(error.field), error.problem);
    }
    throw error;
  }
}

function format(o: Record<string, unknown>, expected: string): void {
  const path = at(null, 'format');
  const value = string(required(o, 'format', null), path);
  if (value !== expected) throw new FieldProblem(path, `is ${value}, expected ${expected}`);
}

export function parseTokenIndexHead(text: string, path: string): TokenIndexHead {
  const root = parseJson(text, path);
  return reading(path, () => {
    const o = object(root, null);
    format(o, TOKEN_INDEX_FORMAT);
    const shards = stringList(required(o, 'shards', null), at(null, 'shards'));
    if (shards.length === 0) throw new FieldProblem(at(null, 'shards'), 'names no shard');
    shards.forEach((shard, i) => {
      if (shard.startsWith('/') || shard.split('/').includes('..')) {
        throw new FieldProblem(at(at(null, 'shards'), i), 'lies outside the dataset folder');
      }
    });
    const count = (key: string) => index(required(o, key, null), at(null, key));
    const sources = object(required(o, 'sources', null), at(null, 'sources'));
    const limits = object(required(o, 'limits', null), at(null, 'limits'));
    const number = (parent: Record<string, unknown>, key: string, where: FieldPath) => {
      const value = required(parent, key, where);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw wrongType(at(where, key), 'a non-negative number', value);
      }
      return value;
    };
    return {
      format: TOKEN_INDEX_FORMAT,
      shards,
      tokens: count('tokens'),
      entries: count('entries'),
      neurons: count('neurons'),
      sources: {
        relatedTokens: number(sources, 'relatedTokens', at(null, 'sources')),
        records: number(sources, 'records', at(null, 'sources')),
      },
      limits: {
        relatedTokens: number(limits, 'relatedTokens', at(null, 'limits')),
        recordTokens: number(limits, 'recordTokens', at(null, 'limits')),
        recordShare: number(limits, 'recordShare', at(null, 'limits')),
      },
    };
  });
}

/** Reads and checks a shard; `expected` is the shard the head says this file is. */
export function parseTokenShard(
  text: string,
  path: string,
  expected?: { shard: number; shards: number },
): TokenShard {
  const root = parseJson(text, path);
  return reading(path, () => {
    const o = object(root, null);
    format(o, TOKEN_SHARD_FORMAT);
    const shard = index(required(o, 'shard', null), at(null, 'shard'));
    const shards = index(required(o, 'shards', null), at(null, 'shards'));
    if (expected && (shard !== expected.shard || shards !== expected.shards)) {
      throw new FieldProblem(
        at(null, 'shard'),
        `is shard ${shard} of ${shards}, but the index names it shard ${expected.shard} of ${expected.shards}`,
      );
    }
    const tokens = stringList(required(o, 'tokens', null), at(null, 'tokens'));
    const keys = tokens.map(tokenKey);
    keys.forEach((key, i) => {
      if (shardOf(key, shards) !== shard) {
        throw new FieldProblem(at(at(null, 'tokens'), i), `does not belong in shard ${shard}`);
      }
      if (i > 0 && keys[i - 1]! > key) {
        throw new FieldProblem(at(at(null, 'tokens'), i), 'is out of order');
      }
    });
    const startsPath = at(null, 'starts');
    const starts = integers(required(o, 'starts', null), startsPath, Int32Array);
    if (starts.length !== tokens.length + 1 || starts[0] !== 0) {
      throw new FieldProblem(startsPath, `${starts.length} values for ${tokens.length} tokens`);
    }
    for (let i = 1; i < starts.length; i++) {
      if (starts[i]! < starts[i - 1]!) throw new FieldProblem(at(startsPath, i), 'decreases');
    }
    const entries = starts[tokens.length]!;
    const countsPath = at(null, 'counts');
    const counts = integers(required(o, 'counts', null), countsPath, Int32Array);
    if (counts.length !== tokens.length) {
      throw new FieldProblem(countsPath, `${counts.length} values for ${tokens.length} tokens`);
    }
    const layerCountsPath = at(null, 'layerCounts');
    const layerCounts = new Map<number, number[]>();
    for (const [key, value] of Object.entries(
      object(required(o, 'layerCounts', null), layerCountsPath),
    )) {
      const where = at(layerCountsPath, key);
      const token = /^\d+$/.test(key) ? Number(key) : -1;
      if (token < 0 || token >= tokens.length) throw new FieldProblem(where, 'names no token');
      layerCounts.set(token, Array.from(integers(value, where, Int32Array)));
    }
    const column = <T extends Uint16Array | Int32Array | Float32Array>(
      key: string,
      read: (value: unknown, path: FieldPath) => T,
    ): T => {
      const path = at(null, key);
      const values = read(required(o, key, null), path);
      if (values.length !== entries) {
        throw new FieldProblem(path, `${values.length} values for ${entries} entries`);
      }
      return values;
    };
    return {
      shard,
      shards,
      tokens,
      keys,
      starts,
      counts,
      layerCounts,
      layers: column('layers', (v, p) => integers(v, p, Uint16Array)),
      neurons: column('neurons', (v, p) => integers(v, p, Int32Array)),
      mean: column('mean', values),
      top: column('top', values),
    };
  });
}

function integers<T extends Uint16Array | Int32Array>(
  value: unknown,
  path: FieldPath,
  Type: new (n: number) => T,
): T {
  const items = list(value, path);
  const out = new Type(items.length);
  const limit = Type === (Uint16Array as unknown) ? 0xffff : 0x7fffffff;
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > limit) {
      throw wrongType(at(path, i), `an integer from 0 to ${limit}`, x);
    }
    out[i] = x;
  }
  return out;
}

function values(value: unknown, path: FieldPath): Float32Array {
  const items = list(value, path);
  const out = new Float32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (x === null) out[i] = NaN;
    else if (typeof x === 'number' && Number.isFinite(x)) out[i] = x;
    else throw wrongType(at(path, i), 'a number or null', x);
  }
  return out;
}

/** The shard file (relative to the dataset folder) that holds a token's key. */
export function shardPathFor(head: TokenIndexHead, token: string): string {
  return head.shards[shardOf(tokenKey(token), head.shards.length)]!;
}

export type TokenSort = 'mean' | 'top';

export interface TokenQuery {
  /** The token as typed: " Marvel" (with its space) or "marvel". */
  text: string;
  /** Only the token spelled exactly so (space and case), not every spelling of the word. */
  exact?: boolean;
  /** Order by mean activation on the token (default) or by its largest in the top records. */
  sort?: TokenSort;
  /** Inclusive layer range. */
  layers?: readonly [number, number] | null;
  /** Neurons returned at most (default and most: QUERY_LIMIT). */
  limit?: number;
}

export interface TokenHit {
  layer: number;
  neuron: number;
  /** Mean activation on the token over the release's text (related tokens), or null. */
  mean: number | null;
  /** Largest activation on the token in the neuron's top records, or null. */
  top: number | null;
  /** The matching spellings that named this neuron. */
  tokens: string[];
}

export interface TokenAnswer {
  /** The spellings found with the query's key, and how many neurons name each. */
  matches: { token: string; neurons: number }[];
  /** Neurons in the layer range that name the token (a spelling of it), before the limit ... */
  total: number;
  /** ... exactly; false when spellings were merged and some kept only their strongest neurons. */
  complete: boolean;
  hits: TokenHit[];
}

/** Token positions in the shard whose key (or, when exact, whose text) is the query's. */
function matchingTokens(shard: TokenShard, text: string, exact: boolean): number[] {
  const key = tokenKey(text);
  let lo = 0;
  let hi = shard.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (shard.keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  const found: number[] = [];
  for (let i = lo; i < shard.keys.length && shard.keys[i] === key; i++) {
    if (!exact || shard.tokens[i] === text) found.push(i);
  }
  return found;
}

const PLACE = 1 << 21;

/** Held as F32: back to the four decimals the file gives. */
const value = (x: number) => (Number.isNaN(x) ? null : roundValue(x));

/** Neurons naming token `t` in the layer range, cut entries included. */
function tokenTotal(shard: TokenShard, t: number, low: number, high: number): number {
  const perLayer = shard.layerCounts.get(t);
  if (perLayer) {
    let total = 0;
    perLayer.forEach((n, layer) => {
      if (layer >= low && layer <= high) total += n;
    });
    return total;
  }
  let total = 0;
  for (let i = shard.starts[t]!; i < shard.starts[t + 1]!; i++) {
    const layer = shard.layers[i]!;
    if (layer >= low && layer <= high) total++;
  }
  return total;
}

export function queryTokenShard(shard: TokenShard, query: TokenQuery): TokenAnswer {
  const found = matchingTokens(shard, query.text, query.exact ?? false);
  const sort = query.sort ?? 'mean';
  const limit = Math.min(query.limit ?? QUERY_LIMIT, QUERY_LIMIT);
  const [low, high] = query.layers ?? [0, Infinity];
  const matches = found.map((t) => ({ token: shard.tokens[t]!, neurons: shard.counts[t]! }));

  if (found.length === 1 && sort === 'mean') {
    // Entries are stored strongest first (by mean, then top): the first ones in range are it.
    const t = found[0]!;
    const hits: TokenHit[] = [];
    for (let i = shard.starts[t]!; i < shard.starts[t + 1]! && hits.length < limit; i++) {
      const layer = shard.layers[i]!;
      if (layer < low || layer > high) continue;
      hits.push({
        layer,
        neuron: shard.neurons[i]!,
        mean: value(shard.mean[i]!),
        top: value(shard.top[i]!),
        tokens: [shard.tokens[t]!],
      });
    }
    return { matches, total: tokenTotal(shard, t, low, high), complete: true, hits };
  }

  // Several spellings (merged by neuron, each with its larger values) or the records' order.
  const slot = new Map<number, number>();
  const layer: number[] = [];
  const neuron: number[] = [];
  const mean: number[] = [];
  const top: number[] = [];
  const spellings: string[][] = [];
  for (const t of found) {
    for (let i = shard.starts[t]!; i < shard.starts[t + 1]!; i++) {
      const l = shard.layers[i]!;
      if (l < low || l > high) continue;
      const place = l * PLACE + shard.neurons[i]!;
      const at = slot.get(place);
      if (at === undefined) {
        slot.set(place, layer.length);
        layer.push(l);
        neuron.push(shard.neurons[i]!);
        mean.push(shard.mean[i]!);
        top.push(shard.top[i]!);
        spellings.push([shard.tokens[t]!]);
      } else {
        mean[at] = larger(mean[at]!, shard.mean[i]!);
        top[at] = larger(top[at]!, shard.top[i]!);
        spellings[at]!.push(shard.tokens[t]!);
      }
    }
  }
  const primary = sort === 'mean' ? mean : top;
  const secondary = sort === 'mean' ? top : mean;
  // The chosen value, descending; entries without it after, by the other value.
  const ranks = Float64Array.from(primary, (p, i) =>
    Number.isNaN(p) ? -1e9 + (Number.isNaN(secondary[i]!) ? 0 : secondary[i]!) : p,
  );
  let ranked = Array.from(ranks.keys());
  if (ranked.length > 4 * limit && limit > 0) {
    const cutoff = Float64Array.from(ranks).sort()[ranks.length - limit]!;
    ranked = ranked.filter((i) => ranks[i]! >= cutoff);
  }
  ranked.sort((a, b) => ranks[b]! - ranks[a]! || layer[a]! - layer[b]! || neuron[a]! - neuron[b]!);
  const cut = found.filter((t) => shard.layerCounts.has(t));
  return {
    matches,
    // One spelling: its count; several: the neurons kept, exact unless a spelling was cut.
    total: found.length === 1 ? tokenTotal(shard, found[0]!, low, high) : layer.length,
    complete: found.length === 1 || cut.length === 0,
    hits: ranked.slice(0, limit).map((i) => ({
      layer: layer[i]!,
      neuron: neuron[i]!,
      mean: value(mean[i]!),
      top: value(top[i]!),
      tokens: spellings[i]!,
    })),
  };
}

function larger(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.max(a, b);
}
