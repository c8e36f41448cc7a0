import { beforeAll, describe, expect, it } from 'vitest';
import { encode } from 'gpt-tokenizer/encoding/r50k_base';
import { parseNeuronFile, DatasetFileError } from '../format/parse.ts';
import {
  NEURON_FILE_KINDS,
  neuronFilePath,
  type NeuronFileKind,
  type NeuronRecord,
  type NeuronSimulationResults,
} from '../format/types.ts';
import { baselineSimulator } from '../simulation/baseline.ts';
import { simulateAndScore } from '../simulation/simulate.ts';
import { BEHAVIOURS } from './behaviours.ts';
import { DEMO_DOCUMENTS } from './corpus.ts';
import {
  DEMO_DATASET,
  DEMO_GAPS,
  generateDemoDataset,
  planDemoNeurons,
  type DemoDataset,
} from './generate.ts';

let demo: DemoDataset;
const texts = new Map<string, string>();

beforeAll(async () => {
  demo = await generateDemoDataset();
  for (const file of demo.files) texts.set(file.path, file.text);
}, 60_000);

function kindOf(path: string): { kind: NeuronFileKind; layer: number; neuron: number } {
  const match = /^(.+)\/(\d+)\/(\d+)\.jsonl?$/.exec(path)!;
  return { kind: match[1] as NeuronFileKind, layer: Number(match[2]), neuron: Number(match[3]) };
}

function parsed<K extends NeuronFileKind>(kind: K, layer: number, neuron: number) {
  const path = neuronFilePath(kind, layer, neuron);
  return parseNeuronFile(kind, texts.get(path)!, { path, layer, neuron });
}

