import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import type { SortColumn } from '../../core/browse/table.ts';
import type { Filters, Sort } from '../../core/browse/view.ts';
import { filterMask, NO_FILTERS, rankHits, rowSet, viewRows } from '../../core/browse/view.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { parseNeuronRef, parseQuery } from '../../core/search/query.ts';
import { useManifest } from '../data/queries.ts';
import { neuronPath } from '../paths.ts';
import { useSearchService } from '../search/client.tsx';
import { useDatasetRoute } from '../shell/dataset.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { FilterBar } from './FilterBar.tsx';
import { LoadProgress } from './LoadProgress.tsx';
import { Overview } from './Overview.tsx';
import { ResultsList } from './ResultsList.tsx';
import { SearchField } from './SearchField.tsx';
import { isTypedState, useBrowseView } from './useBrowseView.ts';
import { effectiveSort, viewParams } from './viewState.ts';
import { useColumnOrders, useDatasetTable, useSearchAnswer } from './data.ts';
import { useThrottled } from './useThrottled.ts';
import styles from './BrowsePage.module.css';

/** `#/` and `#/d/<dataset>`: every neuron of a dataset, searchable, filterable and sortable. */
export function BrowsePage() {
  const { dataset, urlDataset, datasets } = useDatasetRoute();
  const manifest = useManifest(dataset);
  if (datasets.isError || manifest.isError) {
    return (
      <section className={styles.page}>
        <h1>Browse neurons</h1>
        <p role="alert">
          Could not load{' '}
          {manifest.isError ? `the manifest of dataset “${dataset}”` : 'the list of datasets'}:{' '}
          {String((manifest.error ?? datasets.error)?.message)}
        </p>
      </section>
    );
  }
  if (!manifest.data) {
    return (
      <section className={styles.page} aria-busy="true">
        <h1>Browse neurons</h1>
        <Skeleton width="100%" height="12rem" />
      </section>
    );
  }
  return <Browse manifest={manifest.data} urlDataset={urlDataset} />;
}

function layersToLoad(manifest: DatasetManifest, filters: Filters): number[] {
  return manifest.layers
    .map((entry) => entry.layer)
    .filter(
      (layer) => !filters.layers || (layer >= filters.layers[0] && layer <= filters.layers[1]),
    );
}

