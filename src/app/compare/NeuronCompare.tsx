/**
 * The neuron page in comparison (`?vs=<dataset>`): both datasets' explanations and scores side by
 * side, and the per-token difference of their best explanations' simulations on the records both
 * scored (paired by tokens: a batch scores its source's held-out records; src/core/compare).
 */
import { scaleLinear } from 'd3-scale';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import {
  bestExplanation,
  diffSimulations,
  type RecordDiff,
} from '../../core/compare/simulations.ts';
import type { NeuronSimulationResults } from '../../core/format/types.ts';
import { neuronFilePath } from '../../core/format/types.ts';
import { useManifest, useNeuronFile } from '../data/queries.ts';
import { FileState } from '../neuron/FileState.tsx';
import { Skeleton } from '../shell/Skeleton.tsx';
import { browsePath } from './engine.ts';
import styles from './NeuronCompare.module.css';

const score = (value: number | null) => (value === null ? '—' : value.toFixed(3));

export function NeuronCompare({
  dataset,
  urlDataset,
  vs,
  layer,
  neuron,
}: {
  dataset: string;
  urlDataset: string | null;
  vs: string;
  layer: number;
  neuron: number;
}) {
  const manifestA = useManifest(dataset);
  const manifestB = useManifest(vs);
  const fileA = useNeuronFile(dataset, 'explanations', layer, neuron);
  const fileB = useNeuronFile(vs, 'explanations', layer, neuron);
  const titleA = manifestA.data?.title ?? dataset;
  const titleB = manifestB.data?.title ?? vs;
  const path = neuronFilePath('explanations', layer, neuron);
  return (
    <section className={styles.compare} aria-labelledby="neuron-compare-heading">
      <div className={styles.heading}>
        <h2 id="neuron-compare-heading">
          {titleA} <span className={styles.muted}>compared with</span> {titleB}
        </h2>
        <Link to={`${browsePath(urlDataset)}?${new URLSearchParams({ vs })}`}>
          Back to the comparison
        </Link>
      </div>
      {manifestB.isError && (
        <p role="alert">
          Could not load the dataset “{vs}”: {manifestB.error.message}
        </p>
      )}
      <div className={styles.sides}>
        <Side title={titleA} which="a">
          <FileState
            query={fileA}
            path={`datasets/${dataset}/${path}`}
            skeleton={<Skeleton width="100%" height="4rem" />}
            absent={<p>{titleA} has no explanation of this neuron.</p>}
          >
            {(results) => <Explanations results={results} />}
          </FileState>
        </Side>
        <Side title={titleB} which="b">
          <FileState
            query={fileB}
            path={`datasets/${vs}/${path}`}
            skeleton={<Skeleton width="100%" height="4rem" />}
            absent={<p>{titleB} has no explanation of this neuron.</p>}
          >
            {(results) => <Explanations results={results} />}
          </FileState>
        </Side>
      </div>
      {fileA.data && fileB.data && (
        <TokenDiff a={fileA.data} b={fileB.data} titleA={titleA} titleB={titleB} />
      )}
    </section>
  );
}

function Side({
  title,
  which,
  children,
}: {
  title: string;
  which: 'a' | 'b';
  children: React.ReactNode;
}) {
  return (
    <div className={styles.side} data-side={which}>
      <h3>{title}</h3>
      {children}
    </div>
  );
}

function Explanations({ results }: { results: NeuronSimulationResults }) {
  const best = bestExplanation(results);
  if (results.scored_explanations.length === 0) return <p>No explanation.</p>;
  return (
    <ol className={styles.explanations}>
      {results.scored_explanations.map((scored, i) => (
        <li key={i} className={scored === best ? styles.best : undefined}>
          <span className={styles.score}>
            {score(scored.scored_simulation.ev_correlation_score)}
          </span>{' '}
          <span>{scored.explanation}</span>
          {scored === best && results.scored_explanations.length > 1 && (
            <span className={styles.muted}> (best)</span>
          )}
        </li>
      ))}
    </ol>
  );
}

