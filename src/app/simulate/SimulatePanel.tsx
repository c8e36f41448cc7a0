import { useId, useMemo, useReducer, useRef } from 'react';
import { useSearchParams } from 'react-router';
import type { ExplainRequest } from '../../core/api/index.ts';
import type { ScoredExplanation } from '../../core/format/types.ts';
import { useManifest } from '../data/queries.ts';
import { useApiHealth } from '../data/simulation.ts';
import type { ActivationColorScale } from '../visuals/colorScale.ts';
import type { SimulationView } from '../settings.ts';
import { ExplanationField, ModeField, ScorersField, TextsField } from './fields.tsx';
import { describeProvider } from './model.ts';
import { INITIAL_PANEL_STATE, panelForm, panelReducer } from './panelState.ts';
import { RunsView } from './RunsView.tsx';
import { readSharedTest, writeSharedTest, type SharedTest } from './shareLink.ts';
import { usePanelRuns } from './usePanelRuns.ts';
import styles from './SimulatePanel.module.css';

export interface SimulatePanelProps {
  dataset: string;
  layer: number;
  neuron: number;
  /** The explanation the page shows first (best published score); null when there is none. */
  published: ScoredExplanation | null;
  /** Whether the dataset has the neuron's activation records; null while that is not known. */
  hasRecords: boolean | null;
  /** The neuron's colour scale, shared with the rest of the page; null while it is not known. */
  scale: ActivationColorScale | null;
  /** How real and simulated activations are shown; shared with the page's explanations. */
  view: SimulationView;
  onView: (view: SimulationView) => void;
}

/**
 * "Test an explanation" on the neuron page: an explanation (the published one to start with) is
 * scored on the server by any of three scorers (simulation, detection, fuzzing), each with its
 * interval and basis, with live progress; "Explain this neuron" writes a new one; "Improve"
 * revises the result and scores the revision beside it; texts of one's own are simulated without
 * a score. The test sits in the URL, so the page's address is a share link that shows the same
 * result. Give it a `key` per neuron.
 */
