import { describe, expect, it } from 'vitest';
import { parseNeuronRecord, parseNeuronSimulationResults } from '../../core/format/parse.ts';
import { hasRealData, readRealFile } from '../../../tests/app/real-files.ts';
import {
  allActivations,
  datasetExtent,
  nearestNeuron,
  maxActivation,
  neuronDomain,
  quantileRangeText,
  rankExplanations,
  recordGroups,
  sequenceLabel,
} from './model.ts';
import { explanationsFixture, recordFixture } from './fixtures.ts';

describe('rankExplanations', () => {
  it('puts the best score first and unscored last', () => {
    const ranked = rankExplanations(explanationsFixture);
    expect(ranked.map((entry) => entry.score)).toEqual([0.62, 0.31, null]);
    expect(ranked.map((entry) => entry.fileIndex)).toEqual([1, 0, 2]);
    expect(rankExplanations(null)).toEqual([]);
  });
});

describe('quantileRangeText', () => {
  const boundaries = [null, -0.0032, 0.5005, 1.5146, 2.3789, null];
  it('names open and closed ranges', () => {
    expect(quantileRangeText(boundaries, 0)).toBe('activations below −0.0032');
    expect(quantileRangeText(boundaries, 1)).toBe('activations −0.0032 to 0.5005');
    expect(quantileRangeText(boundaries, 4)).toBe('activations above 2.3789');
    expect(quantileRangeText(null, 2)).toBe('boundaries not in the file');
  });
});

describe('sequenceLabel', () => {
  it('names the release’s 5 top + 5 random sequences, numbers others', () => {
    expect(sequenceLabel(0, 10)).toBe('Top-activating 1');
    expect(sequenceLabel(7, 10)).toBe('Random 3');
    expect(sequenceLabel(2, 4)).toBe('Sequence 3');
  });
});

describe.skipIf(!hasRealData)('on the real record of neuron 1/1', () => {
  const path = 'collated-activations/1/1.json';
  const record = hasRealData
    ? parseNeuronRecord(readRealFile(path), { path, layer: 1, neuron: 1 })
    : recordFixture;

  it('has 50 top, 5 x 20 quantile and 50 random records, top first then quantiles high to low', () => {
    const groups = recordGroups(record);
    expect(groups.map((group) => [group.id, group.records.length])).toEqual([
      ['top', 50],
      ['q5', 20],
      ['q4', 20],
      ['q3', 20],
      ['q2', 20],
      ['q1', 20],
      ['random', 50],
    ]);
    expect(groups[1]!.title).toBe('Quantile range 5 (quantiles 0.999–1)');
    expect(groups[1]!.detail).toBe('activations above 2.3789');
  });

  it('spans the neuron’s activations: max 3.2617 (" transfers"), min −0.1637', () => {
    const values = allActivations(record);
    expect(values.length).toBeGreaterThan(12_000);
    expect(maxActivation(record)).toBe(3.2617);
    expect(neuronDomain(record, null)).toEqual({ min: -0.1637, max: 3.2617 });
  });

  it('takes the domain from scored sequences when there are no records', () => {
    const explanationsPath = 'explanations/0/816.jsonl';
    const results = parseNeuronSimulationResults(readRealFile(explanationsPath), {
      path: explanationsPath,
    });
    const domain = neuronDomain(null, results);
    expect(domain.max).toBeGreaterThan(3);
    expect(domain.min).toBeLessThan(0);
  });
});

describe('nearestNeuron and datasetExtent', () => {
  const layers = [
    { layer: 0, neurons: 8 },
    { layer: 1, neurons: 8 },
  ];
  it('points at the closest neuron that exists', () => {
    expect(nearestNeuron(layers, 1, 99)).toEqual({ layer: 1, neuron: 7 });
    expect(nearestNeuron(layers, 9, 3)).toEqual({ layer: 1, neuron: 3 });
    expect(nearestNeuron(layers, null, null)).toEqual({ layer: 0, neuron: 0 });
    expect(nearestNeuron([], 1, 1)).toBeNull();
  });
  it('says what the dataset holds', () => {
    expect(datasetExtent(layers)).toBe('layers 0 to 1, each with neurons 0 to 7');
    expect(datasetExtent([])).toBe('no layers');
  });
});

describe('recordGroups of a partial record file', () => {
  it('shows only the top-activating group when the file holds no samples', () => {
    const partial = {
      ...recordFixture,
      random_sample: [],
      random_sample_by_quantile: null,
      quantile_boundaries: null,
    };
    expect(recordGroups(partial).map((group) => group.id)).toEqual(['top']);
    expect(recordGroups(recordFixture).map((group) => group.id)).toHaveLength(7);
  });
});
