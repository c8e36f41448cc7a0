/**
 * The browse/search core in Node on the scale fixture (no browser): building the index, each
 * keystroke's search, ranking, sorting, filtering and chart statistics; and, when the package is
 * installed (`npm i --no-save minisearch@7.2.0`), MiniSearch on the same explanations.
 *
 *   npm run bench:search-core [-- <dataset folder>]     (default fixtures-out/data/scale)
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { SearchableDataset } from '../../src/core/browse/search.ts';
import { layerScores, scoreHistogram, binEdges } from '../../src/core/browse/stats.ts';
import { layerColumns, type LayerColumns } from '../../src/core/browse/table.ts';
import { filterMask, NO_FILTERS, rankHits, viewRows } from '../../src/core/browse/view.ts';
import { parseLayerIndex, parseManifest } from '../../src/core/dataset/parse.ts';
import { parseQuery } from '../../src/core/search/query.ts';
import { QUERIES } from './queries.ts';

const folder = resolve(process.argv[2] ?? 'fixtures-out/data/scale');
const time = <T>(fn: () => T): [T, number] => {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
};
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p95 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)]!;

const manifest = parseManifest(readFileSync(join(folder, 'manifest.json'), 'utf8'), {
  path: 'manifest.json',
});
const texts = manifest.layers.map((entry) => readFileSync(join(folder, entry.index), 'utf8'));
console.log(
  `${folder}: ${manifest.layers.length} layers; load average ${loadavg()[0]!.toFixed(2)}`,
);

const [columns, parseMs] = time(() =>
  texts.map((text, i) => layerColumns(parseLayerIndex(text, { path: manifest.layers[i]!.index }))),
);
const dataset = new SearchableDataset(manifest.layers);
const [, buildMs] = time(() => columns.forEach((c: LayerColumns) => dataset.addLayer(c)));
const [, firstQueryMs] = time(() => dataset.index.search(parseQuery('x')));
console.log(
  `parse + columns ${parseMs.toFixed(0)} ms; table + index ${buildMs.toFixed(0)} ms (${dataset.index.documents.toLocaleString()} explanations, ${dataset.index.terms.toLocaleString()} words); first query (postings) ${firstQueryMs.toFixed(0)} ms`,
);

const { table, index } = dataset;
const [, scoreOrderMs] = time(() => table.order('score'));
const [, scoreDescMs] = time(() => table.order('score', true));
const mask = filterMask(table, NO_FILTERS);
const searchMs: number[] = [];
const rankMs: number[] = [];
const viewMs: number[] = [];
const statsMs: number[] = [];
for (let round = 0; round < 3; round++) {
  for (const query of QUERIES) {
    for (let i = 1; i <= query.length; i++) {
      const typed = query.slice(0, i);
      if (typed.endsWith(' ')) continue;
      const [hits, s] = time(() => index.search(parseQuery(typed)));
      const [ranked, r] = time(() => rankHits(table, hits));
      const [, v] = time(() =>
        viewRows(table, mask, { key: 'relevance', descending: true }, ranked),
      );
      const [, st] = time(() => {
        scoreHistogram(table, { mask, hits: ranked }, binEdges(-0.2, 1, 0.05));
        layerScores(table, { mask, hits: ranked });
      });
      if (round > 0) {
        searchMs.push(s);
        rankMs.push(r);
        viewMs.push(v);
        statsMs.push(st);
      }
    }
  }
}
console.log(
  `score order of ${table.listedCount.toLocaleString()} rows: ${scoreOrderMs.toFixed(1)} ms (descending from it ${scoreDescMs.toFixed(1)} ms)`,
);
for (const [name, values] of [
  ['search', searchMs],
  ['rank', rankMs],
  ['view rows', viewMs],
  ['chart statistics', statsMs],
] as const) {
  console.log(
    `per keystroke, ${name}: median ${median(values).toFixed(2)} ms, p95 ${p95(values).toFixed(2)} ms`,
  );
}
const filterRuns: number[] = [];
for (let i = 0; i < 20; i++) {
  const filters = {
    layers: [0, 47 - (i % 10)] as [number, number],
    score: { low: -1 + i * 0.05, high: 1, highIncluded: true },
    records: 'any' as const,
  };
  filterRuns.push(
    time(() =>
      viewRows(table, filterMask(table, filters), { key: 'score', descending: true }, null),
    )[1],
  );
}
console.log(`filter change (mask + rows, no search): median ${median(filterRuns).toFixed(2)} ms`);

try {
  const { default: MiniSearch } = (await import('minisearch' as string)) as {
    default: new (options: object) => {
      addAll(docs: object[]): void;
      search(q: string, o: object): unknown[];
    };
  };
  const docs = columns.flatMap((c) =>
    c.explanations.map((text, i) => ({
      id: table.rowOf(c.layer, c.neurons[i]!),
      text: text ?? '',
    })),
  );
  const mini = new MiniSearch({ fields: ['text'] });
  const [, miniBuild] = time(() => mini.addAll(docs));
  const miniSearch: number[] = [];
  for (const query of QUERIES) {
    for (let i = 1; i <= query.length; i++) {
      miniSearch.push(
        time(() => mini.search(query.slice(0, i), { prefix: true, combineWith: 'AND' }))[1],
      );
    }
  }
  console.log(
    `MiniSearch 7: build ${miniBuild.toFixed(0)} ms; per keystroke median ${median(miniSearch).toFixed(1)} ms, p95 ${p95(miniSearch).toFixed(1)} ms`,
  );
} catch {
  console.log('MiniSearch not installed: `npm i --no-save minisearch@7.2.0` to compare');
}
