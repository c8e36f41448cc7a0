import { useId, useState } from 'react';
import * as Slider from '@radix-ui/react-slider';
import styles from './RangeFilter.module.css';

/**
 * An inclusive range as a two-thumb slider and two number boxes. The full extent means "no
 * filter" (null), so a view without this filter does not depend on the data's extent.
 */
export function RangeFilter({
  label,
  min,
  max,
  step,
  value,
  onChange,
  format = String,
  thumbLabels,
  note,
}: {
  label: string;
  min: number;
  max: number;
  step: number;
  /** The chosen range; null for the whole extent. */
  value: [number, number] | null;
  onChange: (value: [number, number] | null) => void;
  format?: (value: number) => string;
  /** Accessible names of the two thumbs and boxes, e.g. ["Lowest layer", "Highest layer"]. */
  thumbLabels: [string, string];
  /** Said under the range, e.g. that its upper end is left out. */
  note?: string | undefined;
}) {
  const id = useId();
  const [low, high] = value ?? [min, max];
  const commit = (next: [number, number]) => {
    const a = Math.max(min, Math.min(next[0], next[1]));
    const b = Math.min(max, Math.max(next[0], next[1]));
    onChange(a <= min && b >= max ? null : [a, b]);
  };
  return (
    <fieldset className={styles.range}>
      <legend className={styles.legend}>{label}</legend>
      <div className={styles.row}>
        <NumberBox
          label={thumbLabels[0]}
          id={`${id}-low`}
          value={low}
          step={step}
          format={format}
          onCommit={(v) => commit([v, high])}
        />
        <Slider.Root
          className={styles.slider}
          min={min}
          max={max}
          step={step}
          value={[Math.max(min, low), Math.min(max, high)]}
          minStepsBetweenThumbs={0}
          onValueChange={(next) => commit([next[0]!, next[1]!])}
        >
          <Slider.Track className={styles.track}>
            <Slider.Range className={styles.fill} />
          </Slider.Track>
          <Slider.Thumb
            className={styles.thumb}
            aria-label={thumbLabels[0]}
            aria-valuetext={format(low)}
          />
          <Slider.Thumb
            className={styles.thumb}
            aria-label={thumbLabels[1]}
            aria-valuetext={format(high)}
          />
        </Slider.Root>
        <NumberBox
          label={thumbLabels[1]}
          id={`${id}-high`}
          value={high}
          step={step}
          format={format}
          onCommit={(v) => commit([low, v])}
        />
      </div>
      {note && <p className={styles.note}>{note}</p>}
    </fieldset>
  );
}

/** A number box that applies its value on Enter or when it loses focus, not on every key. */
function NumberBox({
  label,
  id,
  value,
  step,
  format,
  onCommit,
}: {
  label: string;
  id: string;
  value: number;
  step: number;
  format: (value: number) => string;
  onCommit: (value: number) => void;
}) {
  const [text, setText] = useState(format(value));
  // The slider or the URL moved the value: show it (adjusting state while rendering, not in an effect).
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(format(value));
  }
  const apply = () => {
    const number = Number(text);
    if (text.trim() !== '' && Number.isFinite(number)) onCommit(number);
    else setText(format(value));
  };
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        className={styles.number}
        type="number"
        inputMode="decimal"
        step={step}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onBlur={apply}
        onKeyDown={(event) => {
          if (event.key === 'Enter') apply();
        }}
      />
    </>
  );
}
