/**
 * Browse in comparison (`#/d/<a>?vs=<b>`, or `#/?vs=<b>`): the neurons both datasets list, with
 * each one's best score and the difference (B − A), sortable and filterable; score against score
 * and score by layer for both; export and save as a list. Everything comes from the two datasets'
 * layer indexes, loaded through the browse engine, and the comparison is worked out in its search
 * worker (joining, filtering and sorting 307,200 neurons takes tens of milliseconds: never on the
 * page's thread); the page draws the rows that come back from its own copies of the tables.
 */
import { useEffect, useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { EMPTY_COMPARE_CHARTS, emptyCompareAnswer } from '../../core/compare/answer.ts';
import { comparisonColumns } from '../../core/compare/export.ts';
import {
  NO_COMPARE_FILTERS,
  type CompareFilters,
  type CompareSort,
} from '../../core/compare/view.ts';
import type { DatasetListEntry, DatasetManifest } from '../../core/dataset/types.ts';
import { useDatasets, useManifest } from '../data/queries.ts';
import { ExportButtons } from '../export/ExportButtons.tsx';
import { SaveList } from '../lists/SaveList.tsx';
import { Skeleton } from '../shell/Skeleton.tsx';
import { CompareFiltersBar } from './CompareFilters.tsx';
import { CompareTable } from './CompareTable.tsx';
import {
  browsePath,
  neuronPath,
  useComparison,
  useDatasetTable,
  useSearchService,
} from './engine.ts';
import { LayerMeansChart } from './LayerMeansChart.tsx';
import { ScoreScatter } from './ScoreScatter.tsx';
import { useCompareView } from './useCompareView.ts';
import styles from './Compare.module.css';

const numbers = new Intl.NumberFormat();
/** What the page shows before the worker's first answer. */
const NO_ANSWER = emptyCompareAnswer();
const signed = (value: number | null) =>
  value === null ? '—' : `${value > 0 ? '+' : ''}${value.toFixed(3)}`;

export function CompareBrowse({
  dataset,
  urlDataset,
  manifest,
  vs,
}: {
  dataset: string;
  urlDataset: string | null;
  manifest: DatasetManifest;
  vs: string;
}) {
  const other = useManifest(vs);
  const datasets = useDatasets();
  useEffect(() => {
    document.title = `${manifest.title} vs ${other.data?.title ?? vs} · Neuron Explorer`;
  }, [manifest.title, other.data?.title, vs]);
  const header = (
    <CompareHeader
      manifest={manifest}
      urlDataset={urlDataset}
      vs={vs}
      candidates={datasets.data?.datasets ?? []}
    />
  );
  if (other.isError) {
    return (
      <section className={styles.page}>
        {header}
        <p role="alert">
          Could not load the dataset “{vs}” to compare with: {other.error.message}
        </p>
      </section>
    );
  }
  if (!other.data) {
    return (
      <section className={styles.page} aria-busy="true">
        {header}
        <Skeleton width="100%" height="12rem" />
      </section>
    );
  }
  if (other.data.model !== manifest.model) {
    return (
      <section className={styles.page}>
        {header}
        <p role="alert">
          “{other.data.title}” is a dataset of model {other.data.model}, and “{manifest.title}” of{' '}
          {manifest.model}: only datasets of the same model compare.
        </p>
      </section>
    );
  }
  return (
    <section className={styles.page} aria-labelledby="compare-heading">
      {header}
      <Comparison
        dataset={dataset}
        urlDataset={urlDataset}
        manifest={manifest}
        other={other.data}
      />
    </section>
  );
}

function CompareHeader({
  manifest,
  urlDataset,
  vs,
  candidates,
}: {
  manifest: DatasetManifest;
  urlDataset: string | null;
  vs: string;
  candidates: DatasetListEntry[];
}) {
  const navigate = useNavigate();
  const same = candidates.filter(
    (entry) => entry.model === manifest.model && entry.id !== manifest.id,
  );
  return (
    <div className={styles.heading}>
      <h1 id="compare-heading">
        {manifest.title} <span className={styles.vs}>compared with</span>{' '}
        {candidates.find((entry) => entry.id === vs)?.title ?? vs}
      </h1>
      <div className={styles.headingActions}>
        <label>
          Compare with{' '}
          <select
            value={vs}
            onChange={(event) =>
              navigate(
                `${browsePath(urlDataset)}?${new URLSearchParams({ vs: event.target.value })}`,
              )
            }
          >
            {!same.some((entry) => entry.id === vs) && <option value={vs}>{vs}</option>}
            {same.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.title}
              </option>
            ))}
          </select>
        </label>
        <Link to={browsePath(urlDataset)}>Stop comparing</Link>
      </div>
    </div>
  );
}

