/**
 * `search "<query>" --data <dataset folder>`: the app's keyword search from the command line, on
 * the same index and ranking code (src/core/search, src/core/browse).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError } from '../command.ts';
import { checkDatasetFolder } from '../dataset-folder.ts';
import { parseManifest } from '../../core/dataset/parse.ts';
import { readLayerColumns } from '../../core/browse/read.ts';
import {
  describeRows,
  SearchableDataset,
  searchRows,
  type NeuronMatch,
} from '../../core/browse/search.ts';
import { SORT_KEYS, type SortKey } from '../../core/browse/view.ts';
import { parseQuery } from '../../core/search/query.ts';

export interface SearchOptions {
  data: string;
  layer?: number;
  minScore?: number;
  n: number;
  sort: SortKey;
}

/** Loads the dataset's layer indexes (one layer, or all) and answers the query. */
export async function searchDataset(query: string, options: SearchOptions): Promise<NeuronMatch[]> {
  if (parseQuery(query).clauses.length === 0) {
    throw new CliError(`The query ${JSON.stringify(query)} has no words to search for`);
  }
  checkDatasetFolder(options.data);
  const manifestPath = join(options.data, 'manifest.json');
  let manifestText: string;
  try {
    manifestText = await readFile(manifestPath, 'utf8');
  } catch (error) {
    throw new CliError(`${manifestPath}: cannot read the dataset's manifest (${String(error)})`);
  }
  const manifest = parseManifest(manifestText, { path: manifestPath });
  const layers = manifest.layers.filter(
    (entry) => options.layer === undefined || entry.layer === options.layer,
  );
  if (layers.length === 0) {
    throw new CliError(
      `${options.data} has no layer ${options.layer} (layers ${manifest.layers[0]?.layer}..${manifest.layers.at(-1)?.layer})`,
    );
  }
  const dataset = new SearchableDataset(manifest.layers);
  for (const entry of layers) {
    const path = join(options.data, entry.index);
    dataset.addLayer(readLayerColumns(await readFile(path, 'utf8'), path));
  }
  const rows = searchRows(
    dataset,
    query,
    {
      layers: options.layer === undefined ? null : [options.layer, options.layer],
      score:
        options.minScore === undefined
          ? null
          : { low: options.minScore, high: Infinity, highIncluded: true },
      records: 'any',
    },
    {
      key: options.sort,
      descending:
        options.sort !== 'layer' && options.sort !== 'neuron' && options.sort !== 'explanation',
    },
  );
  return describeRows(dataset.table, rows.subarray(0, options.n));
}

function integer(name: string, min: number) {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min) {
      throw new InvalidArgumentError(
        `${name} must be an integer of at least ${min}, not "${value}"`,
      );
    }
    return number;
  };
}

function score(value: string) {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw new InvalidArgumentError(`the minimum score must be a number, not "${value}"`);
  }
  return number;
}

function formatMatches(matches: NeuronMatch[]): string {
  if (matches.length === 0) return 'No neuron matches.';
  return matches
    .map((m) => {
      const where = `${m.layer}:${m.neuron}`.padEnd(10);
      const value = m.score === null ? '   —  ' : m.score.toFixed(3).padStart(6);
      return `${where} ${value}  ${(m.explanation ?? '').trim()}`;
    })
    .join('\n');
}

export function searchCommand(): Command {
  return new Command('search')
    .description(
      'search explanations by keyword: words match as prefixes, "quoted phrases" exactly',
    )
    .argument('<query>', 'words and "quoted phrases"; every one must match')
    .requiredOption('--data <folder>', 'an ingested dataset folder (holding manifest.json)')
    .option('--layer <L>', 'only this layer', integer('--layer', 0))
    .option('--min-score <S>', 'only explanations scoring at least S', score)
    .option('-n, --limit <n>', 'how many matches to print', integer('-n', 1), 20)
    .addOption(
      new Option('--sort <key>', 'order of the matches').choices(SORT_KEYS).default('relevance'),
    )
    .option('--json', 'print a JSON array of {layer, neuron, score, explanation}')
    .action(
      async (
        query: string,
        options: {
          data: string;
          layer?: number;
          minScore?: number;
          limit: number;
          sort: SortKey;
          json?: boolean;
        },
      ) => {
        const matches = await searchDataset(query, {
          data: options.data,
          layer: options.layer,
          minScore: options.minScore,
          n: options.limit,
          sort: options.sort,
        });
        process.stdout.write(
          `${options.json ? JSON.stringify(matches, null, 2) : formatMatches(matches)}\n`,
        );
      },
    );
}

export function register(program: Command): void {
  program.addCommand(searchCommand());
}
