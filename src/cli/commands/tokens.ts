/**
 * `tokens "<token>" --data <dataset folder>`: which neurons respond to a token, with no model:
 * the dataset's token index (written by ingest) queried by the same core code as the app's token
 * search (src/core/tokens-index), with each neuron's explanation and score from its layer index.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { readLayerColumns } from '../../core/browse/read.ts';
import { parseManifest } from '../../core/dataset/parse.ts';
import {
  parseTokenIndexHead,
  parseTokenShard,
  queryTokenShard,
  shardPathFor,
  type TokenAnswer,
  type TokenHit,
  type TokenSort,
} from '../../core/tokens-index/query.ts';
import { QUERY_LIMIT } from '../../core/tokens-index/format.ts';
import { CliError, parseLayerRange, parsePositive } from '../command.ts';

export interface TokenNeuron extends TokenHit {
  score: number | null;
  explanation: string | null;
}

export interface TokensOptions {
  data: string;
  exact: boolean;
  layers?: { from: number; to: number };
  sort: TokenSort;
  limit: number;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`${path}: cannot read ${what} (${(error as Error).message})`);
  }
}

export async function tokenNeurons(
  token: string,
  options: TokensOptions,
): Promise<Omit<TokenAnswer, 'hits'> & { hits: TokenNeuron[] }> {
  if (token === '') throw new CliError('Give a token to look up, e.g. " Marvel"');
  const manifestPath = join(options.data, 'manifest.json');
  const manifest = parseManifest(await readText(manifestPath, "the dataset's manifest"), {
    path: manifestPath,
  });
  const headPath = manifest.search?.tokens;
  if (!headPath) {
    throw new CliError(
      `${options.data} has no token index: ingest it again (it needs related-tokens files or records)`,
    );
  }
  const head = parseTokenIndexHead(
    await readText(join(options.data, headPath), 'the token index'),
    headPath,
  );
  const shardPath = shardPathFor(head, token);
  const shard = parseTokenShard(
    await readText(join(options.data, shardPath), 'a token index shard'),
    shardPath,
    { shard: head.shards.indexOf(shardPath), shards: head.shards.length },
  );
  const answer = queryTokenShard(shard, {
    text: token,
    exact: options.exact,
    sort: options.sort,
    layers: options.layers ? [options.layers.from, options.layers.to] : null,
    limit: options.limit,
  });
  // Explanations and scores from the layer indexes of the layers the answer names.
  const columns = new Map<number, ReturnType<typeof readLayerColumns>>();
  for (const layer of new Set(answer.hits.map((hit) => hit.layer))) {
    const summary = manifest.layers.find((entry) => entry.layer === layer);
    if (!summary) continue;
    const path = join(options.data, summary.index);
    columns.set(layer, readLayerColumns(await readText(path, 'a layer index'), path));
  }
  return {
    ...answer,
    hits: answer.hits.map((hit) => {
      const layer = columns.get(hit.layer);
      const row = layer ? layer.neurons.indexOf(hit.neuron) : -1;
      const score = row >= 0 ? layer!.scores[row]! : NaN;
      return {
        ...hit,
        score: Number.isNaN(score) ? null : score,
        explanation: row >= 0 ? (layer!.explanations[row] ?? null) : null,
      };
    }),
  };
}

const value = (x: number | null) => (x === null ? '     —' : x.toFixed(3).padStart(6));

function formatAnswer(token: string, answer: Awaited<ReturnType<typeof tokenNeurons>>): string {
  if (answer.matches.length === 0)
    return `No neuron of this dataset names ${JSON.stringify(token)}.`;
  const spellings = answer.matches.map((m) => JSON.stringify(m.token)).join(', ');
  const lines = [
    `${answer.complete ? '' : 'at least '}${answer.total.toLocaleString('en-US')} neurons respond to ${spellings}`,
    `${'neuron'.padEnd(10)} ${'mean'.padStart(6)} ${'top'.padStart(6)} ${'score'.padStart(6)}  explanation`,
  ];
  for (const hit of answer.hits) {
    lines.push(
      `${`${hit.layer}:${hit.neuron}`.padEnd(10)} ${value(hit.mean)} ${value(hit.top)} ${value(hit.score)}  ${(hit.explanation ?? '').trim()}`,
    );
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('tokens')
    .description(
      'which neurons respond to a token, from the dataset alone (no model): its token index',
    )
    .argument('<token>', 'a token, e.g. " Marvel" (leading space included) or marvel')
    .requiredOption('--data <folder>', 'an ingested dataset folder (holding manifest.json)')
    .option('--exact', 'only this exact token (space and case), not every spelling of the word')
    .option('--layers <range>', 'only these layers, e.g. 10-20 or 5', parseLayerRange)
    .addOption(
      new Option('--sort <key>', 'mean: mean activation on the token; top: in the top records')
        .choices(['mean', 'top'])
        .default('mean'),
    )
    .option(
      '-n, --limit <n>',
      `how many neurons to print (at most ${QUERY_LIMIT})`,
      parsePositive,
      20,
    )
    .option('--json', 'print {matches, total, complete, hits: [{layer, neuron, mean, top, ...}]}')
    .action(
      async (
        token: string,
        flags: {
          data: string;
          exact?: boolean;
          layers?: { from: number; to: number };
          sort: TokenSort;
          limit: number;
          json?: boolean;
        },
      ) => {
        const answer = await tokenNeurons(token, {
          data: flags.data,
          exact: flags.exact ?? false,
          ...(flags.layers ? { layers: flags.layers } : {}),
          sort: flags.sort,
          limit: Math.min(flags.limit, QUERY_LIMIT),
        });
        process.stdout.write(
          `${flags.json ? JSON.stringify(answer, null, 2) : formatAnswer(token, answer)}\n`,
        );
      },
    );
}
