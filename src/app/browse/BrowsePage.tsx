import { memo, useCallback, useDeferredValue, useLayoutEffect, useMemo, useRef } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { Filters, Sort } from '../../core/browse/view.ts';
import { NO_FILTERS } from '../../core/browse/view.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { parseQuery } from '../../core/search/query.ts';
import { useManifest } from '../data/queries.ts';
import { neuronPath, parseNeuronAddress } from '../../core/address/address.ts';
import { useSearchService } from '../engine/client.ts';
import type { SearchService } from '../engine/service.ts';
import { useDatasetTable, type DatasetTable } from '../engine/store.ts';
import { useViewAnswer } from '../engine/views.ts';
import { useDatasetRoute } from '../shell/dataset.ts';
import { ManifestGate } from '../shell/ManifestGate.tsx';
import { FilterBar } from './FilterBar.tsx';
import { LoadProgress } from './LoadProgress.tsx';
import { Overview } from './Overview.tsx';
import { ResultsList } from './ResultsList.tsx';
import { SearchField } from './SearchField.tsx';
import { useBrowseView } from './useBrowseView.ts';
import { viewParams, type BrowseView } from './viewState.ts';
import { viewRequest } from './viewRequest.ts';
import { useThrottled } from './useThrottled.ts';
import { SyntheticBadge } from '../shell/SyntheticBadge.tsx';
import { CompareBrowse } from '../compare/CompareBrowse.tsx';
import { ComparePicker } from '../compare/ComparePicker.tsx';
import { ExportButtons } from '../export/ExportButtons.tsx';
import { SaveList } from '../lists/SaveList.tsx';
import { browseColumns } from '../../core/view-export/export.ts';
import { UnknownDataset } from '../shell/UnknownDataset.tsx';
import styles from './BrowsePage.module.css';

/** `#/` and `#/d/<dataset>`: every neuron of a dataset, searchable, filterable and sortable. */
export function BrowsePage() {
  const { dataset, urlDataset, datasets, entry } = useDatasetRoute();
  const manifest = useManifest(entry ? dataset : undefined);
  // `?vs=<dataset>`: this dataset compared with another (src/app/compare).
  const vs = useSearchParams()[0].get('vs');
  // The workers start (their scripts load and compile) while the manifest is on its way, so the
  // layer indexes are asked for the moment it comes.
  useSearchService().warmUp?.();
  if (datasets.data && !entry) {
    return <UnknownDataset dataset={dataset ?? ''} datasets={datasets.data} />;
  }
  return (
    <ManifestGate
      heading="Browse neurons"
      className={styles.page}
      dataset={dataset}
      datasets={datasets}
      manifest={manifest}
    >
      {(data) =>
        vs !== null && dataset !== undefined ? (
          <CompareBrowse dataset={dataset} urlDataset={urlDataset} manifest={data} vs={vs} />
        ) : (
          <Browse manifest={data} urlDataset={urlDataset} />
        )
      }
    </ManifestGate>
  );
}

/**
 * Loads every layer of the dataset through the worker, and shows the view over what has loaded.
 * Kept apart from the view so that typing does not re-render the loading.
 */
function Browse({
  manifest,
  urlDataset,
}: {
  manifest: DatasetManifest;
  urlDataset: string | null;
}) {
  const service = useSearchService();
  const data = useDatasetTable(service, manifest);
  return <BrowseView manifest={manifest} urlDataset={urlDataset} service={service} data={data} />;
}

const NO_ROWS = new Int32Array(0);
const sameFilters = (a: Filters, b: Filters) => JSON.stringify(a) === JSON.stringify(b);

