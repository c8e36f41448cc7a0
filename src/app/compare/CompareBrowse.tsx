/**
 * Browse in comparison (`#/d/<a>?vs=<b>`, or `#/?vs=<b>`): the neurons both datasets list, with
 * each one's best score and the difference (B − A), sortable and filterable; score against score
 * and score by layer for both; export and save as a list. Everything comes from the two datasets'
 * layer indexes, loaded through the browse engine (its tables), joined here on the main thread
 * (tens of milliseconds for 307,200 neurons: src/core/compare).
 */
import { useEffect, useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { joinTables } from '../../core/compare/join.ts';
import { comparisonColumns } from '../../core/compare/export.ts';
import { differenceSummary, layerMeans, scatter, scoreExtent } from '../../core/compare/stats.ts';
import {
  compareRows,
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
import { browsePath, neuronPath, useDatasetTable, useSearchService } from './engine.ts';
import { LayerMeansChart } from './LayerMeansChart.tsx';
import { ScoreScatter } from './ScoreScatter.tsx';
import { useCompareView } from './useCompareView.ts';
import styles from './Compare.module.css';

const numbers = new Intl.NumberFormat();
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
  const a = useDatasetTable(service, manifest);
  const b = useDatasetTable(service, other);
  const { view, update, params } = useCompareView(other.id);
  // The tables fill in place as layers land: the loaded counts say when to join again.
  const comparison = useMemo(
    () => joinTables(a.table, b.table),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- tables change as layers load
    [a.table, b.table, a.loaded, b.loaded],
  );
  const explanations = useMemo(
    () =>
      (i: number): [string | null, string | null] => [
        a.table.explanationOf(comparison.rowA[i]!),
        b.table.explanationOf(comparison.rowB[i]!),
      ],
    [a.table, b.table, comparison],
  );
  const rows = useMemo(
    () => compareRows(comparison, view, explanations),
    [comparison, view, explanations],
  );
  const summary = useMemo(() => differenceSummary(comparison, rows), [comparison, rows]);
  const extent = useMemo(() => scoreExtent(comparison, rows), [comparison, rows]);
  const points = useMemo(() => scatter(comparison, rows, extent), [comparison, rows, extent]);
  const means = useMemo(() => layerMeans(comparison, rows), [comparison, rows]);

  const loading = a.loaded + a.failures.length < a.total || b.loaded + b.failures.length < b.total;
  const failures = [
    ...a.failures.map((f) => `${manifest.title} layer ${f.layer}: ${f.error.message}`),
    ...b.failures.map((f) => `${other.title} layer ${f.layer}: ${f.error.message}`),
  ];
  const setFilters = (filters: CompareFilters) => update((current) => ({ ...current, filters }));
  const setSort = (sort: CompareSort) => update((current) => ({ ...current, sort }));
  const compareQuery = new URLSearchParams({ vs: other.id });
  const openPath = (i: number) =>
    neuronPath(
      urlDataset,
      { layer: comparison.layer[i]!, neuron: comparison.neuron[i]! },
      compareQuery,
    );

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
      <p className={styles.summary} data-testid="compare-summary">
        <strong>{numbers.format(comparison.count)}</strong> neurons in both
        {(comparison.onlyA > 0 || comparison.onlyB > 0) &&
          ` (${numbers.format(comparison.onlyA)} only in ${manifest.title}, ${numbers.format(comparison.onlyB)} only in ${other.title})`}
        . In this view ({numbers.format(rows.length)}): {other.title} scores higher on{' '}
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
            comparison={comparison}
            scatter={points}
            extent={extent}
            labelA={manifest.title}
            labelB={other.title}
          />
        </figure>
        <figure className={styles.chart}>
          <figcaption>Mean score by layer</figcaption>
          <LayerMeansChart means={means} labelA={manifest.title} labelB={other.title} />
        </figure>
      </div>
      <div className={styles.toolbar}>
        <ExportButtons
          rows={rows}
          name={[manifest.id, 'vs', other.id]}
          incomplete={loading ? 'layers still loading' : null}
          columns={() => comparisonColumns(comparison, a.table, b.table)}
        />
        <SaveList
          count={rows.length}
          dataset={dataset}
          suggestedName={`${manifest.title} vs ${other.title}`}
          neurons={() =>
            Array.from(rows, (i) => ({
              layer: comparison.layer[i]!,
              neuron: comparison.neuron[i]!,
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
        comparison={comparison}
        rows={rows}
        sort={view.sort}
        onSort={setSort}
        explanations={explanations}
        labelA={manifest.title}
        labelB={other.title}
        openPath={openPath}
        viewKey={params}
        complete={!loading}
      />
    </>
  );
}
