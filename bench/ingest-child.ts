/** Runs one ingest in its own process for bench/ingest.ts and prints its figures as JSON. */
import { ingestDataset } from '../src/node/ingest.ts';

const [source, out, concurrency] = process.argv.slice(2);
if (!source || !out) throw new Error('usage: ingest-child.ts <source> <out> [concurrency]');
const started = performance.now();
const result = await ingestDataset({
  source,
  out,
  restart: true,
  ...(concurrency ? { concurrency: Number(concurrency) } : {}),
});
const seconds = (performance.now() - started) / 1000;
const files = result.report.filesRead + result.report.missing;
process.stdout.write(
  `${JSON.stringify({
    summary: result.summary,
    seconds,
    filesRead: result.report.filesRead,
    filesPerSecond: result.report.filesRead / seconds,
    files,
    explained: result.report.explained,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    largestLayerGzipBytes: Math.max(...result.manifest.layers.map((l) => l.indexGzipBytes)),
    largestLayerBytes: Math.max(...result.manifest.layers.map((l) => l.indexBytes)),
  })}\n`,
);