export function SimulatePanel({
  dataset,
  layer,
  neuron,
  published,
  hasRecords,
  scale,
  view,
  onView,
}: SimulatePanelProps) {
  const [params, setParams] = useSearchParams();
  const shared = useMemo(() => readSharedTest(params), [params]);
  const { online, checking, health } = useApiHealth();
  const synthetic = useManifest(dataset).data?.synthetic ?? false;
  const [state, dispatch] = useReducer(panelReducer, INITIAL_PANEL_STATE);

  const neuronRequest: ExplainRequest = useMemo(
    () => ({ dataset, layer, neuron }),
    [dataset, layer, neuron],
  );
  const publishedText = published?.explanation.trim() ?? null;
  const form = panelForm(state, {
    neuron: neuronRequest,
    shared,
    published: publishedText,
    hasRecords,
  });

  const explanationRef = useRef<HTMLTextAreaElement>(null);
  const textsRef = useRef<HTMLTextAreaElement>(null);
  const runRef = useRef<HTMLButtonElement>(null);
  const modeNoteId = useId();
  const recordsUnavailable = hasRecords === false;
  const writeTest = (test: SharedTest | null) =>
    setParams((current) => writeSharedTest(current, test), {
      replace: true,
      preventScrollReset: true,
    });
  const runs = usePanelRuns({
    neuronRequest,
    shared,
    online,
    hasRecords,
    form,
    state,
    dispatch,
    writeTest,
    focus: {
      explanation: () => explanationRef.current?.focus(),
      texts: () => textsRef.current?.focus(),
      run: () => runRef.current?.focus(),
    },
  });
  const { running, announcement, run, startExplain } = runs;

  const simulator = health ? describeProvider(health.simulator, 'simulator') : null;
  const judge = health?.judge ? describeProvider(health.judge, 'judge') : null;
  const explainer = health ? describeProvider(health.explainer, 'explainer') : null;
  const editExplanation = (text: string) => {
    dispatch({ type: 'edit-explanation', text });
    explanationRef.current?.focus();
  };

  return (
    <section aria-labelledby="simulate-heading" className={styles.panel}>
      <h2 id="simulate-heading">Test an explanation</h2>
      <p className={styles.intro}>
        The server scores the explanation on the neuron’s held-out records: by simulating the neuron
        from the explanation alone (the paper’s score), and by asking a judge which examples, or
        which marked tokens, fit it. Each score comes with its 95% interval and what it rests on.
        {simulator && (
          <>
            {' '}
            Simulator: <strong className={styles.model}>{simulator.name}</strong>{' '}
            <span className="muted">({simulator.detail})</span>.
          </>
        )}
        {judge && (
          <>
            {' '}
            Judge: <strong className={styles.model}>{judge.name}</strong>{' '}
            <span className="muted">({judge.detail})</span>.
          </>
        )}
      </p>

      {!online && (
        <p className={styles.serverNote} role={checking ? undefined : 'note'}>
          {checking
            ? 'Checking for the Neuron Explorer server…'
            : 'Scoring needs the Neuron Explorer server (npm start), and this copy of the app is served without it (a static host), so running is turned off. Everything else on the page works.'}
        </p>
      )}

      <form className={styles.form} onSubmit={run} noValidate>
        <ExplanationField
          form={form}
          published={publishedText}
          inputRef={explanationRef}
          onChange={(text) => dispatch({ type: 'edit-explanation', text })}
          onUsePublished={(text) => dispatch({ type: 'edit-explanation', text })}
          onSubmitShortcut={() => run()}
        />
        <ModeField
          mode={form.mode}
          recordsUnavailable={recordsUnavailable}
          noteId={modeNoteId}
          onChoose={(mode) => dispatch({ type: 'choose-mode', mode })}
        />
        {form.mode === 'records' ? (
          <ScorersField
            scorers={form.scorers}
            error={form.scorersError}
            onToggle={(scorer) =>
              dispatch({ type: 'toggle-scorer', scorer, current: form.scorers })
            }
          />
        ) : (
          <TextsField
            form={form}
            inputRef={textsRef}
            onChange={(text) => dispatch({ type: 'edit-texts', text })}
          />
        )}

        <div className={styles.actions}>
          {/* While a run goes on, the buttons stay focusable (aria-disabled) so focus is not lost. */}
          <button
            ref={runRef}
            type="submit"
            className={styles.primary}
            disabled={!online}
            aria-disabled={running || undefined}
          >
            {form.mode === 'texts' ? 'Simulate my texts' : 'Score'}
          </button>
          <button
            type="button"
            onClick={startExplain}
            disabled={!online || recordsUnavailable}
            aria-disabled={running || undefined}
            aria-describedby={recordsUnavailable ? modeNoteId : undefined}
          >
            Explain this neuron
          </button>
          {explainer && (
            <span className={styles.hint}>
              Explainer: {explainer.name} <span className="muted">({explainer.detail})</span>
            </span>
          )}
        </div>
      </form>

      <div role="status" className="visually-hidden">
        {announcement}
      </div>

      <RunsView
        runs={runs}
        state={state}
        dispatch={dispatch}
        neuronRequest={neuronRequest}
        published={published}
        synthetic={synthetic}
        scale={scale}
        view={view}
        onView={onView}
        explainer={explainer}
        onEditExplanation={editExplanation}
        focus={{
          explanation: () => explanationRef.current?.focus(),
          texts: () => textsRef.current?.focus(),
          run: () => runRef.current?.focus(),
        }}
      />
      {!online && !checking && shared && (
        <p className={styles.notice}>
          This link asks to test <q>{shared.explanations.at(-1)}</q>; that needs the server.
        </p>
      )}
    </section>
  );
}
