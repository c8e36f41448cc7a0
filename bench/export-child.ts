/** Runs one export in its own process for bench/export.ts and prints its figures as JSON. */
import { statSync } from 'node:fs';
import { exportDataset } from '../src/node/export/export.ts';
import type { ExportFormat } from '../src/node/export/writer.ts';
import { printFiguresOf } from './child-figures.ts';

const [data, format, out] = process.argv.slice(2);
if (!data || !format || !out) throw new Error('usage: export-child.ts <data> <format> <out>');
await printFiguresOf(
  () => exportDataset({ data, format: format as ExportFormat, out }),
  (result) => ({
    text: result.text,
    neurons: result.summary.neurons,
    bytes: statSync(out).size,
  }),
);
