/**
 * Token search without a model, at full scale: "which neurons respond to ` Marvel`" over the
 * 48 x 6,400 = 307,200 neurons of the scale fixture with 50 activation-based related tokens per
 * neuron (written once into fixtures-out/scale-tokens, ingested once into
 * fixtures-out/data/scale-tokens, both reused after). For each query it measures what the app
 * does once the shard's bytes have arrived (read the file, parse and check it, query) and the
 * query alone on a parsed shard. Target: at most 50 ms per query.
 *
 *   npm run bench:token-search [-- --runs 15]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseManifest } from '../src/core/dataset/parse.ts';
import {
  parseTokenIndexHead,
  parseTokenShard,
  queryTokenShard,
  shardPathFor,
  type TokenQuery,
} from '../src/core/tokens-index/query.ts';
import { ensureScaleFixture } from './scale-fixture.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const runs = Number(flag('--runs') ?? 15);
const RELATED = 50;
const BUDGET_MS = 50;

const fixture = ensureScaleFixture({ relatedTokens: RELATED });

const data = join(root, 'fixtures-out', 'data', 'scale-tokens');
const manifestPath = join(data, 'manifest.json');
let ingest: { seconds: number; peakRssBytes: number; summary: string } | null = null;
const fixtureTime = statSync(join(fixture, 'fixture.json')).mtimeMs;
if (!existsSync(manifestPath) || statSync(manifestPath).mtimeMs < fixtureTime) {
  console.log(`Ingesting it into ${data} (once; the token index is one of its steps)...`);
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const stdout = execFileSync(
    process.execPath,
    [tsx, join(root, 'bench', 'ingest-child.ts'), fixture, data],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  ingest = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as typeof ingest;
  console.log(`  ${ingest!.summary}`);
  console.log(
    `  ${ingest!.seconds.toFixed(0)} s, peak RSS ${(ingest!.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
  );
}

const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), { path: manifestPath });
const headPath = manifest.search?.tokens;
if (!headPath) throw new Error(`${manifestPath} names no token index`);
const head = parseTokenIndexHead(readFileSync(join(data, headPath), 'utf8'), headPath);
const sizes = head.shards.map((shard) => ({
  plain: statSync(join(data, shard)).size,
  gzip: statSync(join(data, `${shard}.gz`)).size,
}));

// The log-uniform draw puts the first token ids in most neurons: "!" (id 0) is the worst case;
// " the", " The", "the" and "The" merge in a word query; " Marvel" and " Paris" are typical.
const queries: TokenQuery[] = [
  { text: '!', exact: true },
  { text: ' Marvel', exact: true },
  { text: 'marvel' },
  { text: 'the' },
  { text: ' Paris', exact: true, layers: [10, 20] },
  { text: ' the', exact: true, sort: 'top' },
  { text: 'zzqx' },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const rows = queries.map((query) => {
  const path = shardPathFor(head, query.text);
  const cold: number[] = [];
  const warm: number[] = [];
  let answer = null as ReturnType<typeof queryTokenShard> | null;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const text = readFileSync(join(data, path), 'utf8');
    const shard = parseTokenShard(text, path);
    answer = queryTokenShard(shard, query);
    cold.push(performance.now() - started);
    const again = performance.now();
    queryTokenShard(shard, query);
    warm.push(performance.now() - again);
  }
  return {
    query:
      JSON.stringify(query.text) +
      (query.exact ? ' exact' : '') +
      (query.layers ? ` layers ${query.layers.join('-')}` : '') +
      (query.sort === 'top' ? ' by records' : ''),
    spellings: answer!.matches.length,
    neurons: answer!.total,
    shardKB: Math.round(statSync(join(data, path)).size / 1000),
    medianMs: Number(median(cold).toFixed(1)),
    maxMs: Number(Math.max(...cold).toFixed(1)),
    queryOnlyMedianMs: Number(median(warm).toFixed(2)),
  };
});

const load = loadavg().map((l) => Number(l.toFixed(2)));
console.log(
  `\nToken index: ${head.entries.toLocaleString('en-US')} entries, ${head.tokens.toLocaleString('en-US')} tokens, ` +
    `${head.neurons.toLocaleString('en-US')} neurons, ${head.shards.length} shards ` +
    `(median ${Math.round(median(sizes.map((s) => s.plain)) / 1000)} KB, ${Math.round(median(sizes.map((s) => s.gzip)) / 1000)} KB gzipped; ` +
    `all ${(sizes.reduce((n, s) => n + s.gzip, 0) / 1e6).toFixed(1)} MB gzipped)`,
);
console.table(rows);
const worst = Math.max(...rows.map((r) => r.medianMs));
console.log(
  `slowest query median ${worst} ms (${worst <= BUDGET_MS ? 'meets' : 'MISSES'} target <= ${BUDGET_MS} ms); load average ${load.join(' ')}`,
);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'token-search.json'),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}`,
      loadAverage: load,
      runs,
      index: {
        entries: head.entries,
        tokens: head.tokens,
        neurons: head.neurons,
        shards: head.shards.length,
        medianShardBytes: median(sizes.map((s) => s.plain)),
        medianShardGzipBytes: median(sizes.map((s) => s.gzip)),
        totalGzipBytes: sizes.reduce((n, s) => n + s.gzip, 0),
      },
      ingest,
      queries: rows,
    },
    null,
    2,
  )}\n`,
);
