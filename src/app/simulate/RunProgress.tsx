import type { RunProgress as Progress } from '../data/simulation.ts';
import { progressText, recordLabel } from './model.ts';
import { RunFrame } from './RunFrame.tsx';
import styles from './SimulatePanel.module.css';

/**
 * A run in progress: what is being done, a bar, and each record (or text) as it finishes. The
 * panel's own live region announces the same progress to screen readers.
 */
export function RunProgress({
  title,
  explanation,
  progress,
  unit,
  onCancel,
}: {
  title: string;
  /** The explanation being simulated, once known. */
  explanation: string | null;
  progress: Progress;
  unit: 'records' | 'texts';
  onCancel: () => void;
}) {
  const total = progress.total;
  return (
    <RunFrame title={title} explanation={explanation} onCancel={onCancel}>
      <progress
        className={styles.progress}
        aria-label={`${title}: progress`}
        {...(total !== null && total > 0 ? { max: total, value: progress.done } : {})}
      />
      <p className={styles.progressText}>{progressText(progress, unit)}</p>
      {unit === 'records' && total !== null && (
        <p className={styles.hint}>
          The held-out records are scored; the others calibrate the simulation to activation units,
          as in the paper.
        </p>
      )}
      {progress.finished.length > 0 && (
        <ol
          className={styles.finished}
          aria-label={`${unit === 'texts' ? 'Texts' : 'Records'} simulated so far`}
        >
          {progress.finished.map((record, i) => (
            <li
              key={i}
              className={record.purpose === 'calibration' ? styles.calibration : undefined}
            >
              {recordLabel(record)}
              {record.purpose === 'calibration' && (
                <span className={styles.purpose}> · calibration</span>
              )}
            </li>
          ))}
        </ol>
      )}
    </RunFrame>
  );
}
