import { useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import {
  MAX_EXPLANATION_CHARS,
  MAX_TEXTS,
  type ExplainRequest,
  type NormalizedSimulateRequest,
} from '../../core/api/index.ts';
import type { ScoredExplanation } from '../../core/format/types.ts';
import { queryKeys } from '../data/queries.ts';
import {
  normalizeSimulateRequest,
  useApiHealth,
  useExplanation,
  useSimulation,
} from '../data/simulation.ts';
import type { ActivationColorScale } from '../visuals/colorScale.ts';
import type { SimulationView } from '../settings.ts';
import { formatScore } from '../visuals/tokens.ts';
import { describeProvider, fieldLabel, progressText, splitTexts } from './model.ts';
import { RunError } from './RunError.tsx';
import { RunProgress } from './RunProgress.tsx';
import { readSharedTest, writeSharedTest, type SharedTest } from './shareLink.ts';
import { SimulationResultView } from './SimulationResultView.tsx';
import styles from './SimulatePanel.module.css';

type Mode = 'records' | 'texts';

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

const sameRequest = (a: NormalizedSimulateRequest, b: NormalizedSimulateRequest) =>
  JSON.stringify(queryKeys.simulation(a)) === JSON.stringify(queryKeys.simulation(b));

/**
 * "Test an explanation" on the neuron page: an explanation (the published one to start with) is
 * simulated on the neuron's held-out records and scored on the server, with live progress; or
 * "Explain this neuron" writes a new one and scores it. The test sits in the URL, so the page's
 * address is a share link that shows the same result. Give it a `key` per neuron.
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
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const shared = useMemo(() => readSharedTest(params), [params]);
  const { online, checking, health } = useApiHealth();

  const neuronRequest: ExplainRequest = useMemo(
    () => ({ dataset, layer, neuron }),
    [dataset, layer, neuron],
  );
  const sharedCheck = useMemo(
    () =>
      shared
        ? normalizeSimulateRequest({
            ...neuronRequest,
            explanation: shared.explanation,
            ...(shared.texts && { texts: shared.texts }),
          })
        : null,
    [shared, neuronRequest],
  );
  const request = online && sharedCheck?.ok ? sharedCheck.request : null;
  const simulation = useSimulation(request);
  const explain = useExplanation(neuronRequest);

  // The form: null means "not edited", so the shared or published text shows (and fills in once
  // the explanation file loads).
  const [draft, setDraft] = useState<string | null>(null);
  const [textsDraft, setTextsDraft] = useState<string | null>(null);
  const [modeChoice, setModeChoice] = useState<Mode | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [explainFailedAt, setExplainFailedAt] = useState(0);
  const explainAbort = useRef<AbortController | null>(null);
  const explanationRef = useRef<HTMLTextAreaElement>(null);
  const runRef = useRef<HTMLButtonElement>(null);
  const textsRef = useRef<HTMLTextAreaElement>(null);
  const ids = {
    explanation: useId(),
    explanationHint: useId(),
    explanationCount: useId(),
    explanationError: useId(),
    texts: useId(),
    textsHint: useId(),
    textsError: useId(),
    modeNote: useId(),
  };

  const publishedText = published?.explanation.trim() ?? null;
  const explanationText = draft ?? shared?.explanation ?? publishedText ?? '';
  const mode: Mode = modeChoice ?? (shared?.texts || hasRecords === false ? 'texts' : 'records');
  const textsText = textsDraft ?? shared?.texts?.join('\n') ?? '';
  const texts = splitTexts(textsText);

  const draftCheck = normalizeSimulateRequest({
    ...neuronRequest,
    explanation: explanationText,
    ...(mode === 'texts' && { texts }),
  });
  const charCount = explanationText.trim().length;
  const overLimit = charCount > MAX_EXPLANATION_CHARS;
  const draftField = draftCheck.ok ? null : draftCheck.field;
  const explanationError =
    !draftCheck.ok && draftField === 'explanation' && (submitted || overLimit)
      ? draftCheck.message
      : null;
  const textsError =
    !draftCheck.ok && draftField?.startsWith('texts') && (submitted || texts.length > MAX_TEXTS)
      ? `${fieldLabel(draftField)}: ${draftCheck.message}`
      : null;

  const explaining = explain.mutation.isPending;
  const running = explaining || simulation.query.isFetching;
  const disabled = !online || running;
  const recordsUnavailable = hasRecords === false;

  const writeTest = (test: SharedTest | null) =>
    setParams((current) => writeSharedTest(current, test), {
      replace: true,
      preventScrollReset: true,
    });

  function run(event?: FormEvent) {
    event?.preventDefault();
    setSubmitted(true);
    if (!draftCheck.ok) {
      (draftCheck.field.startsWith('texts') ? textsRef : explanationRef).current?.focus();
      return;
    }
    if (disabled) return;
    setNotice(null);
    const next = draftCheck.request;
    if (request && sameRequest(next, request)) void simulation.query.refetch();
    else writeTest({ explanation: next.explanation, texts: next.texts ? [...next.texts] : null });
  }

  function startExplain() {
    if (disabled || recordsUnavailable) return;
    setNotice(null);
    const controller = new AbortController();
    explainAbort.current = controller;
    explain.mutation.mutate(
      { signal: controller.signal },
      {
        onSuccess: (result) => {
          setDraft(result.explanation);
          setModeChoice('records');
          setSubmitted(false);
          writeTest({ explanation: result.explanation, texts: null });
          explain.mutation.reset();
        },
        onError: () => setExplainFailedAt(Date.now()),
      },
    );
  }

  function cancel() {
    if (explaining) {
      explainAbort.current?.abort();
      explain.mutation.reset();
    } else if (request && simulation.query.isFetching) {
      void client.cancelQueries({ queryKey: queryKeys.simulation(request), exact: true });
      writeTest(null);
    } else return;
    setNotice('Cancelled: nothing was scored.');
    // The Cancel button goes away; keep keyboard focus in the panel.
    runRef.current?.focus();
  }

  // A retry replaces the error (and its button) with progress; focus goes back to the form.
  function retryExplain() {
    startExplain();
    runRef.current?.focus();
  }

  function retrySimulation() {
    void simulation.query.refetch();
    runRef.current?.focus();
  }

  function onExplanationKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) run(event);
  }

  const explainError = explain.mutation.error;
  const queryError = simulation.query.error;
  const showSimulation = !explaining && request !== null;
  const result = showSimulation && !simulation.query.isFetching ? simulation.query.data : undefined;
  const announcement = explaining
    ? explain.progress.explanation
      ? `Explanation written. ${progressText(explain.progress, 'records')}`
      : 'Writing an explanation…'
    : showSimulation && simulation.query.isFetching
      ? progressText(simulation.progress, request.texts ? 'texts' : 'records')
      : result
        ? result.mode === 'records'
          ? `Done: correlation score ${formatScore(result.ev_correlation_score)}${result.cached ? ', from the server’s cache' : ''}.`
          : `Done: ${result.simulations.length} texts simulated${result.cached ? ', from the server’s cache' : ''}.`
        : (notice ?? '');

  const simulator = health ? describeProvider(health.simulator, 'simulator') : null;
  const explainer = health ? describeProvider(health.explainer, 'explainer') : null;

  return (
    <section aria-labelledby="simulate-heading" className={styles.panel}>
      <h2 id="simulate-heading">Test an explanation</h2>
      <p className={styles.intro}>
        The server simulates the neuron from the explanation alone, on its held-out records, and
        scores the simulation against the real activations, as in the paper.
        {simulator && (
          <>
            {' '}
            Simulator: <strong className={styles.model}>{simulator.name}</strong>{' '}
            <span className="muted">({simulator.detail})</span>.
          </>
        )}
      </p>

      {!online && (
        <p className={styles.serverNote} role={checking ? undefined : 'note'}>
          {checking
            ? 'Checking for the Neuron Explorer server…'
            : 'Simulating needs the Neuron Explorer server (npm start), and this copy of the app is served without it (a static host), so running is turned off. Everything else on the page works.'}
        </p>
      )}

      <form className={styles.form} onSubmit={run} noValidate>
        <div className={styles.field}>
          <label htmlFor={ids.explanation} className={styles.label}>
            Explanation
          </label>
          <p id={ids.explanationHint} className={styles.hint}>
            Completes “the main thing this neuron does is find…”, e.g. <q>the word ‘cat’</q>.
          </p>
          <textarea
            id={ids.explanation}
            ref={explanationRef}
            className={styles.textarea}
            rows={3}
            value={explanationText}
            onChange={(event) => {
              setDraft(event.target.value);
              setSubmitted(false);
            }}
            onKeyDown={onExplanationKeyDown}
            aria-invalid={explanationError !== null}
            aria-describedby={`${ids.explanationHint} ${ids.explanationCount}${explanationError ? ` ${ids.explanationError}` : ''}`}
            spellCheck
          />
          <div className={styles.fieldFoot}>
            <span id={ids.explanationCount} className={overLimit ? styles.countOver : styles.count}>
              {charCount} / {MAX_EXPLANATION_CHARS} characters
            </span>
            {publishedText !== null && explanationText.trim() !== publishedText && (
              <button
                type="button"
                className={styles.linkButton}
                onClick={() => {
                  setDraft(publishedText);
                  setSubmitted(false);
                }}
              >
                Use the published explanation
              </button>
            )}
          </div>
          {explanationError && (
            <p id={ids.explanationError} className={styles.fieldError}>
              {overLimit
                ? `The explanation is ${charCount - MAX_EXPLANATION_CHARS} characters too long: at most ${MAX_EXPLANATION_CHARS}.`
                : `Explanation: ${explanationError}.`}
            </p>
          )}
        </div>

        <fieldset className={styles.modes}>
          <legend className={styles.label}>Simulate on</legend>
          <label className={styles.radio}>
            <input
              type="radio"
              name={`${ids.explanation}-mode`}
              checked={mode === 'records'}
              disabled={recordsUnavailable}
              onChange={() => setModeChoice('records')}
            />
            the neuron’s held-out records, <span className="muted">scored</span>
          </label>
          <label className={styles.radio}>
            <input
              type="radio"
              name={`${ids.explanation}-mode`}
              checked={mode === 'texts'}
              onChange={() => setModeChoice('texts')}
            />
            texts of my own, <span className="muted">not scored</span>
          </label>
          {recordsUnavailable && (
            <p id={ids.modeNote} className={styles.hint}>
              This dataset has no activation records for this neuron, so an explanation cannot be
              scored or written here; your own texts can still be simulated.
            </p>
          )}
        </fieldset>

        {mode === 'texts' && (
          <div className={styles.field}>
            <label htmlFor={ids.texts} className={styles.label}>
              Your texts, one per line
            </label>
            <p id={ids.textsHint} className={styles.hint}>
              Up to {MAX_TEXTS} texts of at most 64 GPT-2 tokens each. They are simulated, not
              scored: there are no real activations to compare with.{' '}
              <span className={texts.length > MAX_TEXTS ? styles.countOver : undefined}>
                {texts.length} of {MAX_TEXTS}.
              </span>
            </p>
            <textarea
              id={ids.texts}
              ref={textsRef}
              className={styles.textarea}
              rows={4}
              value={textsText}
              onChange={(event) => {
                setTextsDraft(event.target.value);
                setSubmitted(false);
              }}
              aria-invalid={textsError !== null}
              aria-describedby={`${ids.textsHint}${textsError ? ` ${ids.textsError}` : ''}`}
            />
            {textsError && (
              <p id={ids.textsError} className={styles.fieldError}>
                {textsError[0]!.toUpperCase() + textsError.slice(1)}.
              </p>
            )}
          </div>
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
            {mode === 'texts' ? 'Simulate my texts' : 'Run simulation'}
          </button>
          <button
            type="button"
            onClick={startExplain}
            disabled={!online || recordsUnavailable}
            aria-disabled={running || undefined}
            aria-describedby={recordsUnavailable ? ids.modeNote : undefined}
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

      {explaining && (
        <RunProgress
          title={
            explain.progress.explanation
              ? 'Scoring the explanation it wrote'
              : `Writing an explanation${explainer ? ` with ${explainer.byline}` : ''}`
          }
          explanation={explain.progress.explanation?.explanation ?? null}
          progress={explain.progress}
          unit="records"
          onCancel={cancel}
        />
      )}
      {!explaining && explainError && (
        <RunError
          action="Writing an explanation"
          error={explainError}
          failedAt={explainFailedAt}
          onRetry={retryExplain}
          retryDisabled={disabled}
          onDismiss={() => explain.mutation.reset()}
        />
      )}
      {notice && !running && !result && <p className={styles.notice}>{notice}</p>}

      {showSimulation &&
        (simulation.query.isFetching ? (
          <RunProgress
            title={request.texts ? 'Simulating your texts' : 'Simulating the held-out records'}
            explanation={request.explanation}
            progress={simulation.progress}
            unit={request.texts ? 'texts' : 'records'}
            onCancel={cancel}
          />
        ) : queryError ? (
          <RunError
            action={request.texts ? 'Simulating your texts' : 'Scoring the explanation'}
            error={queryError}
            failedAt={simulation.query.errorUpdatedAt}
            onRetry={retrySimulation}
            retryDisabled={disabled}
            onEditField={(field) =>
              (field.startsWith('texts') ? textsRef : explanationRef).current?.focus()
            }
          />
        ) : result ? (
          <SimulationResultView
            result={result}
            published={published}
            scale={scale}
            address={{ dataset, layer, neuron }}
            texts={request.texts ?? null}
            view={view}
            onView={onView}
            onEdit={() => {
              setDraft(result.explanation);
              explanationRef.current?.focus();
            }}
          />
        ) : null)}
      {!online && !checking && shared && (
        <p className={styles.notice}>
          This link asks to test <q>{shared.explanation}</q>; that needs the server.
        </p>
      )}
    </section>
  );
}
