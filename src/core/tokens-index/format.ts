/**
 * The token index: which neurons respond to a token, from what the dataset already holds and no
 * model: each neuron's activation-based related tokens (`related-tokens/activation-based/{L}/{N}.json`:
 * the tokens with its highest mean activation over the release's text) and the strongest tokens
 * of its top-activating records. Ingest writes it; the app and the CLI query it.
 *
 * Layout in a dataset folder (the head is named by `manifest.search.tokens`):
 *
 *   search/tokens.{hash}.json          TokenIndexHead: how tokens are grouped, the shard files,
 *                                      counts
 *   search/tokens-{k}.{hash}.json      TokenShardFile: every token whose key falls in shard k, and
 *                                      for each token its neurons, strongest first, with values
 *
 * A token's key is its text trimmed and lower-cased (" Marvel", "Marvel" and " marvel" share the
 * key "marvel"), and a key's shard is FNV-1a of the key modulo the shard count: a query reads one
 * shard, a few hundred KB, never the whole index (tens of MB over 307,200 neurons). Files are
 * content-hashed, so the server and browsers may cache them forever.
 */

export const TOKEN_INDEX_FORMAT = 'neuron-explorer.token-index/1';
export const TOKEN_SHARD_FORMAT = 'neuron-explorer.token-shard/1';

/** What ingest keeps per neuron: bounds that keep the index small and the strongest signals in. */
export interface TokenIndexLimits {
  /** At most this many related tokens per neuron, highest mean activation first. */
  relatedTokens: number;
  /** At most this many record tokens per neuron, strongest first ... */
  recordTokens: number;
  /** ... each at least this share of the neuron's largest activation in its top records. */
  recordShare: number;
}

export const DEFAULT_TOKEN_INDEX_LIMITS: TokenIndexLimits = {
  relatedTokens: 64,
  recordTokens: 32,
  recordShare: 0.5,
};

export interface TokenIndexHead {
  format: typeof TOKEN_INDEX_FORMAT;
  /** Shard files, relative to the dataset folder; shard k is shards[k]. */
  shards: string[];
  /** Distinct tokens, (token, neuron) entries, and neurons with at least one entry. */
  tokens: number;
  entries: number;
  neurons: number;
  /** Neurons whose related-tokens file, and whose records, were read. */
  sources: { relatedTokens: number; records: number };
  limits: TokenIndexLimits;
}

/**
 * One shard, column by column. Tokens are sorted (by key, then text); token i's entries are
 * starts[i] .. starts[i + 1] - 1, strongest first: by `mean` (the neuron's mean activation on the
 * token, from its related-tokens file), then by `top` (its largest activation on the token in its
 * top records), either null where that source did not name the token.
 *
 * A token that many neurons name keeps only its PER_LAYER strongest neurons in each layer (more
 * than a query shows, so the first answers are the same as over all of them): `counts[i]` is how
 * many neurons name token i in all, and `layerCounts` gives, for each token cut so, how many name
 * it in each layer (by its index in the token list, as a string).
 */
export interface TokenShardFile {
  format: typeof TOKEN_SHARD_FORMAT;
  shard: number;
  shards: number;
  tokens: string[];
  starts: number[];
  counts: number[];
  layerCounts: Record<string, number[]>;
  layers: number[];
  neurons: number[];
  mean: (number | null)[];
  top: (number | null)[];
}

/** Neurons kept per token and layer: at least as many as a query returns (QUERY_LIMIT). */
export const PER_LAYER = 512;
/** The most neurons a query returns. */
export const QUERY_LIMIT = 500;

/** The key tokens are grouped and looked up by: trimmed and lower-cased (whitespace kept as is). */
export function tokenKey(token: string): string {
  const trimmed = token.trim();
  return trimmed === '' ? token : trimmed.toLowerCase();
}

/** FNV-1a (32 bit) over the key's UTF-16 code units, modulo the shard count. */
export function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** Entries a shard should hold at most: about 500 KB of JSON, a fraction of a second to fetch. */
export const SHARD_ENTRIES = 32_768;

/** Shards for an index of `entries` entries: a power of two, from 1 to 4,096. */
export function shardCount(entries: number): number {
  let shards = 1;
  while (shards < 4096 && entries / shards > SHARD_ENTRIES) shards *= 2;
  return shards;
}

/** Values are kept to four decimals, as the release's activations are written. */
export function roundValue(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
