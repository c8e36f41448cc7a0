/**
 * The test panel's own state, as a reducer and pure functions, testable without rendering. What
 * runs comes from the URL (the share link) and TanStack Query; this is the form (what the user has
 * typed and chosen), what it would ask the server, and the notices between runs.
 */
import { MAX_EXPLANATION_CHARS, MAX_TEXTS } from '../../core/api/limits.ts';
import { SCORER_NAMES, type ScorerName } from '../../core/scoring/basis.ts';
import { normalizeScoreRequest, type NormalizedScoreRequest } from '../data/score.ts';
import type { NormalizedSimulateRequest } from '../../core/api/index.ts';
import { normalizeSimulateRequest } from '../data/simulation.ts';
import { fieldLabel, splitTexts } from './model.ts';
import type { SharedTest } from './shareLink.ts';

export type Mode = 'records' | 'texts';

export interface PanelState {
  /** The explanation as edited; null: not edited (the shared or published one shows). */
  draft: string | null;
  /** The user's texts as edited; null: not edited (the shared ones show). */
  textsDraft: string | null;
  /** Chosen by the user; null: from the link, else records when the neuron has them. */
  mode: Mode | null;
  /** Chosen by the user; null: from the link, else all three. */
  scorers: readonly ScorerName[] | null;
  /** The form was submitted: its errors show even before the user edits again. */
  submitted: boolean;
  /** A sentence about the last run that is not a result (e.g. "Cancelled"). */
  notice: string | null;
  /** When writing an explanation, or improving one, last failed (for a Retry-After countdown). */
  explainFailedAt: number;
  improveFailedAt: number;
  /** The round shown in full (an index into the rounds); null: the latest. */
  shownRound: number | null;
  /** The explanation "Explain this neuron" wrote last, and who wrote it. */
  written: { explanation: string; explainer: { id: 'baseline' | 'openai'; model: string } } | null;
}

export const INITIAL_PANEL_STATE: PanelState = {
  draft: null,
  textsDraft: null,
  mode: null,
  scorers: null,
  submitted: false,
  notice: null,
  explainFailedAt: 0,
  improveFailedAt: 0,
  shownRound: null,
  written: null,
};

export type PanelAction =
  | { type: 'edit-explanation'; text: string }
  | { type: 'edit-texts'; text: string }
  | { type: 'choose-mode'; mode: Mode }
  | { type: 'toggle-scorer'; scorer: ScorerName; current: readonly ScorerName[] }
  | { type: 'submit' }
  | { type: 'run' }
  | { type: 'cancelled' }
  | {
      type: 'explained';
      explanation: string;
      explainer: { id: 'baseline' | 'openai'; model: string };
    }
  | { type: 'explain-failed'; at: number }
  | { type: 'improved'; explanation: string; same: boolean }
  | { type: 'improve-failed'; at: number }
  | { type: 'show-round'; index: number | null };

export function panelReducer(state: PanelState, action: PanelAction): PanelState {
  switch (action.type) {
    case 'edit-explanation':
      return { ...state, draft: action.text, submitted: false };
    case 'edit-texts':
      return { ...state, textsDraft: action.text, submitted: false };
    case 'choose-mode':
      return { ...state, mode: action.mode };
    case 'toggle-scorer': {
      const chosen = action.current.includes(action.scorer)
        ? action.current.filter((name) => name !== action.scorer)
        : [...action.current, action.scorer];
      return { ...state, scorers: SCORER_NAMES.filter((name) => chosen.includes(name)) };
    }
    case 'submit':
      return { ...state, submitted: true };
    case 'run':
      return { ...state, notice: null, shownRound: null };
    case 'cancelled':
      return { ...state, notice: 'Cancelled: nothing was scored.' };
    case 'explained':
      return {
        ...state,
        written: { explanation: action.explanation, explainer: action.explainer },
        draft: action.explanation,
        mode: 'records',
        submitted: false,
        notice: null,
        shownRound: null,
      };
    case 'explain-failed':
      return { ...state, explainFailedAt: action.at };
    case 'improved':
      return {
        ...state,
        draft: action.explanation,
        submitted: false,
        shownRound: null,
        notice: action.same
          ? 'The explainer kept the explanation as it was: its revision is the same text.'
          : null,
      };
    case 'improve-failed':
      return { ...state, improveFailedAt: action.at };
    case 'show-round':
      return { ...state, shownRound: action.index };
  }
}

