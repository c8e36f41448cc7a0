import { memo, useCallback, useEffect, useRef, useSyncExternalStore, type MouseEvent } from 'react';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import type { NeuronTable } from '../../core/browse/table.ts';
import type { Sort, SortKey } from '../../core/browse/view.ts';
import { highlight } from '../../core/search/highlight.ts';
import type { SearchQuery } from '../../core/search/query.ts';
import { prefetchNeuron } from '../data/queries.ts';
import { neuronPath } from '../../core/address/address.ts';
import { formatCount } from '../visuals/tokens.ts';
import { useVisibleRows } from '../visuals/useVisibleRows.ts';
import { formatMaxActivation } from './format.ts';
import { defaultDescending } from './viewState.ts';
import styles from './ResultsList.module.css';

const NARROW = '(max-width: 40rem)';

let narrowQuery: MediaQueryList | null = null;
const narrow = () => (narrowQuery ??= matchMedia(NARROW));

function useNarrow(): boolean {
  return useSyncExternalStore(
    (notify) => {
      if (typeof matchMedia === 'undefined') return () => {};
      narrow().addEventListener('change', notify);
      return () => narrow().removeEventListener('change', notify);
    },
    () => typeof matchMedia !== 'undefined' && narrow().matches,
    () => false,
  );
}

/** Where the list was scrolled, per view, so coming back from a neuron lands in the same place. */
const scrollPositions = new Map<string, number>();

const COLUMNS: { key: SortKey; label: string; className: string }[] = [
  { key: 'layer', label: 'Layer', className: styles.layer! },
  { key: 'neuron', label: 'Neuron', className: styles.neuron! },
  { key: 'score', label: 'Score', className: styles.score! },
  { key: 'maxActivation', label: 'Max act.', className: styles.max! },
  { key: 'explanation', label: 'Explanation', className: styles.explanation! },
];

/** The matching neurons, one row each, rendered only where the window shows them. */
export const ResultsList = memo(function ResultsList({
  table,
  rows,
  query,
  parsedQuery,
  sort,
  sortPending,
  searching,
  complete,
  viewKey,
  filtered,
  urlDataset,
  datasetId,
  onSort,
  onClearFilters,
}: {
  table: NeuronTable;
  rows: Int32Array;
  /** The query the rows answer ('' when not searching). */
  query: string;
  parsedQuery: SearchQuery;
  sort: Sort;
  /** The chosen order is still being computed (explanations sort in the worker). */
  sortPending: boolean;
  searching: boolean;
  /** Every layer has loaded and the rows answer the current query. */
  complete: boolean;
  /** The view as URL params: where the list was scrolled is remembered per view. */
  viewKey: string;
  /** Whether any filter is set (the empty state offers to clear them). */
  filtered: boolean;
  urlDataset: string | null;
  datasetId: string;
  onSort: (sort: Sort) => void;
  onClearFilters: () => void;
}) {
  const rowHeight = useNarrow() ? 68 : 40;
  const listRef = useRef<HTMLOListElement>(null);
  const [first, end] = useVisibleRows(listRef, rows.length, rowHeight);

  // Remember the scroll position for this view; restore it once its rows are back.
  const restored = useRef(false);
  useEffect(() => {
    const save = () => scrollPositions.set(viewKey, window.scrollY);
    window.addEventListener('scroll', save, { passive: true });
    return () => window.removeEventListener('scroll', save);
  }, [viewKey]);
  useEffect(() => {
    if (restored.current || !complete || rows.length === 0) return;
    restored.current = true;
    const saved = scrollPositions.get(viewKey);
    if (saved) window.scrollTo(0, saved);
  }, [complete, rows.length, viewKey]);

  const client = useQueryClient();
  const onIntent = useCallback(
    (row: number) =>
      prefetchNeuron(client, datasetId, {
        layer: table.layerOf[row]!,
        neuron: table.neuronOf[row]!,
      }),
    [client, datasetId, table],
  );
  const navigate = useNavigate();
  const onOpen = useCallback(
    (event: MouseEvent, path: string) => {
      // As the router's Link does: a plain click navigates in the app, others are the browser's.
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      void navigate(path);
    },
    [navigate],
  );
  const items: number[] = [];
  for (let index = first; index < end; index++) items.push(index);

  return (
    <div
      className={styles.results}
      data-testid="browse-results"
      data-query={query}
      data-view={viewKey}
      data-rows={rows.length}
      data-complete={complete ? 'true' : 'false'}
    >
      <p className={styles.count} role="status" aria-live="polite">
        {rows.length === 0 ? (
          complete ? (
            'No neuron matches.'
          ) : searching ? (
            'Searching…'
          ) : (
            'Loading neurons…'
          )
        ) : (
          <>
            <strong>{formatCount(rows.length)}</strong> {rows.length === 1 ? 'neuron' : 'neurons'}
            {searching ? ` match “${query}”` : ''}
            {!complete && ' so far'}
            {sortPending && ' (sorting…)'}
          </>
        )}
      </p>
      <div className={styles.header} role="group" aria-label="Sort by column">
        {COLUMNS.map((column) => {
          const active = sort.key === column.key;
          return (
            <button
              key={column.key}
              type="button"
              className={`${styles.sortButton} ${column.className}`}
              aria-pressed={active}
              aria-label={`Sort by ${column.label}${active ? (sort.descending ? ', now descending' : ', now ascending') : ''}`}
              onClick={() =>
                onSort({
                  key: column.key,
                  descending: active ? !sort.descending : defaultDescending(column.key),
                })
              }
            >
              {column.label}
              <span aria-hidden="true" className={styles.arrow}>
                {active ? (sort.descending ? '▼' : '▲') : ''}
              </span>
            </button>
          );
        })}
      </div>
      {rows.length === 0 && complete && (
        <div className={styles.empty}>
          <p>
            {searching
              ? `No explanation matches “${query}”${filtered ? ' with these filters' : ''}.`
              : 'No neuron passes these filters.'}
          </p>
          <p className="muted">
            Every word must match the start of a word in the explanation (“paren” finds
            “parentheses”); quoted phrases must match exactly and in order.
          </p>
          {filtered && (
            <button type="button" onClick={onClearFilters}>
              Clear filters
            </button>
          )}
        </div>
      )}
      <ol
        ref={listRef}
        className={styles.list}
        style={{ height: rows.length * rowHeight }}
        aria-label={searching ? `Neurons matching ${query}` : 'Neurons'}
      >
        {items.map((index) => {
          const row = rows[index]!;
          return (
            // Keyed by place, so a new answer reuses the rows' elements (a new search changes
            // nearly every row shown; replacing them all cost more than updating their text).
            <ResultRow
              key={index}
              table={table}
              row={row}
              position={index + 1}
              total={rows.length}
              top={index * rowHeight}
              height={rowHeight}
              query={parsedQuery}
              urlDataset={urlDataset}
              onIntent={onIntent}
              onOpen={onOpen}
            />
          );
        })}
      </ol>
    </div>
  );
});

