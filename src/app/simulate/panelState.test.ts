import { describe, expect, it } from 'vitest';
import {
  INITIAL_PANEL_STATE,
  panelForm,
  panelReducer,
  sameTest,
  testOfCheck,
  type PanelAction,
  type PanelContext,
  type PanelState,
} from './panelState.ts';

const context: PanelContext = {
  neuron: { dataset: 'tiny', layer: 1, neuron: 2 },
  shared: null,
  published: 'movies',
  hasRecords: true,
};

const after = (...actions: PanelAction[]): PanelState =>
  actions.reduce(panelReducer, INITIAL_PANEL_STATE);

describe('the panel’s form, without rendering', () => {
  it('shows the published explanation, then the link’s latest round, then what was typed', () => {
    expect(panelForm(INITIAL_PANEL_STATE, context).explanationText).toBe('movies');
    const shared = { explanations: ['films', 'films and TV'], texts: null, scorers: null };
    expect(panelForm(INITIAL_PANEL_STATE, { ...context, shared }).explanationText).toBe(
      'films and TV',
    );
    expect(
      panelForm(after({ type: 'edit-explanation', text: 'Marvel' }), { ...context, shared })
        .explanationText,
    ).toBe('Marvel');
  });

  it('asks for a score with every scorer by default, or the ones chosen', () => {
    const all = panelForm(INITIAL_PANEL_STATE, context).check;
    expect(all).toMatchObject({
      ok: true,
      kind: 'score',
      request: { explanation: 'movies', scorers: ['simulation', 'detection', 'fuzzing'] },
    });
    expect(testOfCheck(all as Extract<typeof all, { ok: true }>)).toEqual({
      explanations: ['movies'],
      texts: null,
      scorers: null,
    });
    const state = after({
      type: 'toggle-scorer',
      scorer: 'simulation',
      current: ['simulation', 'detection', 'fuzzing'],
    });
    const check = panelForm(state, context).check;
    expect(check).toMatchObject({ ok: true, request: { scorers: ['detection', 'fuzzing'] } });
    expect(testOfCheck(check as Extract<typeof check, { ok: true }>).scorers).toEqual([
      'detection',
      'fuzzing',
    ]);
  });

  it('names the field at fault, and shows it once submitted', () => {
    const none = after(
      { type: 'toggle-scorer', scorer: 'simulation', current: ['simulation'] },
      { type: 'edit-explanation', text: 'x' },
    );
    expect(panelForm(none, context).check).toEqual({
      ok: false,
      field: 'scorers',
      message: 'choose at least one scorer',
    });
    expect(panelForm(none, context).scorersError).toBeNull();
    expect(panelForm(panelReducer(none, { type: 'submit' }), context).scorersError).toBe(
      'Choose at least one scorer.',
    );
    const empty = after({ type: 'edit-explanation', text: '  ' }, { type: 'submit' });
    expect(panelForm(empty, context).explanationError).toBe('Explanation: must not be empty.');
    // Editing again hides the error until the next submit.
    expect(
      panelForm(panelReducer(empty, { type: 'edit-explanation', text: '' }), context)
        .explanationError,
    ).toBeNull();
    const long = after({ type: 'edit-explanation', text: 'a'.repeat(502) });
    expect(panelForm(long, context).explanationError).toBe(
      'The explanation is 2 characters too long: at most 500.',
    );
  });

  it('simulates texts instead when asked, or when the neuron has no records', () => {
    expect(panelForm(INITIAL_PANEL_STATE, { ...context, hasRecords: false }).mode).toBe('texts');
    const texts = after(
      { type: 'choose-mode', mode: 'texts' },
      { type: 'edit-texts', text: 'A cat.\n\nA dog.' },
    );
    const form = panelForm(texts, context);
    expect(form.texts).toEqual(['A cat.', 'A dog.']);
    expect(form.check).toMatchObject({
      ok: true,
      kind: 'texts',
      request: { texts: ['A cat.', 'A dog.'] },
    });
    const many = panelReducer(
      panelReducer(texts, { type: 'edit-texts', text: Array(9).fill('t').join('\n') }),
      { type: 'submit' },
    );
    expect(panelForm(many, context).textsError).toBe('Your texts: at most 8 texts.');
  });
});

describe('the panel’s transitions', () => {
  it('runs clear notices; cancelling says nothing was scored', () => {
    const cancelled = after({ type: 'cancelled' });
    expect(cancelled.notice).toBe('Cancelled: nothing was scored.');
    expect(panelReducer(cancelled, { type: 'run' }).notice).toBeNull();
  });

  it('an explanation written goes into the form, on the records, with who wrote it', () => {
    const state = after(
      { type: 'choose-mode', mode: 'texts' },
      { type: 'submit' },
      {
        type: 'explained',
        explanation: 'Marvel films',
        explainer: { id: 'baseline', model: 'baseline' },
      },
    );
    expect(state).toMatchObject({
      draft: 'Marvel films',
      mode: 'records',
      submitted: false,
      written: { explanation: 'Marvel films' },
    });
  });

  it('an improvement shows the new round, and says when the revision changed nothing', () => {
    const shown = after({ type: 'show-round', index: 0 });
    const improved = panelReducer(shown, { type: 'improved', explanation: 'b', same: false });
    expect(improved).toMatchObject({ draft: 'b', shownRound: null, notice: null });
    expect(panelReducer(shown, { type: 'improved', explanation: 'a', same: true }).notice).toMatch(
      /kept the explanation as it was/,
    );
  });

  it('knows a run from the same link', () => {
    const test = { explanations: ['a'], texts: null, scorers: null };
    expect(sameTest(test, { ...test })).toBe(true);
    expect(sameTest(test, { ...test, scorers: ['detection'] })).toBe(false);
  });
});