function TokenDiff({
  a,
  b,
  titleA,
  titleB,
}: {
  a: NeuronSimulationResults;
  b: NeuronSimulationResults;
  titleA: string;
  titleB: string;
}) {
  const bestA = bestExplanation(a);
  const bestB = bestExplanation(b);
  const diff = useMemo(
    () => (bestA && bestB ? diffSimulations(bestA, bestB) : null),
    [bestA, bestB],
  );
  const [showAll, setShowAll] = useState(false);
  if (!bestA || !bestB || !diff) return null;
  if (diff.records.length === 0) {
    return (
      <p>
        The two best explanations were scored on no common record ({titleA}: {diff.onlyA} records,{' '}
        {titleB}: {diff.onlyB}), so their simulations cannot be compared token by token.
      </p>
    );
  }
  // Largest differences first.
  const records = [...diff.records].sort((x, y) => y.largest - x.largest);
  const shown = showAll ? records : records.slice(0, 4);
  let most = 0;
  for (const record of records) {
    for (const value of [...record.simulatedA, ...record.simulatedB])
      if (value > most) most = value;
  }
  // Colours interpolated by d3-scale: white to blue for activations; red, white, blue for B − A.
  const activation = scaleLinear<string>()
    .domain([0, most || 1])
    .range(['#f7fbff', '#08519c'])
    .clamp(true);
  const limit = diff.largest || 1;
  const change = scaleLinear<string>()
    .domain([-limit, 0, limit])
    .range(['#b2182b', '#f7f7f7', '#2166ac'])
    .clamp(true);
  return (
    <div className={styles.tokenDiff}>
      <h3>Simulations token by token</h3>
      <p className={styles.muted} data-testid="token-diff-summary">
        The best explanations’ simulated activations on the {diff.records.length} records both
        scored: mean |difference| {diff.meanAbsolute?.toFixed(3)}, largest {diff.largest.toFixed(3)}
        {diff.onlyA + diff.onlyB > 0 &&
          ` (${diff.onlyA} records only in ${titleA}, ${diff.onlyB} only in ${titleB})`}
        .
      </p>
      <p className={styles.key}>
        <strong>A</strong>: {titleA}’s simulation; <strong>B</strong>: {titleB}’s;{' '}
        <strong>B − A</strong>: blue where {titleB} predicts more, red where less.
      </p>
      {shown.map((record) => (
        <RecordRows
          key={record.indexA}
          record={record}
          titleA={titleA}
          titleB={titleB}
          activation={activation}
          change={change}
          strongActivation={(value) => value > 0.55 * (most || 1)}
          strongChange={(value) => Math.abs(value) > 0.55 * limit}
        />
      ))}
      {records.length > shown.length && (
        <button type="button" onClick={() => setShowAll(true)}>
          Show all {records.length} records
        </button>
      )}
    </div>
  );
}

const visible = (token: string) => token.replace(/\n/g, '↵');

function RecordRows({
  record,
  titleA,
  titleB,
  activation,
  change,
  strongActivation,
  strongChange,
}: {
  record: RecordDiff;
  titleA: string;
  titleB: string;
  activation: (value: number) => string;
  change: (value: number) => string;
  strongActivation: (value: number) => boolean;
  strongChange: (value: number) => boolean;
}) {
  // Text on the darkest shades is drawn white, to stay readable.
  const rows: {
    /** Short, so that the tokens get the width on a phone (the key above names A and B). */
    label: string;
    values: number[];
    color: (value: number) => string;
    dark: (value: number) => boolean;
  }[] = [
    { label: 'A', values: record.simulatedA, color: activation, dark: strongActivation },
    { label: 'B', values: record.simulatedB, color: activation, dark: strongActivation },
    { label: 'B − A', values: record.difference, color: change, dark: strongChange },
  ];
  return (
    <figure className={styles.record} data-testid="token-diff-record">
      <figcaption className={styles.muted}>
        Record {record.indexA + 1}: correlation {score(record.scoreA)} ({titleA}),{' '}
        {score(record.scoreB)} ({titleB}); largest difference {record.largest.toFixed(3)}
      </figcaption>
      {/* Focusable, so a keyboard can scroll a record wider than the page (axe's
          scrollable-region-focusable). */}
      <div
        className={styles.recordScroll}
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- see above
        tabIndex={0}
        role="region"
        aria-label={`Record ${record.indexA + 1}, token by token`}
      >
        <table className={styles.recordTable}>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                {record.tokens.map((token, t) => {
                  const value = row.values[t] ?? NaN;
                  const dark = !Number.isNaN(value) && row.dark(value);
                  return (
                    <td
                      key={t}
                      style={{ background: Number.isNaN(value) ? undefined : row.color(value) }}
                      className={dark ? styles.onDark : undefined}
                      title={`${JSON.stringify(record.tokens[t])}: ${titleA} ${record.simulatedA[t]?.toFixed(2)}, ${titleB} ${record.simulatedB[t]?.toFixed(2)}, difference ${record.difference[t]?.toFixed(2)}${record.trueActivations ? `, true ${record.trueActivations[t]?.toFixed(2)}` : ''}`}
                    >
                      {visible(token)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
