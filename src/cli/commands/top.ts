/** `top`: the highest-scoring neurons of an ingested dataset, from the layer indexes the app uses. */
import type { Command } from 'commander';
import { topNeurons, type ScoredNeuron } from '../../core/dataset/top.ts';
import { readLayerIndexes, readManifestFile } from '../../node/dataset-files.ts';
import { CliError, parseCount } from '../command.ts';
import { checkDatasetFolder } from '../dataset-folder.ts';

interface TopFlags {
  data: string;
  layer?: number;
  n: number;
  json?: boolean;
}

export async function topOfDataset(
  datasetDir: string,
  options: { layer?: number; n: number },
): Promise<ScoredNeuron[]> {
  checkDatasetFolder(datasetDir);
  const manifest = await readManifestFile(datasetDir);
  if (options.layer !== undefined && !manifest.layers.some((l) => l.layer === options.layer)) {
    const layers = manifest.layers.map((l) => l.layer);
    throw new CliError(
      `${manifest.id} has no layer ${options.layer} (layers ${layers[0]}-${layers[layers.length - 1]})`,
    );
  }
  const indexes = await readLayerIndexes(
    datasetDir,
    manifest,
    options.layer === undefined ? undefined : [options.layer],
  );
  return topNeurons(indexes, options.n);
}

export function formatTable(rows: readonly ScoredNeuron[], width = 100): string {
  const head = 'layer  neuron  score  explanation';
  const room = Math.max(20, width - 22);
  const lines = rows.map((r) => {
    const text = r.explanation.trim().replace(/\s+/g, ' ');
    const shown = text.length > room ? `${text.slice(0, room - 1)}…` : text;
    return `${String(r.layer).padStart(5)}  ${String(r.neuron).padStart(6)}  ${r.score.toFixed(3).padStart(5)}  ${shown}`;
  });
  return [head, ...lines].join('\n');
}

export function register(program: Command): void {
  program
    .command('top')
    .description('Print the highest-scoring neurons of an ingested dataset')
    .requiredOption('--data <folder>', 'dataset folder (with manifest.json)')
    .option('--layer <L>', 'only this layer', parseCount)
    .option('-n, --n <count>', 'how many', parseCount, 10)
    .option('--json', 'print a JSON array of {layer, neuron, score, explanation}')
    .action(async (flags: TopFlags) => {
      const rows = await topOfDataset(flags.data, {
        n: flags.n,
        ...(flags.layer !== undefined ? { layer: flags.layer } : {}),
      });
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(rows, null, 2)}\n`
          : `${formatTable(rows, process.stdout.columns ?? 100)}\n`,
      );
    });
}
