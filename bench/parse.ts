/**
 * Why the parsers validate by hand: parses the real explanation files (or the scale fixture) with
 * the project's parser and with an equivalent zod 4 schema, and prints the median time per file.
 *
 *   npm run bench:parse [-- <dataset folder>]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseNeuronSimulationResults } from '../src/core/format/parse.ts';
import { parseJsonText } from '../src/core/format/json.ts';
import { realDataDir } from '../tests/real-data.ts';

const root = process.argv[2] ?? realDataDir();
if (!root) {
  console.error('No dataset folder given and no real data found.');
  process.exit(1);
}

const score = z
  .number()
  .nullable()
  .optional()
  .transform((v) => (v == null || !Number.isFinite(v) ? null : v));
const finite = z.number().refine(Number.isFinite, 'not a finite number');
const simulation: z.ZodType = z.lazy(() =>
  z
    .object({
      tokens: z.array(z.string()),
      expected_activations: z.array(finite),
      activation_scale: z.enum(['neuron_activations', 'simulated_normalized_activations']),
      distribution_values: z.array(z.array(finite)),
      distribution_probabilities: z.array(z.array(finite)),
      uncalibrated_simulation: simulation.nullable().optional(),
    })
    .refine((s) => s.expected_activations.length === s.tokens.length, 'length'),
);
const results = z.object({
  neuron_id: z.object({
    layer_index: z.number().int().min(0),
    neuron_index: z.number().int().min(0),
  }),
  scored_explanations: z.array(
    z.object({
      explanation: z.string(),
      scored_simulation: z.object({
        scored_sequence_simulations: z.array(
          z.object({
            simulation,
            true_activations: z.array(finite),
            ev_correlation_score: score,
            rsquared_score: score,
            absolute_dev_explained_score: score,
          }),
        ),
        ev_correlation_score: score,
        rsquared_score: score,
        absolute_dev_explained_score: score,
      }),
    }),
  ),
});

const files: { path: string; layer: number; neuron: number; text: string }[] = [];
const dir = join(root, 'explanations');
for (const layer of readdirSync(dir)) {
  for (const name of readdirSync(join(dir, layer))) {
    if (files.length >= 20_000) break;
    const path = `explanations/${layer}/${name}`;
    files.push({
      path,
      layer: Number(layer),
      neuron: Number.parseInt(name, 10),
      text: readFileSync(join(root, path), 'utf8'),
    });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function run(name: string, parse: (file: (typeof files)[number]) => unknown): number {
  const rounds: number[] = [];
  for (let round = 0; round < 7; round += 1) {
    const start = performance.now();
    for (const file of files) parse(file);
    rounds.push(((performance.now() - start) * 1000) / files.length);
  }
  const perFile = median(rounds);
  console.log(
    `${name.padEnd(28)} ${perFile.toFixed(2)} µs/file (median of 7 rounds, ${files.length} files)`,
  );
  return perFile;
}

const bare = run('JSON.parse only', (f) => JSON.parse(f.text));
const hand = run('hand-written validators', (f) => parseNeuronSimulationResults(f.text, f));
const withZod = run('zod 4 schema', (f) => results.parse(parseJsonText(f.text)));
console.log(
  `validation cost: hand ${(hand - bare).toFixed(2)} µs, zod ${(withZod - bare).toFixed(2)} µs per file; zod/hand total = ${(withZod / hand).toFixed(2)}x`,
);
