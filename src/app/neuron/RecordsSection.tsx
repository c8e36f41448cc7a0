import { memo, useCallback, useId, useMemo } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ActivationRecord, NeuronRecord } from '../../core/format/types.ts';
import type { ActivationColorScale } from '../visuals/colorScale.ts';
import { ColorLegend } from '../visuals/ColorLegend.tsx';
import { recordRowsHtml, type RecordDrawing } from '../visuals/recordHtml.ts';
import { registerRecord, type TooltipSeries } from '../visuals/tokenRegistry.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { Absent, FileState } from './FileState.tsx';
import { recordGroups, type RecordGroup } from './model.ts';
import { SECTIONS, sectionElementId } from './sections.ts';
import type { RecordGroupId } from './viewState.ts';
import styles from './NeuronPage.module.css';

/** A record's drawing and its tooltip's values. */
interface PreparedRecord extends RecordDrawing {
  series: readonly TooltipSeries[];
}

// A record's drawing, made when it is first shown and kept (per scale) while the record lives:
// TokenRecord re-renders only when these objects change.
const prepared = new WeakMap<ActivationColorScale, WeakMap<ActivationRecord, PreparedRecord>>();

function prepare(record: ActivationRecord, scale: ActivationColorScale): PreparedRecord {
  let byRecord = prepared.get(scale);
  if (!byRecord) {
    byRecord = new WeakMap();
    prepared.set(scale, byRecord);
  }
  let drawing = byRecord.get(record);
  if (!drawing) {
    let max = -Infinity;
    for (const value of record.activations) if (value > max) max = value;
    drawing = {
      tokens: record.tokens,
      tokenStyles: record.activations.map(scale),
      series: [{ label: 'activation', values: record.activations }],
      max,
    };
    byRecord.set(record, drawing);
  }
  return drawing;
}

interface RecordsProps {
  query: UseQueryResult<NeuronRecord | null>;
  /** Null until known. */
  scale: ActivationColorScale | null;
  expanded: ReadonlySet<RecordGroupId>;
  onToggle: (id: RecordGroupId) => void;
}

/**
 * The top-activating records, the first thing the page paints: a few until "show all", every
 * token on the neuron's one colour scale.
 */
export function TopRecordsSection({
  query,
  path,
  scale,
  expanded,
  onToggle,
}: RecordsProps & { path: string }) {
  const groups = useMemo(() => (query.data ? recordGroups(query.data) : null), [query.data]);
  const top = groups?.[0];
  return (
    <section id={sectionElementId('top')} aria-labelledby="top-heading" className="neuron-section">
      <div className="section-header">
        <h2 id="top-heading" tabIndex={-1}>
          {SECTIONS.top}
          {top && <span className="section-count"> ({top.records.length})</span>}
        </h2>
        <div className="legend-slot">{scale && query.data && <ColorLegend scale={scale} />}</div>
      </div>
      <FileState
        query={query}
        path={path}
        skeleton={<RecordsSkeleton />}
        absent={<Absent>No activation records for this neuron in this dataset.</Absent>}
      >
        {() =>
          scale && top ? (
            <RecordGroupView
              group={top}
              scale={scale}
              expanded={expanded.has(top.id)}
              onToggle={onToggle}
              headed={false}
            />
          ) : (
            <RecordsSkeleton />
          )
        }
      </FileState>
    </section>
  );
}

/**
 * Samples of the neuron's activations below the top: from each quantile range (with its edges,
 * the highest first) and at random.
 */
export function SampledRecordsSection({ query, scale, expanded, onToggle }: RecordsProps) {
  const groups = useMemo(() => (query.data ? recordGroups(query.data) : null), [query.data]);
  return (
    <section
      id={sectionElementId('samples')}
      aria-labelledby="samples-heading"
      className="neuron-section"
    >
      <h2 id="samples-heading" tabIndex={-1}>
        {SECTIONS.samples}
      </h2>
      {query.isPending || (groups && !scale) ? (
        <RecordsSkeleton />
      ) : !groups ? (
        <Absent>
          {query.isError
            ? 'The record file could not be loaded (see the top-activating records).'
            : 'No samples: this neuron has no activation records in this dataset.'}
        </Absent>
      ) : groups.length === 1 ? (
        <Absent>
          This record file holds top-activating records only: no random or quantile samples.
        </Absent>
      ) : (
        groups
          .slice(1)
          .map((group) => (
            <RecordGroupView
              key={group.id}
              group={group}
              scale={scale!}
              expanded={expanded.has(group.id)}
              onToggle={onToggle}
              headed
            />
          ))
      )}
    </section>
  );
}

export function RecordsSkeleton() {
  return (
    <div aria-hidden="true" className={styles.stack}>
      {[0, 1, 2, 3, 4].map((i) => (
        <Skeleton key={i} height="4.6rem" />
      ))}
    </div>
  );
}

const RecordGroupView = memo(function RecordGroupView({
  group,
  scale,
  expanded,
  onToggle,
  headed,
}: {
  group: RecordGroup;
  scale: ActivationColorScale;
  expanded: boolean;
  onToggle: (id: RecordGroupId) => void;
  /** With a heading of its own (the top records use their section's). */
  headed: boolean;
}) {
  const listId = useId();
  const headingId = useId();
  const { records } = group;
  const shown = useMemo(
    () => (expanded ? records : records.slice(0, group.initial)),
    [records, expanded, group.initial],
  );
  // The rows as one HTML string (written the way index.html's first paint writes them), each
  // record then told to the tooltip layer.
  const html = useMemo(
    () => ({
      __html: recordRowsHtml(
        shown.map((record) => prepare(record, scale)),
        group.title,
        records.length,
        group.initial,
      ),
    }),
    [shown, scale, group.title, records.length, group.initial],
  );
  const register = useCallback(
    (list: HTMLOListElement | null) => {
      if (!list) return;
      list.querySelectorAll('[data-record]').forEach((element, i) => {
        const record = shown[i];
        if (record) registerRecord(element, prepare(record, scale));
      });
    },
    [shown, scale],
  );
  const list =
    records.length === 0 ? (
      <Absent>None in this file.</Absent>
    ) : (
      <>
        <ol id={listId} ref={register} className="record-list" dangerouslySetInnerHTML={html} />
        {records.length > group.initial && (
          <button
            type="button"
            className="more-button"
            aria-expanded={expanded}
            aria-controls={listId}
            onClick={() => onToggle(group.id)}
          >
            {expanded ? 'Show fewer' : `Show all ${records.length}`}
          </button>
        )}
      </>
    );
  if (!headed) return list;
  return (
    <section aria-labelledby={headingId} className={styles.recordGroup}>
      <h3 id={headingId}>
        {group.title} <span className="section-count">({records.length})</span>
      </h3>
      {group.detail && <p className={styles.groupDetail}>{group.detail}</p>}
      {list}
    </section>
  );
});
