/**
 * Builds the token index (see ./format.ts) from per-neuron files, one neuron at a time: what
 * each neuron contributes is worked out at once (a few dozen tokens), and kept in typed arrays,
 * so 307,200 neurons with 64 tokens each take about 300 MB rather than millions of objects.
 * A part (one layer's entries) can be saved and added back, for ingest's resumable layers.
 */
import type { ActivationRecord, TokenLookupTableSummaryOfNeuron } from '../format/types.ts';
import {
  DEFAULT_TOKEN_INDEX_LIMITS,
  PER_LAYER,
  roundValue,
  shardCount,
  shardOf,
  tokenKey,
  TOKEN_SHARD_FORMAT,
  type TokenIndexHead,
  type TokenIndexLimits,
  type TokenShardFile,
} from './format.ts';

/** What one neuron contributes: per token, its mean (related tokens) and top (records) values. */
export interface NeuronTokens {
  tokens: string[];
  mean: (number | null)[];
  top: (number | null)[];
}

/**
 * A neuron's entries: its related tokens with a positive mean activation (highest first, at most
 * `limits.relatedTokens`), and the tokens of its top records on which it reaches at least
 * `limits.recordShare` of its largest activation there (strongest first, at most
 * `limits.recordTokens`), merged by token.
 */
export function neuronTokens(
  related: TokenLookupTableSummaryOfNeuron | null,
  records: readonly ActivationRecord[] | null,
  limits: TokenIndexLimits = DEFAULT_TOKEN_INDEX_LIMITS,
): NeuronTokens {
  const byToken = new Map<string, { mean: number | null; top: number | null }>();
  if (related) {
    const ranked: { token: string; value: number }[] = [];
    related.tokens.forEach((token, i) => {
      const value = related.average_activations[i];
      if (value != null && value > 0) ranked.push({ token, value });
    });
    ranked.sort((a, b) => b.value - a.value);
    for (const { token, value } of ranked) {
      if (byToken.size >= limits.relatedTokens) break;
      const known = byToken.get(token);
      if (known) known.mean = Math.max(known.mean ?? -Infinity, value);
      else byToken.set(token, { mean: value, top: null });
    }
  }
  if (records && records.length > 0) {
    const best = new Map<string, number>();
    let largest = 0;
    for (const record of records) {
      record.tokens.forEach((token, i) => {
        const value = record.activations[i]!;
        if (value > largest) largest = value;
        if (value > (best.get(token) ?? -Infinity)) best.set(token, value);
      });
    }
    if (largest > 0) {
      const floor = largest * limits.recordShare;
      const strongest = [...best]
        .filter(([, value]) => value >= floor)
        .sort((a, b) => b[1] - a[1])
        .slice(0, limits.recordTokens);
      for (const [token, value] of strongest) {
        const known = byToken.get(token);
        if (known) known.top = value;
        else byToken.set(token, { mean: null, top: value });
      }
    }
  }
  const out: NeuronTokens = { tokens: [], mean: [], top: [] };
  for (const [token, { mean, top }] of byToken) {
    out.tokens.push(token);
    out.mean.push(mean === null ? null : roundValue(mean));
    out.top.push(top === null ? null : roundValue(top));
  }
  return out;
}

/** A layer's (or any set of neurons') entries, as JSON can hold them: saved by ingest per layer. */
export interface TokenIndexPart {
  tokens: string[];
  /** Per entry: index into `tokens`, layer, neuron, values. */
  token: number[];
  layer: number[];
  neuron: number[];
  mean: (number | null)[];
  top: (number | null)[];
  neurons: number;
  sources: { relatedTokens: number; records: number };
}

/** Neuron numbers are packed with their layer in one 32-bit place: layer << 21 | neuron. */
const NEURON_BITS = 21;
const MAX_NEURON = (1 << NEURON_BITS) - 1;

/** A value held in F32 (NaN: none), back to the four decimals it was given with. */
const stored = (value: number): number | null => (Number.isNaN(value) ? null : roundValue(value));

export class TokenIndexBuilder {
  private readonly tokenIds = new Map<string, number>();
  private readonly texts: string[] = [];
  private size = 0;
  private token = new Int32Array(1024);
  private place = new Uint32Array(1024);
  private mean = new Float32Array(1024);
  private top = new Float32Array(1024);
  private neurons = 0;
  private readonly sources = { relatedTokens: 0, records: 0 };

  constructor(readonly limits: TokenIndexLimits = DEFAULT_TOKEN_INDEX_LIMITS) {}

  get entries(): number {
    return this.size;
  }

  /** Adds a neuron's files (either may be null: the neuron had no such file, or a broken one). */
  addNeuron(
    layer: number,
    neuron: number,
    related: TokenLookupTableSummaryOfNeuron | null,
    records: readonly ActivationRecord[] | null,
  ): number {
    if (related) this.sources.relatedTokens += 1;
    if (records) this.sources.records += 1;
    return this.addTokens(layer, neuron, neuronTokens(related, records, this.limits));
  }

  private addTokens(layer: number, neuron: number, tokens: NeuronTokens): number {
    if (!(Number.isInteger(layer) && layer >= 0 && layer < 2048)) {
      throw new RangeError(`layer ${layer}: the token index takes layers 0-2047`);
    }
    if (!(Number.isInteger(neuron) && neuron >= 0 && neuron <= MAX_NEURON)) {
      throw new RangeError(`neuron ${neuron}: the token index takes neurons 0-${MAX_NEURON}`);
    }
    if (tokens.tokens.length === 0) return 0;
    this.neurons += 1;
    for (let i = 0; i < tokens.tokens.length; i++) {
      this.push(
        this.idOf(tokens.tokens[i]!),
        ((layer << NEURON_BITS) | neuron) >>> 0,
        tokens.mean[i] ?? null,
        tokens.top[i] ?? null,
      );
    }
    return tokens.tokens.length;
  }

