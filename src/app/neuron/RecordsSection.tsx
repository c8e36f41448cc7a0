import { memo, useId, useMemo } from 'react';
import { max } from 'd3-array';
import type { UseQueryResult } from '@tanstack/react-query';
import type { NeuronRecord } from '../../core/format/types.ts';
import type { ActivationColorScale, TokenStyle } from '../visuals/colorScale.ts';
import { ColorLegend } from '../visuals/ColorLegend.tsx';
import { TokenRecord } from '../visuals/TokenRecord.tsx';
import type { TooltipSeries } from '../visuals/tokenRegistry.ts';
import { formatActivation } from '../visuals/tokens.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { Absent, FileState } from './FileState.tsx';
import { recordGroups, type RecordGroup } from './model.ts';
import type { RecordGroupId } from './viewState.ts';
import styles from './NeuronPage.module.css';

interface PreparedRecord {
  tokens: readonly string[];
  tokenStyles: readonly TokenStyle[];
  series: readonly TooltipSeries[];
  max: number;
}

/**
 * The activation records: top-activating, a sample from each quantile range (with its edges),
 * and random ones, every token on the neuron's one colour scale. Each group shows a few records
 * until "show all".
 */
export function RecordsSection({
  query,
  path,
  scale,
  expanded,
  onToggle,
}: {
  query: UseQueryResult<NeuronRecord | null>;
  path: string;
  /** Null until known. */
  scale: ActivationColorScale | null;
  expanded: ReadonlySet<RecordGroupId>;
  onToggle: (id: RecordGroupId) => void;
}) {
  return (
    <section aria-labelledby="records-heading" className={styles.section}>
      <div className={styles.sectionHeader}>
        <h2 id="records-heading">Activation records</h2>
        {scale && query.data && <ColorLegend scale={scale} />}
      </div>
      <FileState
        query={query}
        path={path}
        skeleton={<RecordsSkeleton />}
        absent={<Absent>No activation records for this neuron in this dataset.</Absent>}
      >
        {(record) =>
          scale ? (
            <RecordGroups record={record} scale={scale} expanded={expanded} onToggle={onToggle} />
          ) : (
            <RecordsSkeleton />
          )
        }
      </FileState>
    </section>
  );
}

export function RecordsSkeleton() {
  return (
    <div aria-hidden="true" className={styles.stack}>
      <Skeleton height="1.4rem" width="14rem" />
      {[0, 1, 2, 3, 4].map((i) => (
        <Skeleton key={i} height="4.6rem" />
      ))}
    </div>
  );
}

function RecordGroups({
  record,
  scale,
  expanded,
  onToggle,
}: {
  record: NeuronRecord;
  scale: ActivationColorScale;
  expanded: ReadonlySet<RecordGroupId>;
  onToggle: (id: RecordGroupId) => void;
}) {
  const groups = useMemo(() => recordGroups(record), [record]);
  // Styles for every record at once: a table lookup per token, a few milliseconds for 12,800.
  const prepared = useMemo(
    () =>
      groups.map((group) =>
        group.records.map((activationRecord): PreparedRecord => ({
          tokens: activationRecord.tokens,
          tokenStyles: activationRecord.activations.map(scale),
          series: [{ label: 'activation', values: activationRecord.activations }],
          // Not Math.max(...): a damaged record of a million tokens would overflow the stack.
          max: max(activationRecord.activations) ?? -Infinity,
        })),
      ),
    [groups, scale],
  );
  return (
    <>
      {groups.length === 1 && (
        <Absent>
          This record file holds top-activating records only: no random or quantile samples.
        </Absent>
      )}
      {groups.map((group, g) => (
        <RecordGroupView
          key={group.id}
          group={group}
          records={prepared[g]!}
          expanded={expanded.has(group.id)}
          onToggle={onToggle}
        />
      ))}
    </>
  );
}

const RecordGroupView = memo(function RecordGroupView({
  group,
  records,
  expanded,
  onToggle,
}: {
  group: RecordGroup;
  records: readonly PreparedRecord[];
  expanded: boolean;
  onToggle: (id: RecordGroupId) => void;
}) {
  const listId = useId();
  const headingId = useId();
  const shown = expanded ? records : records.slice(0, group.initial);
  return (
    <section aria-labelledby={headingId} className={styles.recordGroup}>
      <h3 id={headingId}>
        {group.title} <span className={styles.count}>({records.length})</span>
      </h3>
      {group.detail && <p className={styles.groupDetail}>{group.detail}</p>}
      {records.length === 0 ? (
        <Absent>None in this file.</Absent>
      ) : (
        <>
          <ol id={listId} className={styles.records}>
            {shown.map((prepared, i) => (
              <li
                key={i}
                className={
                  i < group.initial ? styles.recordRow : `${styles.recordRow} ${styles.lazyRow}`
                }
              >
                <span className={styles.recordMax} title="Largest activation in this record">
                  {formatActivation(prepared.max)}
                </span>
                <TokenRecord
                  tokens={prepared.tokens}
                  tokenStyles={prepared.tokenStyles}
                  series={prepared.series}
                  label={`${group.title}, record ${i + 1} of ${records.length}, max ${formatActivation(prepared.max)}`}
                />
              </li>
            ))}
          </ol>
          {records.length > group.initial && (
            <button
              type="button"
              className={styles.more}
              aria-expanded={expanded}
              aria-controls={listId}
              onClick={() => onToggle(group.id)}
            >
              {expanded ? 'Show fewer' : `Show all ${records.length}`}
            </button>
          )}
        </>
      )}
    </section>
  );
});
