import { useEffect, useRef, useState } from 'react';

/**
 * `value`, but changing at most once per `interval` ms while `settled` is false; once settled it
 * follows at once. Layers land every few milliseconds while a dataset loads, and each new table
 * version re-sorts 307,200 rows: a few updates a second keep the page responsive.
 */
export function useThrottled<T>(value: T, settled: boolean, interval: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (settled || Object.is(shown, value)) return;
    const wait = Math.max(0, last.current + interval - performance.now());
    const timer = setTimeout(() => {
      last.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, settled, shown, interval]);
  return settled ? value : shown;
}
