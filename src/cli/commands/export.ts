/** `export`: a dataset's neurons, explanations, scores and record statistics in one file. */
import { InvalidArgumentError, type Command } from 'commander';
import { exportDataset } from '../../node/export/export.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../node/export/writer.ts';
import { parseLayerRange, parsePositive, runWithProgress } from '../command.ts';

interface ExportFlags {
  data: string;
  format: ExportFormat;
  out: string;
  layers?: { from: number; to: number };
  records?: boolean;
  concurrency?: number;
  model?: string;
  cache?: string;
  progress: boolean;
}

function parseFormat(value: string): ExportFormat {
  if (!(EXPORT_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${EXPORT_FORMATS.join(', ')}`);
  }
  return value as ExportFormat;
}

export function register(program: Command): void {
  program
    .command('export')
    .description(
      'Write every neuron of a dataset (explanations, scores, record statistics) to one file',
    )
    .requiredOption(
      '--data <folder|url>',
      'dataset folder (with manifest.json) or a published layout (folder or http(s) URL)',
    )
    .requiredOption('--format <format>', 'sqlite, parquet or csv', parseFormat)
    .requiredOption('--out <file>', 'file to write (its report goes to <file>.report.json)')
    .option('--layers <range>', 'layers to export, e.g. 0-47 or 5', parseLayerRange)
    .option('--records', 'read activation records for their statistics (default: local only)')
    .option('--no-records', 'do not read activation records')
    .option(
      '--concurrency <n>',
      'neurons read at once (default 32 local, 16 remote)',
      parsePositive,
    )
    .option('--model <name>', 'subject model of a URL without a manifest (gpt2-xl, gpt2-small)')
    .option('--cache <folder>', 'keep files fetched from a URL in this folder')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: ExportFlags) => {
      const controller = new AbortController();
      const result = await runWithProgress(
        {
          fields:
            '{value}/{total} neurons | {rate} neurons/s | ETA {eta_formatted} | layer {layer} | {failed} left out',
          progress: flags.progress,
          controller,
          interrupted: 'no file was written',
        },
        (show) =>
          exportDataset({
            data: flags.data,
            format: flags.format,
            out: flags.out,
            ...(flags.layers ? { layers: flags.layers } : {}),
            ...(flags.records !== undefined ? { records: flags.records } : {}),
            ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
            sourceOptions: {
              ...(flags.model !== undefined ? { model: flags.model } : {}),
              ...(flags.cache !== undefined ? { cacheDir: flags.cache } : {}),
            },
            signal: controller.signal,
            onProgress: (p) =>
              show(p.neuronsTotal, p.neuronsDone, () => {
                const seconds = p.elapsedMs / 1000;
                return {
                  rate:
                    seconds > 0 ? Math.round(p.neuronsDone / seconds).toLocaleString('en-US') : 0,
                  layer: p.layer ?? '-',
                  failed: p.failed.toLocaleString('en-US'),
                };
              }),
          }),
      );
      process.stdout.write(`${result.text}\n`);
    });
}
