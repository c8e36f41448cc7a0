/** `ingest`: build a dataset folder (manifest, layer indexes, report) from a published layout. */
import { Option, type Command } from 'commander';
import { ingestDataset, type IngestProgress, type IngestResult } from '../../node/ingest.ts';
import { parseLayerRange, parsePositive, runWithProgress } from '../command.ts';

interface IngestFlags {
  source: string;
  out: string;
  model?: string;
  layers?: { from: number; to: number };
  concurrency?: number;
  id?: string;
  title?: string;
  synthetic?: boolean;
  records?: boolean;
  tokenIndex?: boolean;
  neurons?: number;
  layerCount?: number;
  cache?: string;
  restart?: boolean;
  progress: boolean;
}

function rate(progress: IngestProgress): string {
  const seconds = progress.elapsedMs / 1000;
  return seconds > 0 ? Math.round(progress.filesDone / seconds).toLocaleString('en-US') : '0';
}

/** Problems listed on the terminal; the report lists them all (up to its own caps). */
const PROBLEMS_SHOWN = 20;

/**
 * Every malformed or unreadable file, one line each (up to PROBLEMS_SHOWN), naming the file and
 * the field; missing files only as a count, since a partial release misses thousands.
 */
export function problemLines(result: IngestResult): string {
  const damaged = result.report.problems.filter((problem) => problem.kind !== 'missing');
  if (damaged.length === 0) return '';
  const lines = damaged.slice(0, PROBLEMS_SHOWN).map((p) => `${p.kind}: ${p.message}`);
  const hidden = damaged.length - PROBLEMS_SHOWN;
  if (hidden > 0) lines.push(`... and ${hidden.toLocaleString('en-US')} more`);
  lines.push(`All problems: ${result.reportPath}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('ingest')
    .description('Read a dataset in the published layout and write the indexes the app loads')
    .requiredOption(
      '--source <folder|url>',
      'local folder or http(s) base URL ("." = the out folder)',
    )
    .requiredOption('--out <folder>', 'dataset folder to write (its parent is the data folder)')
    .option(
      '--model <name>',
      'subject model, e.g. gpt2-xl or gpt2-small (default: from the source)',
    )
    .option('--layers <range>', 'layers to ingest, e.g. 0-47 or 5', parseLayerRange)
    .option('--concurrency <n>', 'files read at once (default 32 local, 16 remote)', parsePositive)
    .option('--id <id>', 'dataset id (default: the out folder name)')
    .option('--title <title>', 'title shown in the app')
    .option('--synthetic', 'mark the dataset as synthetic (a demo)')
    .addOption(
      new Option('--records', 'read activation records for max activations (default: local only)'),
    )
    .option('--no-records', 'do not read activation records')
    .addOption(
      new Option(
        '--token-index',
        'write the token index (which neurons respond to a token; default: local only)',
      ),
    )
    .option('--no-token-index', 'do not write the token index')
    .option(
      '--neurons <n>',
      'neurons per layer (for sources without a model preset)',
      parsePositive,
    )
    .option('--layer-count <n>', 'layers of a URL source without a model preset', parsePositive)
    .option('--cache <folder>', 'keep fetched remote files in this folder')
    .option('--restart', 'ignore the checkpoints of an interrupted run')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: IngestFlags) => {
      const controller = new AbortController();
      const result = await runWithProgress(
        {
          fields:
            '{value}/{total} files | {rate} files/s | ETA {eta_formatted} | layer {layer} | {explained} explained, {problems} problems',
          progress: flags.progress,
          controller,
          interrupted: 'finished layers are kept; run the same command again to resume',
        },
        (show) =>
          ingestDataset({
            source: flags.source,
            out: flags.out,
            ...(flags.model !== undefined ? { model: flags.model } : {}),
            ...(flags.layers !== undefined ? { layers: flags.layers } : {}),
            ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
            ...(flags.id !== undefined ? { id: flags.id } : {}),
            ...(flags.title !== undefined ? { title: flags.title } : {}),
            ...(flags.records !== undefined ? { records: flags.records } : {}),
            ...(flags.tokenIndex !== undefined ? { tokenIndex: flags.tokenIndex } : {}),
            ...(flags.neurons !== undefined ? { neuronsPerLayer: flags.neurons } : {}),
            ...(flags.layerCount !== undefined ? { layerCount: flags.layerCount } : {}),
            ...(flags.cache !== undefined ? { sourceOptions: { cacheDir: flags.cache } } : {}),
            synthetic: flags.synthetic ?? false,
            restart: flags.restart ?? false,
            signal: controller.signal,
            onProgress: (p) =>
              show(p.filesTotal, p.filesDone, () => ({
                rate: rate(p),
                layer: p.layer ?? '-',
                explained: p.explained.toLocaleString('en-US'),
                problems: (p.malformed + p.unreadable).toLocaleString('en-US'),
              })),
          }),
      );
      process.stdout.write(`${result.summary}\n`);
      process.stderr.write(problemLines(result));
    });
}