const formatScore = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(3));

const ResultRow = memo(function ResultRow({
  table,
  row,
  position,
  total,
  top,
  height,
  query,
  urlDataset,
  onIntent,
  onOpen,
}: {
  table: NeuronTable;
  row: number;
  position: number;
  total: number;
  top: number;
  height: number;
  query: SearchQuery;
  urlDataset: string | null;
  onIntent: (row: number) => void;
  onOpen: (event: MouseEvent, path: string) => void;
}) {
  const layer = table.layerOf[row]!;
  const neuron = table.neuronOf[row]!;
  const intent = () => onIntent(row);
  const path = neuronPath(urlDataset, { layer, neuron });
  const score = table.score[row]!;
  const explanation = table.explanationOf(row);
  return (
    <li
      className={styles.item}
      style={{ transform: `translateY(${top}px)`, height }}
      aria-setsize={total}
      aria-posinset={position}
    >
      {/* A plain link (the router's Link costs a few hooks per row, re-run for every row shown
          on each keystroke); the path is the router's, under the hash. */}
      <a
        href={`#${path}`}
        className={styles.row}
        onMouseEnter={intent}
        onFocus={intent}
        onClick={(event) => onOpen(event, path)}
      >
        <span className={styles.layer}>
          <span className={styles.cellLabel}>Layer </span>
          {layer}
        </span>
        <span className={styles.neuron}>
          <span className={styles.cellLabel}>Neuron </span>
          {neuron}
        </span>
        <span className={styles.score}>
          <span className={styles.cellLabel}>Score </span>
          {formatScore(score)}
        </span>
        <span className={styles.max}>
          <span className={styles.cellLabel}>Max activation </span>
          {formatMaxActivation(table.maxActivation[row]!)}
        </span>
        <span className={styles.explanation} title={explanation ?? undefined}>
          {explanation == null ? (
            <span className="muted">No explanation</span>
          ) : (
            highlight(explanation.trim(), query).map((segment, i) =>
              segment.match ? <mark key={i}>{segment.text}</mark> : segment.text,
            )
          )}
        </span>
      </a>
    </li>
  );
});
