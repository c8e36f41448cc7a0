import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../../tests/support/cli.ts';
import { ingestDataset } from '../../node/ingest.ts';

function write(root: string, files: Record<string, unknown>): void {
  for (const [path, value] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof value === 'string' ? value : JSON.stringify(value));
  }
}

const explanation = (layer: number, neuron: number, text: string, score: number) => ({
  neuron_id: { layer_index: layer, neuron_index: neuron },
  scored_explanations: [
    {
      explanation: text,
      scored_simulation: { scored_sequence_simulations: [], ev_correlation_score: score },
    },
  ],
});

async function dataset(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'tokens-cli-'));
  write(join(root, 'source'), {
    'explanations/0/0.jsonl': explanation(0, 0, ' comic books', 0.5),
    'explanations/0/1.jsonl': explanation(0, 1, ' film studios', 0.25),
    'explanations/1/0.jsonl': explanation(1, 0, ' superheroes', 0.75),
    'related-tokens/activation-based/0/0.json': {
      tokens: [' Marvel', ' DC'],
      average_activations: [2, 1],
    },
    'related-tokens/activation-based/0/1.json': { tokens: ['Marvel'], average_activations: [0.5] },
    'related-tokens/activation-based/1/0.json': { tokens: [' Marvel'], average_activations: [3] },
  });
  const out = join(root, 'data', 'comics');
  await ingestDataset({ source: join(root, 'source'), out, neuronsPerLayer: 2 });
  return out;
}

describe('tokens', () => {
  it('lists the neurons that respond to a token, with their explanations', async () => {
    const data = await dataset();
    const table = await cli(['tokens', 'marvel', '--data', data]);
    expect(table.stderr).toBe('');
    expect(table.stdout.split('\n').slice(0, 5)).toEqual([
      '3 neurons respond to " Marvel", "Marvel"',
      'neuron       mean    top  score  explanation',
      '1:0         3.000      —  0.750  superheroes',
      '0:0         2.000      —  0.500  comic books',
      '0:1         0.500      —  0.250  film studios',
    ]);

    const exact = await cli([
      'tokens',
      ' Marvel',
      '--data',
      data,
      '--exact',
      '--layers',
      '0',
      '--json',
    ]);
    const answer = JSON.parse(exact.stdout) as { total: number; hits: { layer: number }[] };
    expect(answer.total).toBe(1);
    expect(answer.hits).toEqual([
      expect.objectContaining({ layer: 0, neuron: 0, mean: 2, explanation: ' comic books' }),
    ]);
  });

  it('says when a dataset has no token index', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tokens-cli-'));
    write(join(root, 'source'), { 'explanations/0/0.jsonl': explanation(0, 0, ' x', 0.1) });
    await ingestDataset({ source: join(root, 'source'), out: join(root, 'data', 'bare') });
    const run = await cli(['tokens', 'x', '--data', join(root, 'data', 'bare')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has no token index: ingest it again');
  });
});
