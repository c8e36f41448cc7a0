/**
 * The loaded model run over the page's text, in the model worker (the page never waits on it):
 * a run starts once typing pauses, a newer text cancels the run before it, and every neuron's
 * activation at every token comes back (transferred, not copied) with each neuron's largest
 * activation over the text worked out once.
 */
import { useEffect, useMemo, useState } from 'react';
import { DEFAULT_MAX_TOKENS } from '../../core/model/tokens.ts';
import { maxOverText, type ActivationGrid } from '../../core/yourtext/rank.ts';
import { isCancelled, modelWorker } from '../model/client.ts';
import type { LoadedModel, TextActivations } from '../model/types.ts';

/** Typing pauses this long before a run starts. */
const RUN_DELAY = 350;

export interface TextRunResult {
  run: TextActivations;
  grid: ActivationGrid;
  max: Float32Array;
  at: Uint16Array;
}

export type TextRunState =
  | { kind: 'idle' }
  | { kind: 'running'; text: string; since: number; layers: { done: number; total: number } | null }
  | { kind: 'done'; text: string; result: TextRunResult }
  | { kind: 'error'; text: string; error: Error };

const IDLE: TextRunState = { kind: 'idle' };

export function useTextRun(
  text: string,
  model: LoadedModel | null,
): { state: TextRunState; latest: TextRunResult | null; cancel: () => void; rerun: () => void } {
  const [state, setState] = useState<TextRunState>({ kind: 'idle' });
  const [latest, setLatest] = useState<TextRunResult | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!model || text.trim() === '') return;
    let stale = false;
    const timer = setTimeout(() => {
      const client = modelWorker();
      const since = performance.now();
      // Progress comes through a port of its own: a last report can arrive after the result.
      let settled = false;
      const onLayer = (done: number, total: number) => {
        if (!stale && !settled) setState({ kind: 'running', text, since, layers: { done, total } });
      };
      setState({ kind: 'running', text, since, layers: null });
      const request = { text, maxTokens: DEFAULT_MAX_TOKENS, top: 0, keepActivations: true };
      void client.cancel().then(() =>
        client.run(request, onLayer).then(
          (run) => {
            settled = true;
            if (stale) return;
            const grid: ActivationGrid = {
              tokens: run.tokenIds.length,
              neurons: model.config.inner,
              layers: run.activations ?? [],
            };
            const result = { run, grid, ...maxOverText(grid) };
            setLatest(result);
            setState({ kind: 'done', text, result });
          },
          (error: unknown) => {
            settled = true;
            if (stale) return;
            if (isCancelled(error)) {
              setState({ kind: 'idle' });
              return;
            }
            setState({
              kind: 'error',
              text,
              error: error instanceof Error ? error : new Error(String(error)),
            });
          },
        ),
      );
    }, RUN_DELAY);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [text, model, attempt]);

  // Without a model or a text there is nothing to run (and what ran before does not apply).
  const active = model !== null && text.trim() !== '';
  return useMemo(
    () => ({
      state: active ? state : IDLE,
      latest: active ? latest : null,
      cancel: () => {
        void modelWorker().cancel();
      },
      rerun: () => setAttempt((n) => n + 1),
    }),
    [active, state, latest],
  );
}
