import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  parseNeuronFile,
  parseNeuronRecord,
  parseNeuronSimulationResults,
  parseRelatedNeurons,
  parseTokenLookupTable,
  parseWeightBasedSummary,
} from './parse.ts';
import { parseNeuronFilePath } from './path.ts';
import { realDataDir } from '../../../tests/real-data.ts';
import { fileErrorMessage } from '../../../tests/support/file-error.ts';

const fixtures = fileURLToPath(new URL('../../../tests/fixtures/format/', import.meta.url));
const fixture = (name: string) => readFileSync(fixtures + name, 'utf8');
const realData = realDataDir();

const explanation = fixture('explanations-5-7.jsonl');
const record = fixture('collated-activations-5-7.json');
const lookupTable = fixture('related-tokens-activation-based-5-7.json');
const weightBased = fixture('related-tokens-weight-based-5-7.json');
const relatedNeurons = fixture('related-neurons-weight-based-5-7.json');

const EXPLANATION_AT = { path: 'explanations/5/7.jsonl', layer: 5, neuron: 7 };
const RECORD_AT = { path: 'collated-activations/5/7.json', layer: 5, neuron: 7 };

/** Replaces exactly one occurrence, so a fixture change cannot silently make a test vacuous. */
function damage(text: string, from: string, to: string): string {
  const first = text.indexOf(from);
  if (first === -1 || text.indexOf(from, first + 1) !== -1) {
    throw new Error(`fixture text ${from} must occur exactly once`);
  }
  return text.replace(from, to);
}

describe('parsing the handmade fixtures', () => {
  it('reads an explanation file with sequences, dropping dataclass_name and reading NaN/-Infinity scores as null', () => {
    const results = parseNeuronSimulationResults(explanation, EXPLANATION_AT);
    expect(results.neuron_id).toEqual({ layer_index: 5, neuron_index: 7 });
    expect(results.scored_explanations.map((e) => e.explanation)).toEqual([
      ' animals sitting',
      ' cats',
    ]);
    const [first, second] = results.scored_explanations;
    expect(first?.scored_simulation.ev_correlation_score).toBe(0.62);
    expect(first?.scored_simulation.rsquared_score).toBeNull();
    expect(second?.scored_simulation.rsquared_score).toBeNull();
    const sequence = first?.scored_simulation.scored_sequence_simulations[0];
    expect(sequence?.rsquared_score).toBeNull();
    expect(sequence?.simulation.uncalibrated_simulation?.activation_scale).toBe(
      'simulated_normalized_activations',
    );
    expect(sequence?.simulation.uncalibrated_simulation?.uncalibrated_simulation).toBeNull();
    const other = first?.scored_simulation.scored_sequence_simulations[1];
    expect(other?.simulation.tokens).toEqual([' dog', '\n', ' bark']);
    expect(other?.absolute_dev_explained_score).toBeNull();
    expect(JSON.stringify(results)).not.toContain('dataclass_name');
  });

  it('reads a neuron record with quantiles, NaN and Infinity statistics', () => {
    const parsed = parseNeuronRecord(record, RECORD_AT);
    expect(parsed.most_positive_activation_records[1]?.activations).toEqual([1.2, -0.1, 4.25]);
    expect(parsed.random_sample).toHaveLength(2);
    expect(parsed.random_sample_by_quantile?.map((records) => records.length)).toEqual([1, 1, 1]);
    expect(parsed.quantile_boundaries).toEqual([null, 0.05, 0.5, null]);
    expect([parsed.mean, parsed.variance, parsed.skewness, parsed.kurtosis]).toEqual([
      0.01,
      null,
      2.5,
      null,
    ]);
  });

  it('fills the dataclass defaults when optional fields are absent', () => {
    const minimal = '{"neuron_id": {"layer_index": 5, "neuron_index": 7}}';
    expect(parseNeuronRecord(minimal, RECORD_AT)).toEqual({
      neuron_id: { layer_index: 5, neuron_index: 7 },
      most_positive_activation_records: [],
      random_sample: [],
      random_sample_by_quantile: null,
      quantile_boundaries: null,
      mean: null,
      variance: null,
      skewness: null,
      kurtosis: null,
    });
  });

  it('reads related tokens and related neurons', () => {
    expect(parseTokenLookupTable(lookupTable, { path: 'a.json' })).toEqual({
      tokens: [' cat', ' kitten', ' feline'],
      average_activations: [2.5, null, 1.25],
    });
    const weights = parseWeightBasedSummary(weightBased, { path: 'b.json' });
    expect(weights.output_positive).toEqual({ tokens: [' meow'], strengths: [null] });
    expect(weights.output_negative).toEqual({ tokens: [], strengths: [] });
    expect(parseRelatedNeurons(relatedNeurons, { path: 'c.json' })).toEqual({
      c_fc: {
        top_positive_neurons: [
          { layer: 4, neuron: 100 },
          { layer: 0, neuron: 6399 },
        ],
        top_positive_weights: [0.5, 0.25],
        top_negative_neurons: [{ layer: 3, neuron: 2 }],
        top_negative_weights: [-0.75],
      },
      c_proj: null,
    });
  });

  it('dispatches by kind in parseNeuronFile', () => {
    expect(
      parseNeuronFile('explanations', explanation, EXPLANATION_AT).neuron_id.neuron_index,
    ).toBe(7);
    expect(parseNeuronFile('related-neurons/weight-based', relatedNeurons, RECORD_AT).c_proj).toBe(
      null,
    );
  });
});

