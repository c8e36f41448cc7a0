/**
 * A full-size dataset for benchmarks: explanation files for every neuron of a GPT-2 XL-shaped
 * model (48 x 6,400 = 307,200 by default), in the published layout and file form (one JSON line
 * with `dataclass_name` keys). Deterministic for a seed. Explanations are drawn from the paper's
 * CSV when given, else made from word lists; scores are full-precision, spread like the release's
 * (most low, a few above 0.8, falling with depth), with a few undefined ones written as NaN or null.
 * Not real data: for measuring ingest, never for display.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'gpt-tokenizer/encoding/r50k_base';
import type { NeuronSimulationResults } from '../core/format/types.ts';
import { writeNeuronFile } from '../core/format/write.ts';
import { Random } from '../core/random/random.ts';
import { readPaperExplanations } from './paper-csv.ts';

export interface ScaleFixtureOptions {
  out: string;
  layers?: number;
  neurons?: number;
  seed?: number;
  /** The paper's CSV of explanations; when absent or missing, text is generated. */
  explanationsCsv?: string;
  /**
   * Also write this many activation-based related tokens per neuron
   * (`related-tokens/activation-based/{L}/{N}.json`; default 0: none). Drawn from GPT-2's
   * vocabulary with a long tail (log-uniform over token ids: the first few ids land in most
   * neurons, the worst case for a token search), from a random stream of their own: the
   * explanation files are the same with or without them.
   */
  relatedTokens?: number;
  onProgress?: (layersDone: number, layers: number) => void;
}

export interface ScaleFixtureInfo {
  kind: typeof SCALE_FIXTURE_KIND;
  layers: number;
  neurons: number;
  seed: number;
  files: number;
  textSource: 'paper-explanations.csv' | 'generated';
  /** Related tokens per neuron (0 or absent: no related-tokens files). */
  relatedTokens?: number;
}

export const SCALE_FIXTURE_INFO = 'fixture.json';
/** Changes whenever the generator would write different files for the same options. */
export const SCALE_FIXTURE_KIND = 'neuron-explorer.scale-fixture/3';

function seededRandom(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

function normal(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const SUBJECTS = ['words', 'phrases', 'tokens', 'references', 'mentions', 'occurrences'];
const TOPICS = [
  'sports teams',
  'numbers in dates',
  'legal language',
  'the letter "s"',
  'programming keywords',
  'family members',
  'negative emotions',
  'place names',
  'units of measurement',
  'punctuation after quotes',
  'medical terms',
  'verbs in the past tense',
];

function generatedTexts(random: () => number): string[] {
  return Array.from({ length: 5000 }, () => {
    const pick = (list: string[]) => list[Math.floor(random() * list.length)] as string;
    return ` ${pick(SUBJECTS)} related to ${pick(TOPICS)} and ${pick(TOPICS)}`;
  });
}

/** Reads a fixture's info file, or null when the folder holds no complete fixture. */
export function readScaleFixtureInfo(out: string): ScaleFixtureInfo | null {
  const path = join(out, SCALE_FIXTURE_INFO);
  if (!existsSync(path)) return null;
  const info = JSON.parse(readFileSync(path, 'utf8')) as ScaleFixtureInfo;
  return info.kind === SCALE_FIXTURE_KIND ? info : null;
}

export function writeScaleFixture(options: ScaleFixtureOptions): ScaleFixtureInfo {
  const layers = options.layers ?? 48;
  const neurons = options.neurons ?? 6400;
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  const csv = options.explanationsCsv;
  const fromCsv = csv !== undefined && existsSync(csv);
  const texts = fromCsv
    ? readPaperExplanations(csv).map((row) => row.explanation)
    : generatedTexts(random);

  const related = options.relatedTokens ?? 0;
  const tokenRandom = seededRandom(seed ^ 0x5bd1e995);
  for (let layer = 0; layer < layers; layer += 1) {
    const folder = join(options.out, 'explanations', String(layer));
    mkdirSync(folder, { recursive: true });
    // Mean score falls from about 0.42 in the first layer to 0.14 in the last.
    const depth = layers > 1 ? layer / (layers - 1) : 0;
    const mean = 0.42 - 0.28 * depth;
    for (let neuron = 0; neuron < neurons; neuron += 1) {
      const explanation = texts[Math.floor(random() * texts.length)] as string;
      const roll = random();
      let raw = mean + 0.18 * normal(random);
      while (raw <= -0.3 || raw >= 0.99) raw = mean + 0.18 * normal(random);
      // One in a thousand has an undefined score, as a constant simulation gives.
      const score = roll < 0.0005 ? Number.NaN : roll < 0.001 ? null : raw;
      const results: NeuronSimulationResults = {
        neuron_id: { layer_index: layer, neuron_index: neuron },
        scored_explanations: [
          {
            explanation,
            scored_simulation: {
              scored_sequence_simulations: [],
              ev_correlation_score: score,
              rsquared_score: null,
              absolute_dev_explained_score: null,
            },
          },
        ],
      };
      writeFileSync(join(folder, `${neuron}.jsonl`), writeNeuronFile('explanations', results));
    }
    if (related > 0) writeRelatedTokens(options.out, layer, neurons, related, tokenRandom);
    options.onProgress?.(layer + 1, layers);
  }
  const info: ScaleFixtureInfo = {
    kind: SCALE_FIXTURE_KIND,
    layers,
    neurons,
    seed,
    files: layers * neurons * (related > 0 ? 2 : 1),
    textSource: fromCsv ? 'paper-explanations.csv' : 'generated',
    ...(related > 0 ? { relatedTokens: related } : {}),
  };
  writeFileSync(join(options.out, SCALE_FIXTURE_INFO), `${JSON.stringify(info, null, 1)}\n`);
  return info;
}

const VOCABULARY = 50257;

/** One layer's related-tokens files: `count` distinct tokens per neuron, falling mean activations. */
function writeRelatedTokens(
  out: string,
  layer: number,
  neurons: number,
  count: number,
  random: () => number,
): void {
  const folder = join(out, 'related-tokens', 'activation-based', String(layer));
  mkdirSync(folder, { recursive: true });
  for (let neuron = 0; neuron < neurons; neuron += 1) {
    // Distinct texts (byte tokens of split characters all read "\ufffd").
    const tokens = new Set<string>();
    while (tokens.size < count) {
      tokens.add(decode([Math.floor(Math.exp(random() * Math.log(VOCABULARY))) - 1]));
    }
    let mean = 1 + 6 * random();
    const averages: number[] = [];
    for (let i = 0; i < tokens.size; i++) {
      averages.push(Math.round(mean * 1e4) / 1e4);
      mean *= 0.9 + 0.08 * random();
    }
    const table = { tokens: [...tokens], average_activations: averages };
    writeFileSync(
      join(folder, `${neuron}.json`),
      writeNeuronFile('related-tokens/activation-based', table),
    );
  }
}
