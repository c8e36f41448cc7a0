import { startTransition, useEffect, useState } from 'react';

/**
 * False until what the page first shows is on screen, then true: the sections below the fold
 * render after the first paint instead of delaying it. The switch comes in a task after the frame
 * that follows the render where `ready` first holds, and resets when `key` changes (another neuron
 * is shown: its top records paint first again).
 */
export function useAfterPaint(ready: boolean, key: string): boolean {
  const [done, setDone] = useState<string | null>(null);
  const after = done === key;
  useEffect(() => {
    if (!ready || after) return;
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    frame = requestAnimationFrame(() => {
      timer = setTimeout(() => startTransition(() => setDone(key)), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [ready, after, key]);
  return after;
}
