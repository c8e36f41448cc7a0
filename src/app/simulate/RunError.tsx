import { useEffect, useState } from 'react';
import { ApiRequestError } from '../data/api.ts';
import { errorTitle, fieldLabel, needsEdit } from './model.ts';
import styles from './SimulatePanel.module.css';

/** Seconds left until `until` (a Date.now() time), ticking once a second; 0 once it has passed. */
function useSecondsLeft(until: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= Date.now()) return;
    const timer = setInterval(() => {
      const time = Date.now();
      setNow(time);
      if (time >= until) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [until]);
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/**
 * A failed run: what failed and why (the server's sentence), that no score was made, and a retry
 * (held back while the server's Retry-After runs). Validation failures point at the field instead.
 */
export function RunError({
  action,
  error,
  failedAt,
  onRetry,
  retryDisabled,
  onEditField,
  onDismiss,
}: {
  /** What was being done, e.g. "Scoring the explanation". */
  action: string;
  error: Error;
  /** When it failed (Date.now() time), for the Retry-After countdown. */
  failedAt: number;
  onRetry: () => void;
  retryDisabled: boolean;
  /** Moves focus to the field a validation error names. */
  onEditField?: (field: string) => void;
  onDismiss?: () => void;
}) {
  const known = error instanceof ApiRequestError ? error : null;
  const code = known?.code ?? 'internal';
  const retryAfter = known?.retryAfter ?? null;
  const secondsLeft = useSecondsLeft(retryAfter === null ? 0 : failedAt + retryAfter * 1000);
  const field = known?.field;
  const edit = needsEdit(code);

  return (
    <div role="alert" className={styles.error}>
      <p className={styles.errorTitle}>
        {errorTitle(code)}
        {known?.status != null && <span className={styles.errorCode}> HTTP {known.status}</span>}
      </p>
      <p>
        {action} failed: {error.message}
      </p>
      {field && (
        <p>
          The field at fault: <strong>{fieldLabel(field)}</strong>.
        </p>
      )}
      <p className="muted">No score was produced.</p>
      {retryAfter !== null && secondsLeft > 0 && (
        <p>The server asks to wait {secondsLeft} s before trying again.</p>
      )}
      <div className={styles.actions}>
        {edit && field && onEditField ? (
          <button type="button" onClick={() => onEditField(field)}>
            Edit {fieldLabel(field)}
          </button>
        ) : null}
        {!edit || !field ? (
          <button
            type="button"
            onClick={onRetry}
            disabled={retryDisabled || secondsLeft > 0}
            className={styles.primary}
          >
            {secondsLeft > 0 ? `Retry in ${secondsLeft} s` : 'Retry'}
          </button>
        ) : null}
        {onDismiss && (
          <button type="button" onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
    </div>
  );
}