export interface PanelContext {
  neuron: { dataset: string; layer: number; neuron: number };
  shared: SharedTest | null;
  /** The published explanation shown first; null when there is none. */
  published: string | null;
  /** Whether the neuron has activation records; null while that is not known. */
  hasRecords: boolean | null;
}

/** What running the form would ask the server, or the first problem with it. */
export type FormCheck =
  | { ok: true; kind: 'score'; request: NormalizedScoreRequest }
  | { ok: true; kind: 'texts'; request: NormalizedSimulateRequest }
  | { ok: false; field: string; message: string };

export interface PanelForm {
  explanationText: string;
  mode: Mode;
  textsText: string;
  texts: string[];
  scorers: readonly ScorerName[];
  check: FormCheck;
  charCount: number;
  overLimit: boolean;
  /** Shown under each field (once submitted, or as soon as a limit is passed). */
  explanationError: string | null;
  textsError: string | null;
  scorersError: string | null;
}

/** The form as shown: typed text, else the link's, else the published explanation. */
export function panelForm(state: PanelState, context: PanelContext): PanelForm {
  const { shared } = context;
  const explanationText = state.draft ?? shared?.explanations.at(-1) ?? context.published ?? '';
  const mode: Mode =
    state.mode ?? (shared?.texts || context.hasRecords === false ? 'texts' : 'records');
  const textsText = state.textsDraft ?? shared?.texts?.join('\n') ?? '';
  const texts = splitTexts(textsText);
  const scorers = state.scorers ?? shared?.scorers ?? SCORER_NAMES;

  let check: FormCheck;
  if (mode === 'texts') {
    const texted = normalizeSimulateRequest({
      ...context.neuron,
      explanation: explanationText,
      texts,
    });
    check = texted.ok ? { ok: true, kind: 'texts', request: texted.request } : texted;
  } else if (scorers.length === 0) {
    const explained = normalizeScoreRequest({ ...context.neuron, explanation: explanationText });
    check = explained.ok
      ? { ok: false, field: 'scorers', message: 'choose at least one scorer' }
      : explained;
  } else {
    const scored = normalizeScoreRequest({
      ...context.neuron,
      explanation: explanationText,
      scorers: [...scorers],
    });
    check = scored.ok ? { ok: true, kind: 'score', request: scored.request } : scored;
  }

  const charCount = explanationText.trim().length;
  const overLimit = charCount > MAX_EXPLANATION_CHARS;
  const field = check.ok ? null : check.field;
  const message = check.ok ? '' : check.message;
  return {
    explanationText,
    mode,
    textsText,
    texts,
    scorers,
    check,
    charCount,
    overLimit,
    explanationError:
      field === 'explanation' && (state.submitted || overLimit)
        ? overLimit
          ? `The explanation is ${charCount - MAX_EXPLANATION_CHARS} characters too long: at most ${MAX_EXPLANATION_CHARS}.`
          : `Explanation: ${message}.`
        : null,
    textsError:
      field?.startsWith('texts') && (state.submitted || texts.length > MAX_TEXTS)
        ? sentence(`${fieldLabel(field)}: ${message}`)
        : null,
    scorersError: field === 'scorers' && state.submitted ? sentence(message) : null,
  };
}

function sentence(text: string): string {
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** The test the form runs, as the share link holds it: a new first round. */
export function testOfCheck(check: Extract<FormCheck, { ok: true }>): SharedTest {
  if (check.kind === 'texts') {
    return {
      explanations: [check.request.explanation],
      texts: [...(check.request.texts ?? [])],
      scorers: null,
    };
  }
  const all = check.request.scorers.length === SCORER_NAMES.length;
  return {
    explanations: [check.request.explanation],
    texts: null,
    scorers: all ? null : [...check.request.scorers],
  };
}

/** Whether two tests are the same run (so running again means running it anew). */
export function sameTest(a: SharedTest | null, b: SharedTest | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