describe.skipIf(realData === null)('parsing the real GPT-2 XL files', () => {
  const root = `${realData ?? ''}/`;
  const read = (path: string) => readFileSync(root + path, 'utf8');

  it('reads the complete published record of neuron 1:1', () => {
    const parsed = parseNeuronRecord(read('collated-activations/1/1.json'), {
      path: 'collated-activations/1/1.json',
      layer: 1,
      neuron: 1,
    });
    expect(parsed.most_positive_activation_records).toHaveLength(50);
    expect(parsed.random_sample).toHaveLength(50);
    expect(parsed.random_sample_by_quantile?.map((records) => records.length)).toEqual([
      20, 20, 20, 20, 20,
    ]);
    expect(parsed.quantile_boundaries).toEqual([null, -0.0032, 0.5005, 1.5146, 2.3789, null]);
    expect(parsed.kurtosis).toBe(195.6007);
    for (const r of parsed.most_positive_activation_records) {
      expect(r.tokens).toHaveLength(64);
      expect(r.activations).toHaveLength(64);
    }
  });

  it('reads the real-vs-simulated sequences of neuron 0:816', () => {
    const parsed = parseNeuronSimulationResults(read('explanations/0/816.jsonl'), {
      path: 'explanations/0/816.jsonl',
      layer: 0,
      neuron: 816,
    });
    const [best] = parsed.scored_explanations;
    expect(best?.explanation).toBe(' references to movies, characters, and entertainment.');
    const sequences = best?.scored_simulation.scored_sequence_simulations ?? [];
    expect(sequences).toHaveLength(4);
    expect(sequences[0]?.simulation.tokens.slice(0, 4)).toEqual([':', ' Age', ' of', ' Ultron']);
    expect(sequences[0]?.simulation.activation_scale).toBe('neuron_activations');
    expect(sequences.every((s) => s.ev_correlation_score === null)).toBe(true);
  });

  it('reads every real explanation file, with the explanation and score of the paper CSV', () => {
    const csv = read('paper-explanations.csv').split(/\r?\n/);
    // Lines without quotes are enough to cross-check a sample of files.
    const plain = csv
      .slice(1)
      .filter((line) => /^\d+,\d+,[^",]+,[\d.]+$/.test(line))
      .slice(0, 200);
    expect(plain.length).toBe(200);
    for (const line of plain) {
      const [layer, neuron, text, score] = line.split(',');
      const path = `explanations/${layer}/${neuron}.jsonl`;
      const parsed = parseNeuronSimulationResults(read(path), {
        path,
        layer: Number(layer),
        neuron: Number(neuron),
      });
      expect(parsed.scored_explanations[0]?.explanation).toBe(text);
      expect(parsed.scored_explanations[0]?.scored_simulation.ev_correlation_score).toBe(
        Number(score),
      );
    }
    let files = 0;
    for (const layer of readdirSync(root + 'explanations')) {
      for (const name of readdirSync(`${root}explanations/${layer}`)) {
        const path = `explanations/${layer}/${name}`;
        const parsed = parseNeuronSimulationResults(read(path), {
          path,
          layer: Number(layer),
          neuron: Number.parseInt(name, 10),
        });
        expect(parsed.scored_explanations.length).toBeGreaterThan(0);
        files += 1;
      }
    }
    expect(files).toBe(16528);
  });

  it('names the field and counts when a real sequence loses a value', () => {
    const text = read('explanations/0/816.jsonl');
    const parsed = JSON.parse(text) as {
      scored_explanations: {
        scored_simulation: { scored_sequence_simulations: { true_activations: number[] }[] };
      }[];
    };
    parsed.scored_explanations[0]?.scored_simulation.scored_sequence_simulations[2]?.true_activations.pop();
    expect(
      fileErrorMessage(() =>
        parseNeuronSimulationResults(JSON.stringify(parsed), {
          path: 'explanations/0/816.jsonl',
          layer: 0,
          neuron: 816,
        }),
      ),
    ).toBe(
      'explanations/0/816.jsonl: scored_explanations[0].scored_simulation.scored_sequence_simulations[2].true_activations: 63 values for 64 tokens',
    );
  });

  it('says where a real record was truncated', () => {
    const text = read('collated-activations/1/1.json');
    const cut = text.slice(0, 100_000);
    const message = fileErrorMessage(() =>
      parseNeuronRecord(cut, { path: 'collated-activations/1/1.json', layer: 1, neuron: 1 }),
    );
    expect(message).toMatch(
      /^collated-activations\/1\/1\.json: truncated: the text stops after 100000 characters, inside random_sample(_by_quantile)?\[\d+\]/,
    );
  });
});

describe('damaged files get an error naming the file and the field', () => {
  const explanationError = (text: string) =>
    fileErrorMessage(() => parseNeuronSimulationResults(text, EXPLANATION_AT));
  const recordError = (text: string) => fileErrorMessage(() => parseNeuronRecord(text, RECORD_AT));
  const cutAfter = (text: string, marker: string, extra: number) =>
    text.slice(0, text.indexOf(marker) + marker.length + extra);

  it.each([
    [
      'a file truncated inside a list of activations',
      () => explanationError(cutAfter(explanation, '"true_activations": [0, 3.1, 0.2,', 0)),
      'explanations/5/7.jsonl: truncated: the text stops after 1106 characters, inside scored_explanations[0].scored_simulation.scored_sequence_simulations[0].true_activations[3]',
    ],
    [
      'a file truncated inside a number',
      () => explanationError(cutAfter(explanation, '"true_activations": [0, 3.1, 0.', 0)),
      'explanations/5/7.jsonl: truncated: the text stops after 1104 characters, inside scored_explanations[0].scored_simulation.scored_sequence_simulations[0].true_activations[2]',
    ],
    [
      'a file truncated inside a string',
      () => explanationError(cutAfter(explanation, '" anim', 0)),
      'explanations/5/7.jsonl: truncated: the text stops after 213 characters, inside scored_explanations[0].explanation',
    ],
    [
      'a file truncated after a key',
      () => recordError(cutAfter(record, '"mean":', 0)),
      'collated-activations/5/7.json: truncated: the text stops after 911 characters, inside mean',
    ],
    ['an empty file', () => explanationError(''), 'explanations/5/7.jsonl: the file is empty'],
    [
      'an HTML error page saved in place of the file',
      () => explanationError('<html><body>Not found</body></html>'),
      'explanations/5/7.jsonl: not valid JSON: expected a value at line 1, column 1, found "<html><body>"',
    ],
    [
      'two JSON lines in an explanation file',
      () => explanationError(explanation + explanation),
      'explanations/5/7.jsonl: not valid JSON: unexpected text after the end of the JSON value at line 2, column 1',
    ],
    [
      'a trailing comma (not JSON)',
      () => recordError(damage(record, '"kurtosis": Infinity,', '"kurtosis": Infinity,,')),
      'collated-activations/5/7.json: not valid JSON: expected a property name at line 76, column 23, found ",\\n \\"most_pos"',
    ],
    [
      'a misspelt literal',
      () => explanationError(damage(explanation, 'NaN', 'nan')),
      'explanations/5/7.jsonl: not valid JSON: expected a value at line 1, column 1177, found "nan, \\"absolu"',
    ],
    [
      'a score that is not a correlation',
      () =>
        explanationError(
          damage(explanation, '"ev_correlation_score": 0.73', '"ev_correlation_score": 5'),
        ),
      'explanations/5/7.jsonl: scored_explanations[1].scored_simulation.ev_correlation_score: 5 is not a correlation (those lie in [-1, 1])',
    ],
    [
      'a sequence score that is not a correlation',
      () =>
        explanationError(
          damage(explanation, '"ev_correlation_score": 0.91', '"ev_correlation_score": -1.5'),
        ),
      'explanations/5/7.jsonl: scored_explanations[0].scored_simulation.scored_sequence_simulations[0].ev_correlation_score: -1.5 is not a correlation (those lie in [-1, 1])',
    ],
    [
      'an explanation of a megabyte',
      () =>
        explanationError(damage(explanation, '" cats"', JSON.stringify('cat '.repeat(262_144)))),
      'explanations/5/7.jsonl: scored_explanations[1].explanation: 1,048,576 characters, more than the 1,000 an explanation may have',
    ],
    [
      'a record of a million tokens',
      () =>
        recordError(
          JSON.stringify({
            neuron_id: { layer_index: 5, neuron_index: 7 },
            random_sample: [{ tokens: Array(1_000_000).fill('a'), activations: [] }],
          }),
        ),
      'collated-activations/5/7.json: random_sample[0].tokens: 1,000,000 tokens, more than the 4,096 a record may have',
    ],
    [
      'a records file of 124 MB',
      () => recordError(record.replace('{', `{"padding": "${' '.repeat(124 * 1024 * 1024)}", `)),
      'collated-activations/5/7.json: 124.0 MB, more than the 16 MB a per-neuron file may have',
    ],
    [
      'a neuron_id that does not match the path',
      () => explanationError(damage(explanation, '"layer_index": 5', '"layer_index": 6')),
      'explanations/5/7.jsonl: neuron_id: names layer 6, neuron 7, but the file is for layer 5, neuron 7',
    ],
    [
      'a negative neuron index',
      () => explanationError(damage(explanation, '"neuron_index": 7', '"neuron_index": -7')),
      'explanations/5/7.jsonl: neuron_id.neuron_index: expected a non-negative integer, found the number -7',
    ],
    [
      'a fractional layer index',
      () => recordError(damage(record, '"layer_index": 5', '"layer_index": 5.5')),
      'collated-activations/5/7.json: neuron_id.layer_index: expected a non-negative integer, found the number 5.5',
    ],
    [
      'a missing neuron_id',
      () => explanationError(explanation.replace(/"neuron_id": \{[^}]*\}, /, '')),
      'explanations/5/7.jsonl: neuron_id: required field is missing',
    ],
    [
      'an explanation that is not a string',
      () => explanationError(damage(explanation, '"explanation": " cats"', '"explanation": 3')),
      'explanations/5/7.jsonl: scored_explanations[1].explanation: expected a string, found the number 3',
    ],
    [
      'a score written as a string',
      () =>
        explanationError(
          damage(explanation, '"ev_correlation_score": 0.73', '"ev_correlation_score": "0.73"'),
        ),
      'explanations/5/7.jsonl: scored_explanations[1].scored_simulation.ev_correlation_score: expected a number or null, found the string "0.73"',
    ],
    [
      'scored_explanations that is not a list',
      () =>
        explanationError(
          JSON.stringify({
            neuron_id: { layer_index: 5, neuron_index: 7 },
            scored_explanations: {},
          }),
        ),
      'explanations/5/7.jsonl: scored_explanations: expected a list, found an object',
    ],
    [
      'true activations one short of the tokens',
      () =>
        explanationError(
          damage(
            explanation,
            '"true_activations": [1.2, -0.1, 0.7]',
            '"true_activations": [1.2, -0.1]',
          ),
        ),
      'explanations/5/7.jsonl: scored_explanations[0].scored_simulation.scored_sequence_simulations[1].true_activations: 2 values for 3 tokens',
    ],
    [
      'simulated activations one short of the tokens',
      () =>
        explanationError(
          damage(
            explanation,
            '"expected_activations": [1.5, 0, 0.5]',
            '"expected_activations": [1.5, 0]',
          ),
        ),
      'explanations/5/7.jsonl: scored_explanations[0].scored_simulation.scored_sequence_simulations[1].simulation.expected_activations: 2 values for 3 tokens',
    ],
    [
      'an unknown activation scale',
      () =>
        explanationError(
          damage(explanation, '"simulated_normalized_activations"', '"normalized_activations"'),
        ),
      'explanations/5/7.jsonl: scored_explanations[0].scored_simulation.scored_sequence_simulations[0].simulation.uncalibrated_simulation.activation_scale: unknown activation scale "normalized_activations" (expected "neuron_activations" or "simulated_normalized_activations")',
    ],
    [
      'a distribution whose probabilities do not match its values',
      () => explanationError(damage(explanation, '[0.5, 0.5]', '[0.5, 0.25, 0.25]')),
      'explanations/5/7.jsonl: scored_explanations[0].scored_simulation.scored_sequence_simulations[0].simulation.distribution_probabilities[1]: 3 probabilities for 2 values',
    ],
    [
      'a NaN true activation',
      () =>
        explanationError(
          damage(explanation, '"true_activations": [0, 3.1', '"true_activations": [NaN, 3.1'),
        ),
      'explanations/5/7.jsonl: scored_explanations[0].scored_simulation.scored_sequence_simulations[0].true_activations[0]: NaN is not a finite number',
    ],
    [
      'a record with one activation too many',
      () => recordError(damage(record, '-0.1,\n    4.25', '-0.1,\n    4.25, 1')),
      'collated-activations/5/7.json: most_positive_activation_records[1].activations: 4 values for 3 tokens',
    ],
    [
      'a token that is not a string',
      () => recordError(damage(record, '" q"', '7')),
      'collated-activations/5/7.json: random_sample_by_quantile[0][0].tokens[0]: expected a string, found the number 7',
    ],
    [
      'quantile lists that do not match the boundaries',
      () => recordError(damage(record, '0.05,\n  0.5,', '0.05,')),
      'collated-activations/5/7.json: random_sample_by_quantile: 3 quantile lists for 3 quantile boundaries (expected 2)',
    ],
    [
      'a null list of top records',
      () =>
        recordError(
          damage(
            record,
            '"most_positive_activation_records": [',
            '"most_positive_activation_records": null, "x": [',
          ),
        ),
      'collated-activations/5/7.json: most_positive_activation_records: expected a list, found null',
    ],
    [
      'a statistic written as text',
      () => recordError(damage(record, '"mean": 0.01', '"mean": "0.01"')),
      'collated-activations/5/7.json: mean: expected a number or null, found the string "0.01"',
    ],
    [
      'a related-neuron name that is not "layer_neuron"',
      () =>
        fileErrorMessage(() =>
          parseRelatedNeurons(damage(relatedNeurons, '"4_100"', '"4-100"'), {
            path: 'related-neurons/weight-based/5/7.json',
          }),
        ),
      'related-neurons/weight-based/5/7.json: c_fc.top_positive_neurons[0]: "4-100" is not a neuron name of the form "layer_neuron"',
    ],
    [
      'related-neuron weights that do not match the neurons',
      () =>
        fileErrorMessage(() =>
          parseRelatedNeurons(damage(relatedNeurons, '[0.5, 0.25]', '[0.5]'), {
            path: 'related-neurons/weight-based/5/7.json',
          }),
        ),
      'related-neurons/weight-based/5/7.json: c_fc.top_positive_weights: 1 weights for 2 neurons',
    ],
    [
      'weight-based related tokens without one side',
      () =>
        fileErrorMessage(() =>
          parseWeightBasedSummary(damage(weightBased, '"output_negative"', '"output_neg"'), {
            path: 'related-tokens/weight-based/5/7.json',
          }),
        ),
      'related-tokens/weight-based/5/7.json: output_negative: required field is missing',
    ],
    [
      'average activations that do not match the tokens',
      () =>
        fileErrorMessage(() =>
          parseTokenLookupTable(damage(lookupTable, '[2.5, null, 1.25]', '[2.5, null]'), {
            path: 'related-tokens/activation-based/5/7.json',
          }),
        ),
      'related-tokens/activation-based/5/7.json: average_activations: 2 values for 3 tokens',
    ],
  ])('%s', (_name, run, message) => {
    expect(run()).toBe(message);
  });
});

describe('per-neuron paths', () => {
  it('accepts the five published shapes with canonical integers only', () => {
    expect(parseNeuronFilePath('explanations/3/141.jsonl')).toEqual({
      kind: 'explanations',
      layer: 3,
      neuron: 141,
    });
    expect(parseNeuronFilePath('related-neurons/weight-based/0/0.json')?.kind).toBe(
      'related-neurons/weight-based',
    );
    for (const bad of [
      'explanations/3/141.json',
      'collated-activations/3/141.jsonl',
      'explanations/03/141.jsonl',
      'explanations/-1/141.jsonl',
      'explanations/1.5/141.jsonl',
      'explanations/../../etc/passwd',
      'explanations/3/141.jsonl/..',
      '/explanations/3/141.jsonl',
      'related-tokens/3/141.json',
      'explanations/3/%2e%2e.jsonl',
    ]) {
      expect(parseNeuronFilePath(bad)).toBeNull();
    }
  });
});
