import { useId, useState } from 'react';
import type { CompareFilters, Range } from '../../core/compare/view.ts';
import styles from './Compare.module.css';

const text = (value: number | null) => (value === null ? '' : String(value));

/** A number typed in a field: null when empty, undefined while it is not (yet) a number. */
function parseBound(value: string): number | null | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : undefined;
}

/** Two fields, "from" and "to", either left empty for an open end. */
function RangeFields({
  label,
  range,
  onRange,
}: {
  label: string;
  range: Range | null;
  onRange: (range: Range | null) => void;
}) {
  const id = useId();
  const [low, setLow] = useState(text(range?.[0] ?? null));
  const [high, setHigh] = useState(text(range?.[1] ?? null));
  const [seen, setSeen] = useState(range);
  // The range changed from outside (a quick filter, the URL): show it.
  if (seen !== range) {
    setSeen(range);
    setLow(text(range?.[0] ?? null));
    setHigh(text(range?.[1] ?? null));
  }
  const commit = (lowText: string, highText: string) => {
    const from = parseBound(lowText);
    const to = parseBound(highText);
    if (from === undefined || to === undefined) return;
    if (from !== null && to !== null && from > to) return;
    const next: Range | null = from === null && to === null ? null : [from, to];
    setSeen(next);
    onRange(next);
  };
  return (
    <fieldset className={styles.range}>
      <legend>{label}</legend>
      <label htmlFor={`${id}-low`} className="visually-hidden">
        {label} from
      </label>
      <input
        id={`${id}-low`}
        inputMode="decimal"
        placeholder="from"
        value={low}
        onChange={(event) => {
          setLow(event.target.value);
          commit(event.target.value, high);
        }}
      />
      <span aria-hidden="true">–</span>
      <label htmlFor={`${id}-high`} className="visually-hidden">
        {label} to
      </label>
      <input
        id={`${id}-high`}
        inputMode="decimal"
        placeholder="to"
        value={high}
        onChange={(event) => {
          setHigh(event.target.value);
          commit(low, event.target.value);
        }}
      />
    </fieldset>
  );
}

export function CompareFiltersBar({
  filters,
  otherTitle,
  onFilters,
  onClear,
}: {
  filters: CompareFilters;
  otherTitle: string;
  onFilters: (filters: CompareFilters) => void;
  onClear: () => void;
}) {
  const id = useId();
  const [margin, setMargin] = useState('0.2');
  const marginValue = Number(margin);
  const layers: Range | null = filters.layers;
  return (
    <div className={styles.filters}>
      <div className={styles.search}>
        <label htmlFor={`${id}-q`}>Explanations contain</label>
        <input
          id={`${id}-q`}
          type="search"
          value={filters.text}
          placeholder="words in either explanation"
          onChange={(event) => onFilters({ ...filters, text: event.target.value })}
        />
      </div>
      <RangeFields
        label="Layers"
        range={layers}
        onRange={(range) =>
          onFilters({
            ...filters,
            layers:
              range === null
                ? null
                : [Math.max(0, Math.round(range[0] ?? 0)), Math.round(range[1] ?? 9999)],
          })
        }
      />
      <RangeFields
        label="Score"
        range={filters.scoreA}
        onRange={(scoreA) => onFilters({ ...filters, scoreA })}
      />
      <RangeFields
        label={`Score in ${otherTitle}`}
        range={filters.scoreB}
        onRange={(scoreB) => onFilters({ ...filters, scoreB })}
      />
      <RangeFields
        label="Difference"
        range={filters.difference}
        onRange={(difference) => onFilters({ ...filters, difference })}
      />
      <div className={styles.quick}>
        <label htmlFor={`${id}-margin`}>By at least</label>
        <input
          id={`${id}-margin`}
          inputMode="decimal"
          value={margin}
          size={4}
          onChange={(event) => setMargin(event.target.value)}
        />
        <button
          type="button"
          disabled={!(marginValue >= 0)}
          onClick={() => onFilters({ ...filters, difference: [null, -marginValue] })}
        >
          Where {otherTitle} is worse
        </button>
        <button
          type="button"
          disabled={!(marginValue >= 0)}
          onClick={() => onFilters({ ...filters, difference: [marginValue, null] })}
        >
          Where it is better
        </button>
        <button type="button" onClick={onClear}>
          Clear filters
        </button>
      </div>
    </div>
  );
}
