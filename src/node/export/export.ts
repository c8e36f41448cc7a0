/**
 * `export`: every neuron of a dataset (its explanations, scores and record statistics) in one
 * SQLite, Parquet or CSV file, with the report beside it as `<file>.report.json`. Layers are read
 * and written one at a time (memory holds one layer); the file is written under a temporary name
 * and renamed when complete, so an interrupted export never leaves a partial file behind its name.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXPORT_FORMAT } from '../../core/export/rows.ts';
import type { SourceOptions } from '../source.ts';
import { openCsvWriter } from './csv.ts';
import { openParquetWriter } from './parquet.ts';
import { layerNeurons, openExportInput, readLayer, type ExportProblem } from './read.ts';
import { openSqliteWriter } from './sqlite.ts';
import type { ExportFormat, ExportSummary, ExportWriter } from './writer.ts';

export interface ExportOptions {
  /** A dataset folder (with manifest.json), or a published layout: a folder or a URL. */
  data: string;
  format: ExportFormat;
  out: string;
  layers?: { from: number; to: number };
  /** Read activation records for their statistics (default: when the source is a folder). */
  records?: boolean;
  /** Neurons read at once (default 32 for a folder, 16 for a URL). */
  concurrency?: number;
  sourceOptions?: SourceOptions;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
}

export interface ExportProgress {
  layer: number | null;
  layersDone: number;
  layersTotal: number;
  /** Neurons asked for so far, and in all. */
  neuronsDone: number;
  neuronsTotal: number;
  exported: number;
  failed: number;
  elapsedMs: number;
}

export interface ExportResult {
  out: string;
  reportPath: string;
  summary: ExportSummary;
  /** One line for a terminal. */
  text: string;
}

const OPENERS: Record<ExportFormat, (path: string) => ExportWriter> = {
  sqlite: openSqliteWriter,
  parquet: openParquetWriter,
  csv: openCsvWriter,
};

export function reportPathFor(out: string): string {
  return `${out}.report.json`;
}

export async function exportDataset(options: ExportOptions): Promise<ExportResult> {
  const started = Date.now();
  const out = resolve(options.out);
  const input = await openExportInput(options.data, {
    ...options.sourceOptions,
    ...(options.layers ? { layers: options.layers } : {}),
  });
  const { source } = input;
  const records = options.records ?? source.kind === 'local';
  const concurrency = Math.max(1, options.concurrency ?? (source.kind === 'local' ? 32 : 16));

  // Listing is cheap next to reading: plan every layer first so that progress has a total.
  const plans: { layer: number; neurons: number[] }[] = [];
  for (const layer of input.layers) {
    plans.push({ layer, neurons: await layerNeurons(source, layer, records) });
  }
  const progress: ExportProgress = {
    layer: null,
    layersDone: 0,
    layersTotal: plans.length,
    neuronsDone: 0,
    neuronsTotal: plans.reduce((n, p) => n + p.neurons.length, 0),
    exported: 0,
    failed: 0,
    elapsedMs: 0,
  };
  let lastReported = 0;
  const report = (force: boolean) => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastReported < 100)) return;
    lastReported = now;
    options.onProgress({ ...progress, elapsedMs: now - started });
  };
  report(true);

  const temporary = `${out}.partial`;
  await rm(temporary, { force: true });
  const writer = OPENERS[options.format](temporary);
  const problems: ExportProblem[] = [];
  let explanations = 0;
  let withRecords = 0;
  try {
    const read = (plan: (typeof plans)[number]) =>
      readLayer(source, plan.layer, plan.neurons, {
        records,
        concurrency,
        ...(options.signal ? { signal: options.signal } : {}),
        onNeuron: () => {
          progress.neuronsDone += 1;
          report(false);
        },
      });
    // The next layer is read while this one is written (at most two layers in memory).
    let reading = plans[0] ? read(plans[0]) : null;
    for (let i = 0; i < plans.length; i += 1) {
      progress.layer = plans[i]!.layer;
      const layer = await reading!;
      reading = plans[i + 1] ? read(plans[i + 1]!) : null;
      // A failed read of the next layer is seen when it is awaited; until then it is handled.
      reading?.catch(() => {});
      await writer.writeLayer(layer.neurons);
      for (const neuron of layer.neurons) {
        explanations += neuron.explanations.length;
        if (neuron.has_records) withRecords += 1;
      }
      problems.push(...layer.problems);
      progress.exported += layer.neurons.length;
      progress.failed += layer.problems.length;
      progress.layersDone += 1;
      report(true);
    }
    const summary: ExportSummary = {
      format: EXPORT_FORMAT,
      dataset: { id: input.id, title: input.title, model: input.model, source: source.location },
      exportedAt: new Date().toISOString(),
      layers: input.layers,
      neurons: progress.exported,
      explanations,
      withRecords,
      failed: problems.length,
      problems,
    };
    await writer.finish(summary);
    await rename(temporary, out);
    const reportPath = reportPathFor(out);
    await writeFile(reportPath, `${JSON.stringify(summary, null, 1)}\n`);
    progress.layer = null;
    report(true);
    const seconds = (Date.now() - started) / 1000;
    const count = (n: number) => n.toLocaleString('en-US');
    const text =
      `Exported ${input.id} to ${out} (${options.format}): ${count(summary.neurons)} neurons, ` +
      `${count(explanations)} explanations, ${count(withRecords)} with records, ` +
      `${count(problems.length)} left out for a bad file${problems.length > 0 ? ` (listed in ${reportPath})` : ''}` +
      ` in ${seconds.toFixed(1)} s`;
    return { out, reportPath, summary, text };
  } catch (error) {
    await writer.abort();
    await rm(temporary, { force: true });
    throw error;
  }
}