  private idOf(text: string): number {
    let id = this.tokenIds.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(text);
      this.tokenIds.set(text, id);
    }
    return id;
  }

  private push(token: number, place: number, mean: number | null, top: number | null): void {
    if (this.size === this.token.length) {
      const grow = <T extends Int32Array | Uint32Array | Float32Array>(a: T): T => {
        const next = new (a.constructor as new (n: number) => T)(a.length * 2);
        next.set(a);
        return next;
      };
      this.token = grow(this.token);
      this.place = grow(this.place);
      this.mean = grow(this.mean);
      this.top = grow(this.top);
    }
    const i = this.size++;
    this.token[i] = token;
    this.place[i] = place;
    this.mean[i] = mean ?? NaN;
    this.top[i] = top ?? NaN;
  }

  /** Everything added so far, as JSON can hold it. */
  toPart(): TokenIndexPart {
    const part: TokenIndexPart = {
      tokens: [...this.texts],
      token: Array.from(this.token.subarray(0, this.size)),
      layer: [],
      neuron: [],
      mean: [],
      top: [],
      neurons: this.neurons,
      sources: { ...this.sources },
    };
    for (let i = 0; i < this.size; i++) {
      part.layer.push(this.place[i]! >>> NEURON_BITS);
      part.neuron.push(this.place[i]! & MAX_NEURON);
      part.mean.push(stored(this.mean[i]!));
      part.top.push(stored(this.top[i]!));
    }
    return part;
  }

  /** Adds a saved part (e.g. a layer read before an interruption). */
  addPart(part: TokenIndexPart): void {
    const ids = part.tokens.map((text) => this.idOf(text));
    for (let i = 0; i < part.token.length; i++) {
      this.push(
        ids[part.token[i]!]!,
        ((part.layer[i]! << NEURON_BITS) | part.neuron[i]!) >>> 0,
        part.mean[i] ?? null,
        part.top[i] ?? null,
      );
    }
    this.neurons += part.neurons;
    this.sources.relatedTokens += part.sources.relatedTokens;
    this.sources.records += part.sources.records;
  }

  /** The head's counts (its shard paths are the writer's to name). */
  summary(): Omit<TokenIndexHead, 'format' | 'shards'> {
    return {
      tokens: this.texts.length,
      entries: this.size,
      neurons: this.neurons,
      sources: { ...this.sources },
      limits: { ...this.limits },
    };
  }

  /** How many shards the index is cut into. */
  shardCount(): number {
    return shardCount(this.size);
  }

  /**
   * The shard files, one at a time (only one shard's JSON is in memory at once). Entries are
   * grouped by token with a counting sort, ordered strongest first within each token, and cut to
   * PER_LAYER per layer for tokens that many neurons name.
   */
  *shards(): Generator<TokenShardFile> {
    const count = this.shardCount();
    const tokens = this.texts.length;
    // Entries grouped by token, in the order they were added.
    const starts = new Int32Array(tokens + 1);
    for (let i = 0; i < this.size; i++) starts[this.token[i]! + 1]! += 1;
    for (let t = 0; t < tokens; t++) starts[t + 1]! += starts[t]!;
    const order = new Int32Array(this.size);
    const fill = starts.slice(0, tokens);
    for (let i = 0; i < this.size; i++) order[fill[this.token[i]!]!++] = i;

    const keys = this.texts.map(tokenKey);
    const byShard: number[][] = Array.from({ length: count }, () => []);
    keys.forEach((key, t) => byShard[shardOf(key, count)]!.push(t));
    const strongerFirst = (a: number, b: number) =>
      compareValues(this.mean[a]!, this.mean[b]!) ||
      compareValues(this.top[a]!, this.top[b]!) ||
      this.place[a]! - this.place[b]!;

    for (let shard = 0; shard < count; shard++) {
      const ids = byShard[shard]!.sort((a, b) =>
        keys[a]! < keys[b]!
          ? -1
          : keys[a]! > keys[b]!
            ? 1
            : this.texts[a]! < this.texts[b]!
              ? -1
              : 1,
      );
      const file: TokenShardFile = {
        format: TOKEN_SHARD_FORMAT,
        shard,
        shards: count,
        tokens: ids.map((t) => this.texts[t]!),
        starts: [0],
        counts: [],
        layerCounts: {},
        layers: [],
        neurons: [],
        mean: [],
        top: [],
      };
      ids.forEach((t, position) => {
        const entries = Array.from(order.subarray(starts[t]!, starts[t + 1]!)).sort(strongerFirst);
        const perLayer = new Map<number, number>();
        for (const i of entries) {
          const layer = this.place[i]! >>> NEURON_BITS;
          const seen = (perLayer.get(layer) ?? 0) + 1;
          perLayer.set(layer, seen);
          if (seen > PER_LAYER) continue;
          file.layers.push(layer);
          file.neurons.push(this.place[i]! & MAX_NEURON);
          file.mean.push(stored(this.mean[i]!));
          file.top.push(stored(this.top[i]!));
        }
        file.starts.push(file.layers.length);
        file.counts.push(entries.length);
        if ([...perLayer.values()].some((n) => n > PER_LAYER)) {
          const last = Math.max(...perLayer.keys());
          file.layerCounts[String(position)] = Array.from(
            { length: last + 1 },
            (_, layer) => perLayer.get(layer) ?? 0,
          );
        }
      });
      yield file;
    }
  }
}

/** Larger first; NaN (no value) after every number. */
function compareValues(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return b - a;
}
