import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { gpt2Tokens, gpt2TokensOfTexts } from './tokenize.ts';

describe('GPT-2 tokens of the user texts', () => {
  it('splits as GPT-2 does: a leading space belongs to the token', () => {
    expect(gpt2Tokens('The cat sat.\nOK')).toEqual(['The', ' cat', ' sat', '.', '\n', 'OK']);
  });

  it('rejects a text over 64 tokens, naming which', () => {
    expect(gpt2TokensOfTexts(['a', ' a'.repeat(64)])[1]).toHaveLength(64);
    const tooLong = () => gpt2TokensOfTexts(['fine', ' a'.repeat(65)]);
    expect(tooLong).toThrow(ApiError);
    expect(tooLong).toThrow(/texts\.1: 65 GPT-2 tokens; at most 64/);
  });
});
