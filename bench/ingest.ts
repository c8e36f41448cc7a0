/**
 * Ingest at full scale: generates the 48 x 6,400 = 307,200-file scale fixture once (reused after),
 * ingests it from local disk in a child process, and reports files/s, the child's peak RSS and the
 * largest layer index gzipped. Targets: >= 3,000 files/s on 2 cores, <= 1 GB, <= 300 KB per layer.
 *
 *   npm run bench:ingest [-- --runs 3] [-- --concurrency 32]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ensureScaleFixture } from './scale-fixture.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const runs = Number(flag('--runs') ?? 3);
const concurrency = flag('--concurrency');

const fixture = ensureScaleFixture();

interface ChildFigures {
  summary: string;
  seconds: number;
  filesRead: number;
  filesPerSecond: number;
  peakRssBytes: number;
  largestLayerGzipBytes: number;
  largestLayerBytes: number;
}

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const out = join(root, 'fixtures-out', 'data', 'scale');
const results: ChildFigures[] = [];
for (let run = 0; run < runs; run += 1) {
  const load = loadavg()[0]?.toFixed(2);
  const stdout = execFileSync(
    process.execPath,
    [
      tsx,
      join(root, 'bench', 'ingest-child.ts'),
      fixture,
      out,
      ...(concurrency ? [concurrency] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const figures = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildFigures;
  results.push(figures);
  console.log(
    `run ${run + 1}/${runs} (load ${load}): ${Math.round(figures.filesPerSecond).toLocaleString('en-US')} files/s, ` +
      `${figures.seconds.toFixed(1)} s, peak RSS ${(figures.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
  );
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const filesPerSecond = median(results.map((r) => r.filesPerSecond));
const peakRss = Math.max(...results.map((r) => r.peakRssBytes));
const largestGzip = Math.max(...results.map((r) => r.largestLayerGzipBytes));
const summary = {
  date: new Date().toISOString(),
  machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}`,
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  files: results[0]?.filesRead ?? 0,
  runs,
  medianFilesPerSecond: Math.round(filesPerSecond),
  peakRssMB: Math.round(peakRss / 2 ** 20),
  largestLayerIndexGzipKB: Math.round(largestGzip / 1000),
  largestLayerIndexKB: Math.round(Math.max(...results.map((r) => r.largestLayerBytes)) / 1000),
  last: results[results.length - 1]?.summary,
};
const check = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
console.log(`\n${summary.last}`);
console.log(
  `median ${summary.medianFilesPerSecond.toLocaleString('en-US')} files/s (${check(filesPerSecond >= 3000)} >= 3,000)`,
);
console.log(`peak RSS ${summary.peakRssMB} MB (${check(peakRss <= 2 ** 30)} <= 1 GB)`);
console.log(
  `largest layer index ${summary.largestLayerIndexGzipKB} KB gzipped (${check(largestGzip <= 300_000)} <= 300 KB)`,
);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'ingest.json'),
  `${JSON.stringify(summary, null, 2)}\n`,
);
