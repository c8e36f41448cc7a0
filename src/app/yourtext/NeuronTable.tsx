import { Link } from 'react-router';
import type { NeuronTable as Table } from '../../core/browse/table.ts';
import { neuronPath } from '../../core/address/address.ts';
import { formatActivation, formatScore } from '../visuals/tokens.ts';
import styles from './YourText.module.css';

export interface NeuronRow {
  layer: number;
  neuron: number;
  /** Named values, one column each (e.g. activation, at token). */
  values: (string | number | null)[];
}

export interface NeuronFacts {
  explanation: string | null;
  score: number | null;
  /** The neuron's largest activation in its records (the layer index says), or null. */
  maxActivation: number | null;
  /** False while its layer index loads, or when the dataset does not hold the neuron. */
  known: boolean;
}

/** What the dataset's layer indexes say of a neuron. */
export function neuronFacts(table: Table | null, layer: number, neuron: number): NeuronFacts {
  const row = table ? table.rowOf(layer, neuron) : -1;
  if (!table || row < 0 || !table.listed[row]) {
    return { explanation: null, score: null, maxActivation: null, known: false };
  }
  const score = table.score[row]!;
  const max = table.maxActivation[row]!;
  return {
    explanation: table.explanationOf(row),
    score: Number.isNaN(score) ? null : score,
    maxActivation: Number.isNaN(max) ? null : max,
    known: true,
  };
}

/**
 * Neurons as a table: layer:neuron (a link to its page), the caller's values, the explanation and
 * its score. `onPick` adds a button per row (e.g. "heatmap").
 */
export function NeuronTable({
  caption,
  columns,
  rows,
  table,
  urlDataset,
  onPick,
  picked,
  pickLabel = 'Heatmap',
}: {
  caption: string;
  columns: string[];
  rows: NeuronRow[];
  table: Table | null;
  urlDataset: string | null;
  onPick?: (layer: number, neuron: number) => void;
  picked?: { layer: number; neuron: number } | null;
  pickLabel?: string;
}) {
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Neuron</th>
            {columns.map((column) => (
              <th scope="col" key={column} className={styles.number}>
                {column}
              </th>
            ))}
            <th scope="col">Explanation</th>
            <th scope="col" className={styles.number}>
              Score
            </th>
            {onPick && (
              <th scope="col">
                <span className="visually-hidden">Draw</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ layer, neuron, values }) => {
            const facts = neuronFacts(table, layer, neuron);
            const isPicked = picked?.layer === layer && picked.neuron === neuron;
            return (
              <tr key={`${layer}:${neuron}`} data-neuron={`${layer}:${neuron}`}>
                <th scope="row">
                  <Link to={neuronPath(urlDataset, { layer, neuron })}>
                    {layer}:{neuron}
                  </Link>
                </th>
                {values.map((value, i) => (
                  <td key={i} className={styles.number}>
                    {typeof value === 'number' ? formatActivation(value) : (value ?? '—')}
                  </td>
                ))}
                <td className={styles.explanation}>
                  {facts.explanation ?? (
                    <span className="muted">
                      {!table ? '…' : facts.known ? 'not explained' : 'not in this dataset'}
                    </span>
                  )}
                </td>
                <td className={styles.number}>{formatScore(facts.score)}</td>
                {onPick && (
                  <td>
                    <button
                      type="button"
                      aria-pressed={isPicked}
                      aria-label={`${pickLabel} of neuron ${layer}:${neuron}`}
                      onClick={() => onPick(layer, neuron)}
                    >
                      {pickLabel}
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