function Browse({
  manifest,
  urlDataset,
}: {
  manifest: DatasetManifest;
  urlDataset: string | null;
}) {
  const service = useSearchService();
  const navigate = useNavigate();
  const location = useLocation();
  const [urlView, updateView] = useBrowseView();
  // The filters by value: typing changes the URL (and so the view object) but not the filters,
  // and every mask and chart depends on them.
  const filtersKey = JSON.stringify(urlView.filters);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the key is the filters' value
  const filters = useMemo(() => urlView.filters, [filtersKey]);
  const view = useMemo(() => ({ ...urlView, filters }), [urlView, filters]);
  // The search box leads: results follow what is typed, and the URL (updated as the router gets
  // to it) follows. A query that arrives in the URL from elsewhere (the header's box, a link)
  // replaces the text; the page's own late-arriving updates do not.
  const [text, setText] = useState(view.query);
  const [urlQuery, setUrlQuery] = useState(view.query);
  if (view.query !== urlQuery) {
    setUrlQuery(view.query);
    if (!isTypedState(location.state) && view.query !== text) setText(view.query);
  }

  const layers = useMemo(() => layersToLoad(manifest, view.filters), [manifest, view.filters]);
  const data = useDatasetTable(service, manifest, layers);
  const { table } = data;
  // Layers land every few milliseconds while loading: take them in a few times a second, and
  // re-sort in the background rather than in a keystroke's frame.
  const settled = data.loaded + data.failures.length === data.total;
  const loaded = useThrottled(data.loaded, settled, 500);
  // The table's version counts every layer it has taken in (only ever up): search answers are
  // keyed by it, so an answer over fewer layers is never reused for more.
  const tableVersion = useThrottled(data.version, settled, 500);
  const version = useDeferredValue(tableVersion);

  const query = text.trim();
  const parsed = useMemo(() => parseQuery(query), [query]);
  const searching = parsed.clauses.length > 0;
  const answer = useSearchAnswer(service, manifest.id, searching ? query : '', tableVersion);
  const chosenSort = effectiveSort(view, searching);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the sort by value
  const sort: Sort = useMemo(() => chosenSort, [chosenSort.key, chosenSort.descending]);
  // The worker sorts: numeric columns once everything has loaded, explanations when chosen.
  const workerColumns = useMemo((): SortColumn[] => {
    const columns: SortColumn[] = settled ? ['score', 'neuron', 'maxActivation'] : [];
    if (sort.key === 'explanation') columns.push('explanation');
    return columns;
  }, [settled, sort.key]);
  const workerOrders = useColumnOrders(service, manifest.id, tableVersion, workerColumns);
  for (const order of workerOrders) {
    if (order.data && !table.hasOrder(order.data.column))
      table.provideOrder(order.data.column, order.data);
  }

  const hits = searching ? (answer.data ?? null) : null;
  // While the first answer is on its way, a search shows nothing rather than every neuron.
  const ranked = useMemo(
    () => (hits ? rankHits(table, hits) : searching ? new Int32Array(0) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the table changes with `version`
    [hits, searching, table, version],
  );
  const rankedSet = useMemo(() => (ranked ? rowSet(table.size, ranked) : null), [ranked, table]);
  const mask = useMemo(
    () => filterMask(table, view.filters),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the table changes with `version`
    [table, view.filters, version],
  );
  const sortReady = sort.key !== 'explanation' || table.hasOrder('explanation');
  const effective: Sort = sortReady ? sort : { key: 'layer', descending: false };
  const rows = useMemo(
    () => viewRows(table, mask, effective, ranked, rankedSet),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the table changes with `version`
    [table, mask, effective.key, effective.descending, ranked, rankedSet, version],
  );

  const searchedQuery = hits?.query.trim() ?? '';
  const resultsQuery = searching ? searchedQuery : '';
  const resultsParsed = useMemo(() => parseQuery(resultsQuery), [resultsQuery]);
  const complete =
    settled &&
    loaded === data.loaded &&
    (!searching || (searchedQuery === query && !answer.isPlaceholderData && !answer.isFetching));
  const neuronRef = parseNeuronRef(text);
  const viewKey = `${manifest.id}?${viewParams(view).toString()}`;

  // Stable callbacks, so that typing re-renders only what depends on the text.
  const openNeuron = useCallback(
    (layer: number, neuron: number) => navigate(neuronPath(urlDataset, { layer, neuron })),
    [navigate, urlDataset],
  );
  const onText = useCallback(
    (next: string) => {
      setText(next);
      updateView((current) => ({ ...current, query: next }), { typed: true });
    },
    [updateView],
  );
  const onFilters = useCallback(
    (next: Filters) => updateView((current) => ({ ...current, filters: next })),
    [updateView],
  );
  const onSort = useCallback(
    (next: Sort) => updateView((current) => ({ ...current, sort: next })),
    [updateView],
  );
  const onClearFilters = useCallback(() => onFilters(NO_FILTERS), [onFilters]);

  return (
    <section className={styles.page} aria-labelledby="browse-heading">
      <div className={styles.heading}>
        <h1 id="browse-heading">{manifest.title}</h1>
        {manifest.synthetic && <span className={styles.badge}>Synthetic demo data</span>}
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
      <Overview
        manifest={manifest}
        table={table}
        version={version}
        filters={filters}
        hits={ranked}
        onFilters={onFilters}
      />
      <ResultsList
        table={table}
        rows={rows}
        query={resultsQuery}
        parsedQuery={resultsParsed}
        sort={sort}
        sortPending={!sortReady}
        searching={searching}
        complete={complete}
        viewKey={viewKey}
        filtered={filters !== NO_FILTERS && JSON.stringify(filters) !== JSON.stringify(NO_FILTERS)}
        urlDataset={urlDataset}
        datasetId={manifest.id}
        onSort={onSort}
        onClearFilters={onClearFilters}
      />
    </section>
  );
}
