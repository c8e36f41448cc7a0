/**
 * Text as GPT-2 reads it: byte-level BPE (r50k_base, the encoding of every GPT-2 size), a leading
 * space belonging to its token. Text that looks like a special token (`<|endoftext|>`) is read as
 * plain text, as a user typing it means.
 */
import { decode, encode } from 'gpt-tokenizer/encoding/r50k_base';

/** Tokens per text by default: the dataset's records are 64 tokens long. */
export const DEFAULT_MAX_TOKENS = 64;

export interface TokenizedText {
  tokenIds: number[];
  /** Each token's text (a token that is part of a multi-byte character may show as "" or "�"). */
  tokens: string[];
  /** The text's length in tokens before it was cut to `maxTokens`. */
  totalTokens: number;
  truncated: boolean;
}

export function tokenizeText(text: string, maxTokens = DEFAULT_MAX_TOKENS): TokenizedText {
  const all = encode(text, { disallowedSpecial: new Set() });
  const tokenIds = all.slice(0, maxTokens);
  return {
    tokenIds,
    tokens: tokenIds.map((id) => decode([id])),
    totalTokens: all.length,
    truncated: all.length > tokenIds.length,
  };
}

/** Each token id's text. */
export function tokenStrings(tokenIds: readonly number[]): string[] {
  return tokenIds.map((id) => decode([id]));
}

/**
 * The ids of a record's tokens (the dataset stores token strings): each string encoded on its
 * own, where it is one token; else the whole text encoded, if that gives back the same strings.
 * Throws naming the first token that has no id.
 */
export function tokenIdsOfStrings(tokens: readonly string[]): number[] {
  const ids: number[] = [];
  let failed = -1;
  for (let i = 0; i < tokens.length; i++) {
    const encoded = encode(tokens[i]!, { disallowedSpecial: new Set() });
    if (encoded.length !== 1) {
      failed = i;
      break;
    }
    ids.push(encoded[0]!);
  }
  if (failed < 0) return ids;
  const whole = encode(tokens.join(''), { disallowedSpecial: new Set() });
  const strings = whole.map((id) => decode([id]));
  if (strings.length === tokens.length && strings.every((s, i) => s === tokens[i])) return whole;
  throw new RangeError(
    `token ${failed} (${JSON.stringify(tokens[failed])}) is not one GPT-2 token, and the text does not tokenize back into the same ${tokens.length} tokens`,
  );
}
