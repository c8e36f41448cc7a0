import { useRef, type KeyboardEvent } from 'react';
import type { TokenStyle } from '../visuals/colorScale.ts';
import { visibleToken } from '../visuals/tokens.ts';
import styles from './YourText.module.css';

/**
 * The text as GPT-2 reads it: one button per token (spaces shown as ·), the chosen one pressed.
 * One token is in the tab order; arrow keys, Home and End move and choose.
 */
export function TokenStrip({
  tokens,
  selected,
  onSelect,
  tokenStyles,
  label,
}: {
  tokens: readonly string[];
  selected: number | null;
  onSelect: (index: number) => void;
  /** Colours for a heatmap neuron, when one is drawn. */
  tokenStyles?: readonly TokenStyle[] | null;
  label: string;
}) {
  const list = useRef<HTMLDivElement>(null);
  const focusable = selected !== null && selected < tokens.length ? selected : 0;

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const at = Number((event.target as HTMLElement).dataset.token);
    if (!Number.isInteger(at)) return;
    const next =
      event.key === 'ArrowRight'
        ? Math.min(at + 1, tokens.length - 1)
        : event.key === 'ArrowLeft'
          ? Math.max(at - 1, 0)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? tokens.length - 1
              : null;
    if (next === null) return;
    event.preventDefault();
    onSelect(next);
    list.current?.querySelector<HTMLElement>(`[data-token="${next}"]`)?.focus();
  }

  return (
    <div
      ref={list}
      role="toolbar"
      aria-label={label}
      className={styles.strip}
      onKeyDown={onKeyDown}
    >
      {tokens.map((token, i) => {
        const style = tokenStyles?.[i];
        return (
          <button
            key={i}
            type="button"
            data-token={i}
            tabIndex={i === focusable ? 0 : -1}
            aria-pressed={selected === i}
            aria-label={`Token ${i + 1}: ${visibleToken(token)}`}
            className={styles.chip}
            style={
              style ? { backgroundColor: style.backgroundColor, color: style.color } : undefined
            }
            onClick={() => onSelect(i)}
          >
            {visibleToken(token)}
          </button>
        );
      })}
    </div>
  );
}
