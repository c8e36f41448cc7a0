/** The user's texts as GPT-2 reads them: r50k_base tokens, each decoded to its string. */
import { decode, encode } from 'gpt-tokenizer/encoding/r50k_base';
import { MAX_TEXT_TOKENS } from '../../core/api/limits.ts';
import { ApiError } from '../errors.ts';

export function gpt2Tokens(text: string): string[] {
  return encode(text).map((id) => decode([id]));
}

/** Tokenizes each text, rejecting one longer than MAX_TEXT_TOKENS with the field named. */
export function gpt2TokensOfTexts(texts: readonly string[]): string[][] {
  return texts.map((text, index) => {
    const tokens = gpt2Tokens(text);
    if (tokens.length > MAX_TEXT_TOKENS) {
      throw new ApiError(
        400,
        'invalid_request',
        `texts.${index}: ${tokens.length} GPT-2 tokens; at most ${MAX_TEXT_TOKENS} are allowed`,
        { field: `texts.${index}` },
      );
    }
    return tokens;
  });
}
