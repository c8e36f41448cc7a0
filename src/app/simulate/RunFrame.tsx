import type { ReactNode } from 'react';
import styles from './SimulatePanel.module.css';

/**
 * The frame of any run in progress (simulate, explain, score, improve): its title with a Cancel
 * button, the explanation it works on once known, then the run's own progress as `children`.
 */
export function RunFrame({
  title,
  explanation,
  onCancel,
  children,
}: {
  title: string;
  /** The explanation being simulated or scored, once known. */
  explanation: string | null;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <div className={styles.run} aria-busy="true">
      <div className={styles.runHead}>
        <p className={styles.runTitle}>{title}…</p>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {explanation !== null && (
        <p className={styles.runExplanation}>
          <q>{explanation}</q>
        </p>
      )}
      {children}
    </div>
  );
}