describe('the demo dataset', () => {
  it('is the same bytes on every run', async () => {
    const again = await generateDemoDataset();
    expect(again.files.length).toBe(demo.files.length);
    again.files.forEach((file, i) => {
      expect(file.path).toBe(demo.files[i]!.path);
      expect(file.text === demo.files[i]!.text).toBe(true);
    });
  }, 60_000);

  it('has every kind of file, in the published layout, each parsing except the planted bad one', () => {
    const kinds = new Set<string>();
    for (const file of demo.files) {
      const { kind, layer, neuron } = kindOf(file.path);
      kinds.add(kind);
      expect(file.path).toBe(neuronFilePath(kind, layer, neuron));
      expect(layer).toBeLessThan(DEMO_DATASET.layers);
      expect(neuron).toBeLessThan(DEMO_DATASET.neuronsPerLayer);
      const parse = () => parseNeuronFile(kind, file.text, { path: file.path, layer, neuron });
      if (
        DEMO_GAPS.malformedExplanation.includes(`${layer}/${neuron}`) &&
        kind === 'explanations'
      ) {
        expect(parse).toThrow(DatasetFileError);
      } else {
        expect(parse).not.toThrow();
      }
    }
    expect([...kinds].sort()).toEqual([...NEURON_FILE_KINDS].sort());
  });

  it('has the planted gaps', () => {
    const has = (kind: NeuronFileKind, id: string) => {
      const [layer, neuron] = id.split('/').map(Number) as [number, number];
      return texts.has(neuronFilePath(kind, layer, neuron));
    };
    for (const id of DEMO_GAPS.missing) {
      for (const kind of NEURON_FILE_KINDS) expect(has(kind, id)).toBe(false);
    }
    for (const id of DEMO_GAPS.noRecords) {
      expect(has('collated-activations', id)).toBe(false);
      expect(has('explanations', id)).toBe(true);
    }
    for (const id of DEMO_GAPS.noExplanation) {
      expect(has('explanations', id)).toBe(false);
      expect(has('collated-activations', id)).toBe(true);
    }
    for (const id of DEMO_GAPS.noRelated) {
      expect(has('related-neurons/weight-based', id)).toBe(false);
      expect(has('collated-activations', id)).toBe(true);
    }
  });

  it('holds records of 64 GPT-2 tokens from the corpus, with realistic activations', () => {
    const record = parsed('collated-activations', 0, 0) as NeuronRecord;
    const all = [
      ...record.most_positive_activation_records,
      ...record.random_sample,
      ...record.random_sample_by_quantile!.flat(),
    ];
    expect(record.most_positive_activation_records).toHaveLength(20);
    expect(record.random_sample).toHaveLength(15);
    expect(record.random_sample_by_quantile).toHaveLength(5);
    for (const r of all) {
      expect(r.tokens).toHaveLength(64);
      expect(DEMO_DOCUMENTS.some((d) => d.includes(r.tokens.join('')))).toBe(true);
    }
    for (const token of all[0]!.tokens) expect(encode(token)).toHaveLength(1);
    const maxima = record.most_positive_activation_records.map((r) => Math.max(...r.activations));
    expect(maxima).toEqual([...maxima].sort((a, b) => b - a));
    const values = all.flatMap((r) => r.activations).sort((a, b) => a - b);
    expect(values[0]).toBeGreaterThanOrEqual(-0.17);
    expect(values[Math.floor(values.length / 2)]).toBeLessThan(0.2);
    expect(values.at(-1)).toBeGreaterThan(1);
    expect(values.at(-1)).toBeLessThan(12);
    const boundaries = record.quantile_boundaries!;
    expect(boundaries[0]).toBeNull();
    expect(boundaries[5]).toBeNull();
    const inner = boundaries.slice(1, 5) as number[];
    expect(inner).toEqual([...inner].sort((a, b) => a - b));
    expect(record.mean).toBeLessThan(0.5);
    expect(record.variance).toBeGreaterThan(0);
    expect(record.skewness).toBeGreaterThan(0);
    expect(record.kurtosis).not.toBeNull();
  });

  it('scores explanations with the baseline: real-vs-simulated sequences, calibrated', () => {
    const results = parsed('explanations', 0, 0) as NeuronSimulationResults;
    expect(results.scored_explanations.length).toBeGreaterThanOrEqual(2);
    const [planted] = results.scored_explanations;
    expect(planted!.explanation).toBe(planDemoNeurons()[0]!.behaviour.explanation);
    const sequences = planted!.scored_simulation.scored_sequence_simulations;
    expect(sequences).toHaveLength(10);
    expect(sequences[0]!.simulation.activation_scale).toBe('neuron_activations');
    expect(sequences[0]!.simulation.uncalibrated_simulation!.activation_scale).toBe(
      'simulated_normalized_activations',
    );
    expect(planted!.scored_simulation.ev_correlation_score).toBeGreaterThan(0.5);
  });

  it('has a near-dead neuron that barely moves', () => {
    const dead = planDemoNeurons().find(
      (p) =>
        p.behaviour.id === 'near-dead' && !DEMO_GAPS.noRecords.includes(`${p.layer}/${p.neuron}`),
    )!;
    const record = parsed('collated-activations', dead.layer, dead.neuron) as NeuronRecord;
    const top = Math.max(...record.most_positive_activation_records[0]!.activations);
    expect(top).toBeLessThan(0.5);
  });

  it('links related neurons upstream (c_fc, earlier layers) and downstream (c_proj, later)', () => {
    const first = parsed('related-neurons/weight-based', 0, 0);
    expect(first.c_fc).toBeNull();
    expect(first.c_proj!.top_positive_neurons.every((n) => n.layer > 0)).toBe(true);
    const last = parsed('related-neurons/weight-based', 3, 0);
    expect(last.c_proj).toBeNull();
    expect(last.c_fc!.top_positive_neurons.every((n) => n.layer < 3)).toBe(true);
    expect(last.c_fc!.top_negative_weights.every((w) => w < 0)).toBe(true);
    const tokens = parsed('related-tokens/activation-based', 0, 0);
    expect(tokens.average_activations).toEqual(
      [...tokens.average_activations].sort((a, b) => b! - a!),
    );
  });
});

describe('planted neurons', () => {
  const distinctive = [
    'months',
    'closing-brackets',
    'commas',
    'years',
    'after-the',
    'questions',
    'weather',
  ];

  it.each(distinctive)(
    'a %s neuron scores well with its own explanation and poorly with others',
    async (id) => {
      const plan =
        planDemoNeurons().find(
          (p) =>
            p.behaviour.id === id &&
            p.layer === 0 &&
            !DEMO_GAPS.noRecords.includes(`0/${p.neuron}`),
        ) ?? planDemoNeurons().find((p) => p.behaviour.id === id)!;
      const record = parsed('collated-activations', plan.layer, plan.neuron) as NeuronRecord;
      const own = await simulateAndScore(baselineSimulator, plan.behaviour.explanation, record);
      expect(own.ev_correlation_score).toBeGreaterThan(0.5);
      for (const other of BEHAVIOURS.filter((b) => distinctive.includes(b.id) && b.id !== id)) {
        const score = await simulateAndScore(baselineSimulator, other.explanation, record);
        expect(score.ev_correlation_score ?? 0).toBeLessThan(0.3);
      }
    },
  );
});
