/** Runs one export in its own process for bench/export.ts and prints its figures as JSON. */
import { statSync } from 'node:fs';
import { exportDataset } from '../src/node/export/export.ts';
import type { ExportFormat } from '../src/node/export/writer.ts';

const [data, format, out] = process.argv.slice(2);
if (!data || !format || !out) throw new Error('usage: export-child.ts <data> <format> <out>');
const started = performance.now();
const cpuStarted = process.cpuUsage();
const result = await exportDataset({ data, format: format as ExportFormat, out });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
process.stdout.write(
  `${JSON.stringify({
    text: result.text,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    neurons: result.summary.neurons,
    bytes: statSync(out).size,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
