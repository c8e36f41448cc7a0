/**
 * Long lists of fixed-height rows (browse results, compared neurons) draw only the rows the
 * window shows.
 */
import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * Rows drawn beyond each edge of the window, so a scroll shows rows already there. Every answer
 * redraws them all, so few.
 */
const OVERSCAN = 4;

/**
 * The rows of a list of fixed-height rows that the window shows, as [first, end): the list's
 * place on the page is measured when the page resizes, and scrolling only does arithmetic (no
 * layout reads, no per-row measurements however many rows there are).
 */
export function useVisibleRows(
  listRef: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
): [number, number] {
  const [frame, setFrame] = useState({ top: 0, scroll: 0, height: 900 });
  useLayoutEffect(() => {
    let top = 0;
    const update = () =>
      setFrame((current) => {
        const next = { top, scroll: window.scrollY, height: window.innerHeight };
        // Re-render only when the first row or the number of rows shown changes.
        const same =
          Math.floor((current.scroll - current.top) / rowHeight) ===
            Math.floor((next.scroll - next.top) / rowHeight) &&
          Math.ceil(current.height / rowHeight) === Math.ceil(next.height / rowHeight);
        return same ? current : next;
      });
    const measure = () => {
      top = Math.round((listRef.current?.getBoundingClientRect().top ?? 0) + window.scrollY);
      update();
    };
    measure();
    window.addEventListener('scroll', update, { passive: true });
    window.addEventListener('resize', measure);
    // Content above the list (charts, the loading bar) can change height.
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(document.body);
    return () => {
      window.removeEventListener('scroll', update);
      window.removeEventListener('resize', measure);
      observer?.disconnect();
    };
  }, [listRef, rowHeight]);
  const start = Math.floor((frame.scroll - frame.top) / rowHeight);
  const first = Math.max(0, Math.min(count, start - OVERSCAN));
  const end = Math.max(
    first,
    Math.min(count, start + Math.ceil(frame.height / rowHeight) + 1 + OVERSCAN),
  );
  return [first, end];
}
