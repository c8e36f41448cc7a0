import { useMemo } from 'react';
import { max, min } from 'd3-array';
import type { UseQueryResult } from '@tanstack/react-query';
import type { NeuronRecord } from '../../core/format/types.ts';
import { Histogram } from '../visuals/Histogram.tsx';
import { formatActivation, formatCount } from '../visuals/tokens.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { Absent, FileState } from './FileState.tsx';
import { allActivations, maxActivation } from './model.ts';
import { SECTIONS, sectionElementId } from './sections.ts';
import styles from './NeuronPage.module.css';

/**
 * The neuron's summary statistics from its record file (mean, variance, skewness and kurtosis are
 * over the whole dataset the release ran on; max is over the records) and a histogram of every
 * token activation in the records, with the quantile boundaries marked.
 */
export function StatisticsSection({
  query,
  path,
}: {
  query: UseQueryResult<NeuronRecord | null>;
  path: string;
}) {
  const skeleton = (
    <div aria-hidden="true" className={styles.stack}>
      <Skeleton height="3.4rem" />
      <Skeleton height="15rem" />
    </div>
  );
  return (
    <section
      id={sectionElementId('statistics')}
      aria-labelledby="statistics-heading"
      className="neuron-section"
    >
      <h2 id="statistics-heading" tabIndex={-1}>
        {SECTIONS.statistics}
      </h2>
      <FileState
        query={query}
        path={path}
        skeleton={skeleton}
        absent={<Absent>No activation records, so no statistics.</Absent>}
      >
        {(record) => <Statistics record={record} />}
      </FileState>
    </section>
  );
}

function Statistics({ record }: { record: NeuronRecord }) {
  const values = useMemo(() => allActivations(record), [record]);
  const markers = useMemo(
    () =>
      (record.quantile_boundaries ?? [])
        .filter((value): value is number => value !== null && Number.isFinite(value))
        .map((value) => ({ value, label: formatActivation(value) })),
    [record],
  );
  const stats: [string, number | null, string?][] = [
    ['Max', maxActivation(record), 'largest activation in the records'],
    ['Mean', record.mean],
    ['Variance', record.variance],
    ['Skewness', record.skewness],
    ['Kurtosis', record.kurtosis],
  ];
  const missing = stats.filter(([, value]) => value === null).map(([name]) => name.toLowerCase());
  return (
    <>
      <dl className={styles.stats}>
        {stats.map(([name, value, note]) => (
          <div key={name} title={note}>
            <dt>{name}</dt>
            <dd>{value === null ? 'not in file' : formatActivation(value)}</dd>
          </div>
        ))}
      </dl>
      {missing.length > 0 && (
        <p className="muted">The record file does not hold the neuron’s {missing.join(', ')}.</p>
      )}
      {values.length > 0 ? (
        <>
          <h3 className={styles.subheading}>
            Activations of all {formatCount(values.length)} record tokens
          </h3>
          <Histogram
            values={values}
            markers={markers}
            label={`Histogram of ${values.length} token activations from ${formatActivation(min(values)!)} to ${formatActivation(max(values)!)}${markers.length ? `, quantile boundaries marked at ${markers.map((marker) => marker.label).join(', ')}` : ''}`}
          />
          <p className="muted">
            Top-activating records are over-represented here
            {markers.length > 0 && '; dashed lines mark the quantile boundaries'}.
          </p>
        </>
      ) : (
        <Absent>The record file holds no token activations.</Absent>
      )}
    </>
  );
}
