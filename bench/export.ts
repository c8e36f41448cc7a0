/**
 * Export at full scale: the 307,200-neuron scale fixture (generated once, reused after) exported
 * from local disk to SQLite, Parquet and CSV, each in a child process of its own, several runs.
 * Reports wall time (the export itself and the whole process, Node and tsx start included), CPU
 * time, file size and the child's peak RSS. Targets: SQLite and Parquet each <= 30 s, <= 1 GB.
 *
 *   npm run bench:export [-- --runs 3] [-- --formats sqlite,parquet,csv]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureScaleFixture, REPOSITORY } from './scale-fixture.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const runs = Number(flag('--runs') ?? 3);
const formats = (flag('--formats') ?? 'sqlite,parquet,csv').split(',');
const TARGET_SECONDS = 30;
const TARGET_RSS = 2 ** 30;

const fixture = ensureScaleFixture();
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const outDir = join(REPOSITORY, 'fixtures-out', 'export');
mkdirSync(outDir, { recursive: true });

interface ChildFigures {
  text: string;
  seconds: number;
  cpuSeconds: number;
  neurons: number;
  bytes: number;
  peakRssBytes: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

const summary: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}`,
  loadAverageBefore: loadavg().map((l) => round(l, 2)),
};
for (const format of formats) {
  const out = join(outDir, `scale.${format}`);
  const figures: (ChildFigures & { processSeconds: number; load: number })[] = [];
  for (let run = 0; run < runs; run += 1) {
    rmSync(out, { force: true });
    const load = round(loadavg()[0] ?? 0, 2);
    const started = performance.now();
    const stdout = execFileSync(
      process.execPath,
      [tsx, join(REPOSITORY, 'bench', 'export-child.ts'), fixture, format, out],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const processSeconds = (performance.now() - started) / 1000;
    const child = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildFigures;
    figures.push({ ...child, processSeconds, load });
    console.log(
      `${format} run ${run + 1}/${runs} (load ${load}): ${child.seconds.toFixed(1)} s ` +
        `(process ${processSeconds.toFixed(1)} s, CPU ${child.cpuSeconds.toFixed(1)} s), ` +
        `${(child.bytes / 2 ** 20).toFixed(1)} MB, peak RSS ${(child.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
    );
  }
  const seconds = median(figures.map((f) => f.seconds));
  const peak = Math.max(...figures.map((f) => f.peakRssBytes));
  summary[format] = {
    neurons: figures[0]?.neurons,
    medianSeconds: round(seconds),
    runsSeconds: figures.map((f) => round(f.seconds)),
    medianProcessSeconds: round(median(figures.map((f) => f.processSeconds))),
    medianCpuSeconds: round(median(figures.map((f) => f.cpuSeconds))),
    fileMB: round((figures[0]?.bytes ?? 0) / 2 ** 20),
    peakRssMB: Math.round(peak / 2 ** 20),
    loadAtStart: figures.map((f) => f.load),
  };
  const check = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
  const timed =
    format === 'csv' ? '' : ` (${check(seconds <= TARGET_SECONDS)} <= ${TARGET_SECONDS} s)`;
  console.log(
    `${format}: median ${seconds.toFixed(1)} s${timed}, peak RSS ${Math.round(peak / 2 ** 20)} MB (${check(peak <= TARGET_RSS)} <= 1 GB)\n`,
  );
  rmSync(out, { force: true });
  rmSync(`${out}.report.json`, { force: true });
}
summary.loadAverageAfter = loadavg().map((l) => round(l, 2));
mkdirSync(join(REPOSITORY, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(REPOSITORY, 'bench', 'results', 'export.json'),
  `${JSON.stringify(summary, null, 2)}\n`,
);
