import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { realDataDir } from '../../../tests/real-data.ts';
import { parseNeuronFile } from './parse.ts';
import { NEURON_FILE_KINDS, type NeuronFileKind, type NeuronFileTypes } from './types.ts';
import { writeNeuronFile } from './write.ts';

const fixtures = fileURLToPath(new URL('../../../tests/fixtures/format/', import.meta.url));
const FIXTURE_OF: Record<NeuronFileKind, string> = {
  explanations: 'explanations-5-7.jsonl',
  'collated-activations': 'collated-activations-5-7.json',
  'related-tokens/activation-based': 'related-tokens-activation-based-5-7.json',
  'related-tokens/weight-based': 'related-tokens-weight-based-5-7.json',
  'related-neurons/weight-based': 'related-neurons-weight-based-5-7.json',
};

function roundTrip<K extends NeuronFileKind>(kind: K, text: string, path: string) {
  const parsed = parseNeuronFile(kind, text, { path });
  return { parsed, written: writeNeuronFile(kind, parsed) };
}

describe('writeNeuronFile', () => {
  for (const kind of NEURON_FILE_KINDS) {
    it(`writes a ${kind} file that the parser reads back to the same value`, () => {
      const text = readFileSync(fixtures + FIXTURE_OF[kind], 'utf8');
      const path = `${kind}/5/7.json${kind === 'explanations' ? 'l' : ''}`;
      const { parsed, written } = roundTrip(kind, text, path);
      expect(parseNeuronFile(kind, written, { path })).toEqual(parsed);
      expect(parseNeuronFile(kind, writeNeuronFile(kind, parsed, 'compact'), { path })).toEqual(
        parsed,
      );
    });
  }

  it('writes the one-line fixtures byte for byte as the release spells them', () => {
    for (const kind of [
      'related-tokens/activation-based',
      'related-tokens/weight-based',
      'related-neurons/weight-based',
    ] as const) {
      const text = readFileSync(fixtures + FIXTURE_OF[kind], 'utf8').trimEnd();
      expect(roundTrip(kind, text, `${kind}/5/7.json`).written).toBe(text);
    }
  });

  it("writes a non-finite score as Python's NaN, which the parser reads as undefined (null)", () => {
    const results: NeuronFileTypes['explanations'] = {
      neuron_id: { layer_index: 2, neuron_index: 9 },
      scored_explanations: [
        {
          explanation: ' caf\u00e9 "quoted"',
          scored_simulation: {
            scored_sequence_simulations: [],
            ev_correlation_score: Number.NaN,
            rsquared_score: Number.NEGATIVE_INFINITY,
            absolute_dev_explained_score: null,
          },
        },
      ],
    };
    const text = writeNeuronFile('explanations', results);
    expect(text).toBe(
      '{"dataclass_name": "NeuronSimulationResults", "neuron_id": {"dataclass_name": "NeuronId", ' +
        '"layer_index": 2, "neuron_index": 9}, "scored_explanations": [{"dataclass_name": ' +
        '"ScoredExplanation", "explanation": " caf\u00e9 \\"quoted\\"", "scored_simulation": ' +
        '{"dataclass_name": "ScoredSimulation", "scored_sequence_simulations": [], ' +
        '"ev_correlation_score": NaN, "rsquared_score": -Infinity, "absolute_dev_explained_score": null}}]}\n',
    );
    const parsed = parseNeuronFile('explanations', text, { path: 'explanations/2/9.jsonl' });
    expect(parsed.scored_explanations[0]?.explanation).toBe(' caf\u00e9 "quoted"');
    expect(parsed.scored_explanations[0]?.scored_simulation.ev_correlation_score).toBeNull();
    expect(parsed.scored_explanations[0]?.scored_simulation.rsquared_score).toBeNull();
  });
});

describe("writeNeuronFile's compact spelling", () => {
  it('is strict JSON: a non-finite score is null, read back as the same undefined score', () => {
    const results: NeuronFileTypes['explanations'] = {
      neuron_id: { layer_index: 0, neuron_index: 1 },
      scored_explanations: [
        {
          explanation: ' x',
          scored_simulation: {
            scored_sequence_simulations: [],
            ev_correlation_score: Number.NaN,
            rsquared_score: 0.5,
            absolute_dev_explained_score: null,
          },
        },
      ],
    };
    const text = writeNeuronFile('explanations', results, 'compact');
    expect(JSON.parse(text)).toMatchObject({
      dataclass_name: 'NeuronSimulationResults',
      scored_explanations: [{ scored_simulation: { ev_correlation_score: null } }],
    });
    const path = 'explanations/0/1.jsonl';
    expect(parseNeuronFile('explanations', text, { path })).toEqual(
      parseNeuronFile('explanations', writeNeuronFile('explanations', results), { path }),
    );
  });
});

const real = realDataDir();

describe.skipIf(real === null)('writeNeuronFile on the real GPT-2 XL files', () => {
  it('rewrites real explanation and record files that parse back to the same value', () => {
    let sameBytes = 0;
    let files = 0;
    for (const kind of ['explanations', 'collated-activations'] as const) {
      for (const layer of readdirSync(`${real}/${kind}`)) {
        for (const name of readdirSync(`${real}/${kind}/${layer}`).slice(0, 20)) {
          const path = `${kind}/${layer}/${name}`;
          const text = readFileSync(`${real}/${path}`, 'utf8');
          const { parsed, written } = roundTrip(kind, text, path);
          expect(parseNeuronFile(kind, written, { path }), path).toEqual(parsed);
          files += 1;
          if (written === text) sameBytes += 1;
        }
      }
    }
    // Python spells a few floats otherwise (1e-05) and one record escapes non-ASCII as \uXXXX:
    // nearly all files come back byte for byte.
    expect(files).toBeGreaterThan(100);
    expect(sameBytes / files).toBeGreaterThan(0.95);
  });
});