function Comparison({
  dataset,
  urlDataset,
  manifest,
  other,
}: {
  dataset: string;
  urlDataset: string | null;
  manifest: DatasetManifest;
  other: DatasetManifest;
}) {
  const service = useSearchService();
  // The page's copies of both tables, to draw the rows the worker names.
  const a = useDatasetTable(service, manifest);
  const b = useDatasetTable(service, other);
  const { view, update, params } = useCompareView(other.id);
  // Changes with the view and as layers land; the view's params come last (they have no space).
  const key = `${a.loaded}:${b.loaded} ${params}`;
  const { state } = useComparison(service, manifest, other, key, view);
  const answer = state.answer ?? NO_ANSWER;
  const charts = state.charts ?? EMPTY_COMPARE_CHARTS;
  const shown = answer.rowA.length;
  const { summary } = answer;
  // Places in the view, 0 to shown - 1: what the export's columns are read by.
  const places = useMemo(() => {
    const all = new Int32Array(shown);
    for (let k = 0; k < shown; k++) all[k] = k;
    return all;
  }, [shown]);

  const loading = a.loaded + a.failures.length < a.total || b.loaded + b.failures.length < b.total;
  const failures = [
    ...a.failures.map((f) => `${manifest.title} layer ${f.layer}: ${f.error.message}`),
    ...b.failures.map((f) => `${other.title} layer ${f.layer}: ${f.error.message}`),
  ];
  const setFilters = (filters: CompareFilters) => update((current) => ({ ...current, filters }));
  const setSort = (sort: CompareSort) => update((current) => ({ ...current, sort }));
  const compareQuery = new URLSearchParams({ vs: other.id });
  const openPath = (rowA: number) =>
    neuronPath(
      urlDataset,
      { layer: a.table.layerOf[rowA]!, neuron: a.table.neuronOf[rowA]! },
      compareQuery,
    );
  const shownKey = state.key ?? '';

  return (
    <>
      {loading && (
        <p role="status" className={styles.muted}>
          Loading layers: {a.loaded} of {a.total} ({manifest.title}), {b.loaded} of {b.total} (
          {other.title})…
        </p>
      )}
      {failures.map((failure) => (
        <p role="alert" key={failure}>
          {failure}
        </p>
      ))}
      {state.error && <p role="alert">Could not work out this comparison: {state.error.message}</p>}
      <p className={styles.summary} data-testid="compare-summary">
        <strong>{numbers.format(answer.both)}</strong> neurons in both
        {(answer.onlyA > 0 || answer.onlyB > 0) &&
          ` (${numbers.format(answer.onlyA)} only in ${manifest.title}, ${numbers.format(answer.onlyB)} only in ${other.title})`}
        . In this view ({numbers.format(shown)}): {other.title} scores higher on{' '}
        {numbers.format(summary.better)}, lower on {numbers.format(summary.worse)}, the same on{' '}
        {numbers.format(summary.same)}; mean difference {signed(summary.meanDifference)}.
      </p>
      <CompareFiltersBar
        filters={view.filters}
        otherTitle={other.title}
        onFilters={setFilters}
        onClear={() => setFilters(NO_COMPARE_FILTERS)}
      />
      <div className={styles.charts}>
        <figure className={styles.chart}>
          <figcaption>
            Score against score ({numbers.format(summary.compared)} neurons with both)
          </figcaption>
          <ScoreScatter
            scatter={charts.scatter}
            extent={charts.extent}
            labelA={manifest.title}
            labelB={other.title}
          />
        </figure>
        <figure className={styles.chart}>
          <figcaption>Mean score by layer</figcaption>
          <LayerMeansChart means={charts.means} labelA={manifest.title} labelB={other.title} />
        </figure>
      </div>
      <div className={styles.toolbar}>
        <ExportButtons
          rows={places}
          name={[manifest.id, 'vs', other.id]}
          incomplete={loading ? 'layers still loading' : null}
          columns={() => comparisonColumns(answer, a.table, b.table)}
        />
        <SaveList
          count={shown}
          dataset={dataset}
          suggestedName={`${manifest.title} vs ${other.title}`}
          neurons={() =>
            Array.from(answer.rowA, (row) => ({
              layer: a.table.layerOf[row]!,
              neuron: a.table.neuronOf[row]!,
            }))
          }
        />
        <span className={styles.muted}>
          Link to this comparison:{' '}
          <code>
            #{browsePath(urlDataset)}?{params}
          </code>
        </span>
      </div>
      <CompareTable
        tableA={a.table}
        tableB={b.table}
        rows={answer}
        sort={view.sort}
        onSort={setSort}
        labelA={manifest.title}
        labelB={other.title}
        openPath={openPath}
        viewKey={shownKey.slice(shownKey.indexOf(' ') + 1)}
        complete={!loading && shownKey === key}
      />
    </>
  );
}
