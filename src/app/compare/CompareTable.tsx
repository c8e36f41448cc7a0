import { useRef } from 'react';
import { Link } from 'react-router';
import type { ComparedRows } from '../../core/compare/export.ts';
import { comparedNeuron } from '../../core/compare/join.ts';
import type { NeuronTable } from '../../core/browse/table.ts';
import {
  defaultCompareDescending,
  type CompareSort,
  type CompareSortKey,
} from '../../core/compare/view.ts';
import { useVisibleRows } from '../visuals/useVisibleRows.ts';
import styles from './Compare.module.css';

const ROW_HEIGHT = 56;
const score = (value: number) => (value === value ? value.toFixed(3) : '—');
const signed = (value: number) =>
  value === value ? `${value > 0 ? '+' : value < 0 ? '−' : ''}${Math.abs(value).toFixed(3)}` : '—';

/** The compared neurons, one row each (both explanations and scores, the difference). */
export function CompareTable({
  tableA,
  tableB,
  rows,
  sort,
  onSort,
  labelA,
  labelB,
  openPath,
  viewKey,
  complete,
}: {
  /** The page's copies of both datasets' tables. */
  tableA: NeuronTable;
  tableB: NeuronTable;
  /** The view's neurons in order, as rows of each table. */
  rows: ComparedRows;
  sort: CompareSort;
  onSort: (sort: CompareSort) => void;
  labelA: string;
  labelB: string;
  /** The neuron page's path for the neuron at this row of table A. */
  openPath: (rowA: number) => string;
  /** The view the rows answer, as URL params (for tests and benchmarks to know they are in). */
  viewKey: string;
  /** Every layer of both datasets is in the rows. */
  complete: boolean;
}) {
  const list = useRef<HTMLDivElement>(null);
  const count = rows.rowA.length;
  const [first, end] = useVisibleRows(list, count, ROW_HEIGHT);
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
    <div
      role="table"
      aria-label="Compared neurons"
      aria-rowcount={count + 1}
      data-testid="compare-table"
      data-view={viewKey}
      data-complete={complete}
    >
      <div role="rowgroup">
        <div role="row" className={`${styles.row} ${styles.head}`}>
          {header('neuron', 'Neuron', styles.cellNeuron!)}
          {header('score', `Score · ${labelA}`, styles.cellA!)}
          {header('vsscore', `Score · ${labelB}`, styles.cellB!)}
          {header('difference', 'Difference', styles.cellDiff!)}
        </div>
      </div>
      <div role="rowgroup" ref={list} style={{ height: count * ROW_HEIGHT, position: 'relative' }}>
        {Array.from({ length: end - first }, (_, k) => {
          const index = first + k;
          const rowA = rows.rowA[index]!;
          const rowB = rows.rowB[index]!;
          const { layer, neuron, scoreA, scoreB, difference } = comparedNeuron(
            tableA,
            tableB,
            rowA,
            rowB,
          );
          const a = tableA.explanationOf(rowA);
          const b = tableB.explanationOf(rowB);
          return (
            <div
              role="row"
              key={index}
              aria-rowindex={index + 2}
              className={styles.row}
              data-neuron={`${layer}:${neuron}`}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: ROW_HEIGHT,
                transform: `translateY(${index * ROW_HEIGHT}px)`,
              }}
            >
              <div role="cell" className={styles.cellNeuron}>
                <Link to={openPath(rowA)}>
                  {layer}:{neuron}
                </Link>
              </div>
              <div role="cell" className={styles.cellA}>
                <span className={styles.score}>{score(scoreA)}</span>
                <span className={styles.explanation} title={a ?? undefined}>
                  {a ?? '—'}
                </span>
              </div>
              <div role="cell" className={styles.cellB}>
                <span className={styles.score}>{score(scoreB)}</span>
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
      {count === 0 && complete && <p>No neuron matches these filters.</p>}
    </div>
  );
}