const BrowseView = memo(function BrowseView({
  manifest,
  urlDataset,
  service,
  data,
}: {
  manifest: DatasetManifest;
  urlDataset: string | null;
  service: SearchService;
  data: DatasetTable;
}) {
  const navigate = useNavigate();
  const { view, update, flush } = useBrowseView();
  const { filters } = view;
  const text = view.query;
  const query = text.trim();
  const parsed = useMemo(() => parseQuery(query), [query]);
  const searching = parsed.clauses.length > 0;

  const { table } = data;
  const settled = data.loaded + data.failures.length === data.total;
  // Layers land every few milliseconds while loading: ask for the view over them a few times a
  // second (each answer over more layers re-sorts and re-counts in the worker), then at once.
  const tableLayers = useThrottled(table.loadedLayers.size, settled, 400);

  const { key, request: wanted } = viewRequest(view, tableLayers);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the key identifies the request
  const request = useMemo(() => wanted, [key]);
  const chosenSort = request.sort;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the sort by value
  const sort: Sort = useMemo(() => chosenSort, [chosenSort.key, chosenSort.descending]);
  const {
    state: { answer, key: answerKey, charts: latestCharts, error },
    wantAhead,
  } = useViewAnswer(service, manifest, key, request);
  // What a change asks for is asked at once, before the page re-renders for it.
  const latest = useRef({ view, tableLayers });
  useLayoutEffect(() => {
    latest.current = { view, tableLayers };
  });
  const changeView = useCallback(
    (change: (current: BrowseView) => BrowseView) => {
      const ahead = viewRequest(change(latest.current.view), latest.current.tableLayers);
      wantAhead(ahead.key, ahead.request);
      update(change);
    },
    [update, wantAhead],
  );

  // What the list shows is what the worker answered (its query, order and filters), so that
  // the count, highlights, sort arrows and data attributes always describe the rows on screen.
  const shown = answer?.request;
  const rows = answer?.rows ?? NO_ROWS;
  const resultsQuery = shown?.query ?? '';
  const resultsParsed = useMemo(() => parseQuery(resultsQuery), [resultsQuery]);
  const complete = settled && answerKey === key;
  const shownSort = shown?.sort ?? sort;
  // Only the order is still to come (the rows shown answer the same search).
  const sortPending =
    shown?.query === request.query &&
    (shownSort.key !== sort.key || shownSort.descending !== sort.descending);
  const viewKey = shown
    ? `${manifest.id}?${viewParams({ query: shown.query, filters: shown.filters, sort: shown.sort }).toString()}`
    : '';
  const shownFilters = shown?.filters ?? filters;
  // The charts follow the list (they are asked for once its rows are in), at a lower priority.
  const charts = useDeferredValue(latestCharts);
  const neuronRef = parseNeuronAddress(text);

  // Stable callbacks, so that typing re-renders only what depends on the text.
  const openNeuron = useCallback(
    (layer: number, neuron: number) => {
      flush();
      void navigate(neuronPath(urlDataset, { layer, neuron }));
    },
    [flush, navigate, urlDataset],
  );
  const onText = useCallback(
    (next: string) => changeView((current) => ({ ...current, query: next })),
    [changeView],
  );
  const onFilters = useCallback(
    (next: Filters) => changeView((current) => ({ ...current, filters: next })),
    [changeView],
  );
  const onSort = useCallback(
    (next: Sort) => changeView((current) => ({ ...current, sort: next })),
    [changeView],
  );
  const onClearFilters = useCallback(() => onFilters(NO_FILTERS), [onFilters]);

  return (
    <section className={styles.page} aria-labelledby="browse-heading">
      <div className={styles.heading}>
        <h1 id="browse-heading">{manifest.title}</h1>
        {manifest.synthetic && <SyntheticBadge>Synthetic demo data</SyntheticBadge>}
      </div>
      <SearchField
        text={text}
        neuronRef={
          neuronRef && table.rowOf(neuronRef.layer, neuronRef.neuron) >= 0 ? neuronRef : null
        }
        onText={onText}
        onOpenNeuron={openNeuron}
      />
      <FilterBar
        manifest={manifest}
        filters={filters}
        sort={sort}
        searching={searching}
        onFilters={onFilters}
        onSort={onSort}
      />
      <LoadProgress loaded={data.loaded} total={data.total} failures={data.failures} />
      <div className={styles.tools}>
        <ExportButtons
          rows={rows}
          name={[manifest.id, 'view']}
          incomplete={complete ? null : 'the view is still loading'}
          columns={() => browseColumns(table)}
        />
        <SaveList
          count={rows.length}
          dataset={manifest.id}
          suggestedName={query ? `Search: ${query}` : `${manifest.title} view`}
          neurons={() =>
            Array.from(rows, (row) => ({
              layer: table.layerOf[row]!,
              neuron: table.neuronOf[row]!,
            }))
          }
        />
        <ComparePicker manifest={manifest} urlDataset={urlDataset} />
      </div>
      {error && (
        <p role="alert">
          Could not work out this view: {error.message}. Change the search or filters to try again.
        </p>
      )}
      <Overview
        manifest={manifest}
        histogram={charts?.histogram ?? null}
        perLayer={charts?.perLayer ?? null}
        filters={filters}
        onFilters={onFilters}
      />
      <ResultsList
        table={table}
        rows={rows}
        query={resultsQuery}
        parsedQuery={resultsParsed}
        sort={shownSort}
        sortPending={sortPending}
        searching={answer?.searching ?? searching}
        complete={complete}
        viewKey={viewKey}
        filtered={!sameFilters(shownFilters, NO_FILTERS)}
        urlDataset={urlDataset}
        datasetId={manifest.id}
        onSort={onSort}
        onClearFilters={onClearFilters}
      />
    </section>
  );
});
