/**
 * The neuron page's view state as it sits in the URL's search params (inside the hash), so that a
 * copied link shows the same thing:
 *
 *   explanation=2          which explanation's scored sequences show, numbered as the page lists
 *                          them (best first, from 1; 1 is the default)
 *   view=overlay           real vs simulated: side-by-side | overlay
 *   expand=top,q5,random   record groups showing all their records
 *
 * Unknown or malformed values fall back to defaults; unrelated params are kept.
 */
import { SIMULATION_VIEWS, type SimulationView } from '../settings.ts';
import { SHARE_PARAMS } from '../simulate/shareLink.ts';

export const RECORD_GROUP_IDS = ['top', 'q5', 'q4', 'q3', 'q2', 'q1', 'random'] as const;
export type RecordGroupId = (typeof RECORD_GROUP_IDS)[number];

export interface NeuronViewState {
  explanation: number;
  /** Null when the URL does not say (the remembered preference applies). */
  view: SimulationView | null;
  expanded: ReadonlySet<RecordGroupId>;
}

function isGroupId(text: string): text is RecordGroupId {
  return (RECORD_GROUP_IDS as readonly string[]).includes(text);
}

export function readViewState(params: URLSearchParams): NeuronViewState {
  const explanationText = params.get('explanation');
  const explanation =
    explanationText !== null && /^\d{1,3}$/.test(explanationText)
      ? Math.max(1, Number(explanationText))
      : 1;
  const viewText = params.get('view');
  const view = SIMULATION_VIEWS.find((candidate) => candidate === viewText) ?? null;
  const expanded = new Set((params.get('expand') ?? '').split(',').filter(isGroupId));
  return { explanation, view, expanded };
}

/** Params with `state` written in (defaults left out, group ids in page order). */
export function writeViewState(
  params: URLSearchParams,
  state: Partial<NeuronViewState>,
): URLSearchParams {
  const next = new URLSearchParams(params);
  if (state.explanation !== undefined) {
    if (state.explanation > 1) next.set('explanation', String(state.explanation));
    else next.delete('explanation');
  }
  if (state.view !== undefined) {
    if (state.view === null) next.delete('view');
    else next.set('view', state.view);
  }
  if (state.expanded !== undefined) {
    const ids = RECORD_GROUP_IDS.filter((id) => state.expanded!.has(id));
    if (ids.length > 0) next.set('expand', ids.join(','));
    else next.delete('expand');
  }
  return next;
}

/** What carries over to another neuron: how things are shown, not which explanation is shown or tested. */
export function carriedViewState(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('explanation');
  for (const name of SHARE_PARAMS) next.delete(name);
  return next;
}
