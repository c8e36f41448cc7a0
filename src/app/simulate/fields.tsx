/**
 * The test panel's form fields, each a small component fed by the panel's form (panelState.ts):
 * the explanation, what to run it on, which scorers, and the user's own texts.
 */
import { useId, type KeyboardEvent, type Ref } from 'react';
import { MAX_EXPLANATION_CHARS, MAX_TEXTS } from '../../core/api/limits.ts';
import { SCORER_NAMES, type ScorerName } from '../../core/scoring/basis.ts';
import type { Mode, PanelForm } from './panelState.ts';
import { SCORER_LABELS } from './scoreModel.ts';
import styles from './SimulatePanel.module.css';

export function ExplanationField({
  form,
  published,
  inputRef,
  onChange,
  onUsePublished,
  onSubmitShortcut,
}: {
  form: PanelForm;
  published: string | null;
  inputRef: Ref<HTMLTextAreaElement>;
  onChange: (text: string) => void;
  onUsePublished: (text: string) => void;
  /** Ctrl+Enter (⌘Enter) in the field runs the form. */
  onSubmitShortcut: () => void;
}) {
  const id = useId();
  const hint = `${id}-hint`;
  const count = `${id}-count`;
  const error = `${id}-error`;
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSubmitShortcut();
    }
  };
  return (
    <div className={styles.field}>
      <label htmlFor={id} className={styles.label}>
        Explanation
      </label>
      <p id={hint} className={styles.hint}>
        Completes “the main thing this neuron does is find…”, e.g. <q>the word ‘cat’</q>.
      </p>
      <textarea
        id={id}
        ref={inputRef}
        className={styles.textarea}
        rows={3}
        value={form.explanationText}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        aria-invalid={form.explanationError !== null}
        aria-describedby={`${hint} ${count}${form.explanationError ? ` ${error}` : ''}`}
        spellCheck
      />
      <div className={styles.fieldFoot}>
        <span id={count} className={form.overLimit ? styles.countOver : styles.count}>
          {form.charCount} / {MAX_EXPLANATION_CHARS} characters
        </span>
        {published !== null && form.explanationText.trim() !== published && (
          <button
            type="button"
            className={styles.linkButton}
            onClick={() => onUsePublished(published)}
          >
            Use the published explanation
          </button>
        )}
      </div>
      {form.explanationError && (
        <p id={error} className={styles.fieldError}>
          {form.explanationError}
        </p>
      )}
    </div>
  );
}

export function ModeField({
  mode,
  recordsUnavailable,
  noteId,
  onChoose,
}: {
  mode: Mode;
  recordsUnavailable: boolean;
  /** Id of the note saying why records are unavailable (other controls point at it). */
  noteId: string;
  onChoose: (mode: Mode) => void;
}) {
  const name = useId();
  return (
    <fieldset className={styles.modes}>
      <legend className={styles.label}>Test on</legend>
      <label className={styles.radio}>
        <input
          type="radio"
          name={name}
          checked={mode === 'records'}
          disabled={recordsUnavailable}
          onChange={() => onChoose('records')}
        />
        the neuron’s held-out records, <span className="muted">scored</span>
      </label>
      <label className={styles.radio}>
        <input
          type="radio"
          name={name}
          checked={mode === 'texts'}
          onChange={() => onChoose('texts')}
        />
        texts of my own, <span className="muted">simulated, not scored</span>
      </label>
      {recordsUnavailable && (
        <p id={noteId} className={styles.hint}>
          This dataset has no activation records for this neuron, so an explanation cannot be scored
          or written here; your own texts can still be simulated.
        </p>
      )}
    </fieldset>
  );
}

export function ScorersField({
  scorers,
  error,
  onToggle,
}: {
  scorers: readonly ScorerName[];
  error: string | null;
  onToggle: (scorer: ScorerName) => void;
}) {
  const id = useId();
  return (
    <fieldset
      className={styles.modes}
      aria-describedby={error ? `${id}-error` : undefined}
      aria-invalid={error !== null || undefined}
    >
      <legend className={styles.label}>Scorers</legend>
      {SCORER_NAMES.map((scorer) => (
        <label key={scorer} className={styles.radio}>
          <input
            type="checkbox"
            checked={scorers.includes(scorer)}
            onChange={() => onToggle(scorer)}
          />
          <span>
            {SCORER_LABELS[scorer].name}
            <span className={`muted ${styles.scorerWhat}`}>: {SCORER_LABELS[scorer].what}</span>
          </span>
        </label>
      ))}
      {error && (
        <p id={`${id}-error`} className={styles.fieldError}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

export function TextsField({
  form,
  inputRef,
  onChange,
}: {
  form: PanelForm;
  inputRef: Ref<HTMLTextAreaElement>;
  onChange: (text: string) => void;
}) {
  const id = useId();
  const hint = `${id}-hint`;
  const error = `${id}-error`;
  return (
    <div className={styles.field}>
      <label htmlFor={id} className={styles.label}>
        Your texts, one per line
      </label>
      <p id={hint} className={styles.hint}>
        Up to {MAX_TEXTS} texts of at most 64 GPT-2 tokens each. They are simulated, not scored:
        there are no real activations to compare with.{' '}
        <span className={form.texts.length > MAX_TEXTS ? styles.countOver : undefined}>
          {form.texts.length} of {MAX_TEXTS}.
        </span>
      </p>
      <textarea
        id={id}
        ref={inputRef}
        className={styles.textarea}
        rows={4}
        value={form.textsText}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={form.textsError !== null}
        aria-describedby={`${hint}${form.textsError ? ` ${error}` : ''}`}
      />
      {form.textsError && (
        <p id={error} className={styles.fieldError}>
          {form.textsError}
        </p>
      )}
    </div>
  );
}
