/** `export`: a dataset's neurons, explanations, scores and record statistics in one file. */
import { InvalidArgumentError, type Command } from 'commander';
import { exportDataset } from '../../node/export/export.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../node/export/writer.ts';
import {
  abortOnInterrupt,
  CliError,
  parseLayerRange,
  parsePositive,
  progressBar,
} from '../command.ts';

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
      const bar = progressBar(
        '{value}/{total} neurons | {rate} neurons/s | ETA {eta_formatted} | layer {layer} | {failed} left out',
      );
      const showBar = flags.progress && process.stderr.isTTY;
      let started = false;
      const controller = new AbortController();
      const stopListening = abortOnInterrupt(controller);
      try {
        const result = await exportDataset({
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
          onProgress: (p) => {
            if (!showBar) return;
            const seconds = p.elapsedMs / 1000;
            const payload = {
              rate: seconds > 0 ? Math.round(p.neuronsDone / seconds).toLocaleString('en-US') : 0,
              layer: p.layer ?? '-',
              failed: p.failed.toLocaleString('en-US'),
            };
            if (!started) bar.start(p.neuronsTotal, p.neuronsDone, payload);
            else bar.update(p.neuronsDone, payload);
            started = true;
          },
        });
        if (started) bar.stop();
        process.stdout.write(`${result.text}\n`);
      } catch (error) {
        if (started) bar.stop();
        if (controller.signal.aborted) throw new CliError('interrupted: no file was written', 130);
        throw error;
      } finally {
        stopListening();
      }
    });
}
