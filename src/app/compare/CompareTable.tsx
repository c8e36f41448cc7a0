import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Comparison } from '../../core/compare/join.ts';
import {
  defaultCompareDescending,
  type CompareSort,
  type CompareSortKey,
} from '../../core/compare/view.ts';
import styles from './Compare.module.css';

const ROW_HEIGHT = 56;
const score = (value: number) => (value === value ? value.toFixed(3) : '—');
const signed = (value: number) =>
  value === value ? `${value > 0 ? '+' : value < 0 ? '−' : ''}${Math.abs(value).toFixed(3)}` : '—';

/** The compared neurons, one row each (both explanations and scores, the difference). */
export function CompareTable({
  comparison,
  rows,
  sort,
  onSort,
  explanations,
  labelA,
  labelB,
  openPath,
}: {
  comparison: Comparison;
  rows: Int32Array;
  sort: CompareSort;
  onSort: (sort: CompareSort) => void;
  explanations: (i: number) => [string | null, string | null];
  labelA: string;
  labelB: string;
  openPath: (i: number) => string;
}) {
  const list = useRef<HTMLDivElement>(null);
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const measure = () =>
      setOffset(Math.round((list.current?.getBoundingClientRect().top ?? 0) + window.scrollY));
    measure();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(document.body);
    return () => observer?.disconnect();
  }, []);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    scrollMargin: offset,
  });
  const header = (key: CompareSortKey, label: string, className: string) => {
    const active = sort.key === key;
    return (
      <div
        className={className}
        role="columnheader"
        aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      >
        <button
          type="button"
          className={styles.sortButton}
          aria-pressed={active}
          onClick={() =>
            onSort({
              key,
              descending: active ? !sort.descending : defaultCompareDescending(key),
            })
          }
        >
          {label}
          {active && <span aria-hidden="true">{sort.descending ? ' ↓' : ' ↑'}</span>}
        </button>
      </div>
    );
  };
  return (
    <div role="table" aria-label="Compared neurons" aria-rowcount={rows.length + 1}>
      <div role="rowgroup">
        <div role="row" className={`${styles.row} ${styles.head}`}>
          {header('neuron', 'Neuron', styles.cellNeuron!)}
          {header('score', `Score · ${labelA}`, styles.cellA!)}
          {header('vsscore', `Score · ${labelB}`, styles.cellB!)}
          {header('difference', 'Difference', styles.cellDiff!)}
        </div>
      </div>
      <div
        role="rowgroup"
        ref={list}
        style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
      >
        {virtualizer.getVirtualItems().map((item) => {
          const i = rows[item.index]!;
          const [a, b] = explanations(i);
          const difference = comparison.difference[i]!;
          return (
            <div
              role="row"
              key={item.key}
              aria-rowindex={item.index + 2}
              className={styles.row}
              data-neuron={`${comparison.layer[i]}:${comparison.neuron[i]}`}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: ROW_HEIGHT,
                transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)`,
              }}
            >
              <div role="cell" className={styles.cellNeuron}>
                <Link to={openPath(i)}>
                  {comparison.layer[i]}:{comparison.neuron[i]}
                </Link>
              </div>
              <div role="cell" className={styles.cellA}>
                <span className={styles.score}>{score(comparison.scoreA[i]!)}</span>
                <span className={styles.explanation} title={a ?? undefined}>
                  {a ?? '—'}
                </span>
              </div>
              <div role="cell" className={styles.cellB}>
                <span className={styles.score}>{score(comparison.scoreB[i]!)}</span>
                <span className={styles.explanation} title={b ?? undefined}>
                  {b ?? '—'}
                </span>
              </div>
              <div
                role="cell"
                className={`${styles.cellDiff} ${difference > 0 ? styles.better : difference < 0 ? styles.worse : ''}`}
                data-difference={difference === difference ? difference : ''}
              >
                {signed(difference)}
              </div>
            </div>
          );
        })}
      </div>
      {rows.length === 0 && <p>No neuron matches these filters.</p>}
    </div>
  );
}
