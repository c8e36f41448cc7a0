/**
 * The browse page's "export this view" (src/core/view-export) over the 307,200-neuron scale
 * fixture: every row, in score order, as CSV and as JSON, each into a Blob as the page builds it
 * (chunks handed to the Blob, not joined), plus the longest single chunk (how long the page is
 * held at most between yields). Also the comparison's join and a view of it (src/core/compare)
 * of the fixture against a re-scored copy of itself. Same code as the browser runs, in Node.
 *
 *   npm run bench:view-export [-- <dataset folder>]     (default fixtures-out/data/scale)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { joinTables } from '../src/core/compare/join.ts';
import { CompareBuilder } from '../src/core/compare/answer.ts';
import { comparisonColumns } from '../src/core/compare/export.ts';
import { compareRows, DEFAULT_COMPARE_VIEW } from '../src/core/compare/view.ts';
import { layerColumns, NeuronTable } from '../src/core/browse/table.ts';
import { parseLayerIndex, parseManifest } from '../src/core/dataset/parse.ts';
import {
  browseColumns,
  exportChunks,
  type ExportFormat,
  type ViewColumn,
} from '../src/core/view-export/export.ts';

const folder = resolve(process.argv[2] ?? 'fixtures-out/data/scale');
const RUNS = 5;

/** The 307,200-neuron scale fixture, generated and ingested by the CLI (as bench:browse does). */
function makeScaleDataset() {
  const cli = (...words: string[]) =>
    execFileSync('npx', ['tsx', 'src/cli/main.ts', ...words], { stdio: 'inherit' });
  if (!existsSync('fixtures-out/scale')) cli('fixture', 'scale', '--out', 'fixtures-out/scale');
  cli('ingest', '--source', 'fixtures-out/scale', '--out', folder, '--synthetic', '--no-progress');
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function loadTable(): NeuronTable {
  const manifest = parseManifest(readFileSync(join(folder, 'manifest.json'), 'utf8'), {
    path: 'manifest.json',
  });
  const table = new NeuronTable(manifest.layers);
  for (const entry of manifest.layers) {
    const text = readFileSync(join(folder, entry.index), 'utf8');
    table.addLayer(layerColumns(parseLayerIndex(text, { path: entry.index })));
  }
  return table;
}

function measure(format: ExportFormat, columns: ViewColumn[], rows: Int32Array) {
  const totals: number[] = [];
  const cpu: number[] = [];
  const longest: number[] = [];
  let bytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const parts: string[] = [];
    let slowest = 0;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    let last = start;
    for (const chunk of exportChunks(format, columns, rows)) {
      parts.push(chunk);
      const now = performance.now();
      slowest = Math.max(slowest, now - last);
      last = now;
    }
    const blob = new Blob(parts, { type: 'text/plain' });
    totals.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    longest.push(slowest);
    bytes = blob.size;
  }
  return { total: median(totals), cpu: median(cpu), longest: median(longest), bytes };
}

function main() {
  if (!process.argv[2] && !existsSync(join(folder, 'manifest.json'))) makeScaleDataset();
  const table = loadTable();
  const rows = table.order('score', true).rows;
  console.log(
    `${folder}: ${rows.length.toLocaleString('en')} rows; load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  for (const format of ['csv', 'json'] as const) {
    const { total, cpu, longest, bytes } = measure(format, browseColumns(table), rows);
    console.log(
      `browse export ${format.toUpperCase()}: ${total.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU (medians of ${RUNS}), longest chunk ${longest.toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB`,
    );
  }

  // A re-scored copy: the same neurons, scores moved by a deterministic amount.
  const copy = loadTable();
  for (let row = 0; row < copy.size; row++) {
    copy.score[row] = copy.score[row]! + (((row * 2654435761) >>> 0) / 2 ** 32 - 0.5) * 0.4;
  }
  const joins: number[] = [];
  const views: number[] = [];
  let comparison = joinTables(table, copy);
  for (let run = 0; run < RUNS; run++) {
    let start = performance.now();
    comparison = joinTables(table, copy);
    joins.push(performance.now() - start);
    start = performance.now();
    compareRows(comparison, DEFAULT_COMPARE_VIEW);
    views.push(performance.now() - start);
  }
  console.log(
    `compare: join ${comparison.count.toLocaleString('en')} neurons ${median(joins).toFixed(0)} ms, sort by difference ${median(views).toFixed(0)} ms (medians of ${RUNS})`,
  );
  // The view as the page gets it from the worker (rows of each table), exported by place.
  const compared = new CompareBuilder(table, copy).answer(DEFAULT_COMPARE_VIEW);
  const places = Int32Array.from(compared.rowA.keys());
  const { total, cpu } = measure('csv', comparisonColumns(compared, table, copy), places);
  console.log(
    `comparison export CSV: ${total.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU (medians of ${RUNS})`,
  );
  console.log(
    `load average after: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
}

main();
