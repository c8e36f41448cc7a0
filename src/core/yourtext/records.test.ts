import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from 'gpt-tokenizer/encoding/r50k_base';
import { describe, expect, it } from 'vitest';
import { realDataDir } from '../../../tests/real-data.ts';
import { parseNeuronRecord } from '../format/parse.ts';
import { recordsForCheck } from './records.ts';

const record = (tokens: string[]) => ({ tokens, activations: tokens.map((_, i) => i / 10) });

describe('records for the check', () => {
  it('runs whole records, the part before a split character, and says which and why', () => {
    const prepared = recordsForCheck([
      record([' a', ' b']),
      record([' c', '\ufffd', ' d']),
      record(['\ufffd', ' e']),
    ]);
    expect(prepared.records).toEqual([record([' a', ' b']), record([' c'])]);
    expect(prepared.origin).toEqual([0, 1]);
    expect(prepared.cut).toEqual([
      { record: 1, tokens: 1, of: 3, reason: expect.stringContaining('token 2 ("\ufffd")') },
    ]);
    expect(prepared.skipped).toEqual([
      { record: 2, reason: expect.stringContaining('its id cannot be recovered') },
    ]);
  });

  it('is needed: "\ufffd" encodes back to a token of its own, never a split character\'s', () => {
    // The release wrote a byte token of a split character as "\ufffd". Encoded back, that text
    // is one token that decodes to "\ufffd" again (so it looks recovered), but it is the
    // replacement character's own token, not any of the byte tokens it stood for.
    const [replacement, ...more] = encode('\ufffd');
    expect(more).toEqual([]);
    expect(decode([replacement!])).toBe('\ufffd');
    const bytes = encode(' 漢字').slice(0, -1);
    expect(bytes.length).toBeGreaterThan(1);
    expect(bytes).not.toContain(replacement);
  });

  const real = realDataDir();
  it.skipIf(!real)('cuts the real neuron 16:518 record at its first split character', () => {
    const path = 'collated-activations/16/518.json';
    const neuron = parseNeuronRecord(readFileSync(join(real!, path), 'utf8'), { path });
    const prepared = recordsForCheck(neuron.most_positive_activation_records);
    // Record 1's second token is half a character; the other three are whole.
    expect(prepared.cut).toEqual([{ record: 0, tokens: 1, of: 64, reason: expect.any(String) }]);
    expect(prepared.origin).toEqual([0, 1, 2, 3]);
    expect(prepared.records.map((r) => r.tokens.length)).toEqual([1, 64, 64, 64]);
  });
});
