import type { ScorerName } from '../../core/scoring/basis.ts';
import type { ScoreProgress as Progress } from '../data/score.ts';
import { SCORER_LABELS } from './scoreModel.ts';
import { RunFrame } from './RunFrame.tsx';
import styles from './SimulatePanel.module.css';

type Step = ScorerName | 'revision';

const STEP_NAMES: Record<Step, string> = {
  revision: 'Simulating records kept out of scoring, to revise from',
  simulation: SCORER_LABELS.simulation.name,
  detection: SCORER_LABELS.detection.name,
  fuzzing: SCORER_LABELS.fuzzing.name,
};

/** "Detection: 20 of 40 examples judged", for the screen and screen readers. */
function stepText(step: Step, progress: { done: number; total: number } | undefined) {
  if (!progress) return `${STEP_NAMES[step]}: waiting…`;
  const unit = step === 'detection' || step === 'fuzzing' ? 'examples judged' : 'records simulated';
  return `${STEP_NAMES[step]}: ${progress.done} of ${progress.total} ${unit}`;
}

/** Progress of each scorer of a run, in one line each, for the panel's live region. */
export function scoreProgressText(steps: readonly Step[], progress: Progress): string {
  return steps.map((step) => stepText(step, progress.scorers[step])).join('. ');
}

/**
 * A score (or improve) run in progress: what is being done, and a bar per scorer as its records
 * are simulated or its examples judged. The panel's own live region announces the same.
 */
export function ScoreProgress({
  title,
  explanation,
  steps,
  progress,
  onCancel,
}: {
  title: string;
  explanation: string | null;
  steps: readonly Step[];
  progress: Progress;
  onCancel: () => void;
}) {
  return (
    <RunFrame title={title} explanation={explanation} onCancel={onCancel}>
      <ul className={styles.steps}>
        {steps.map((step) => {
          const current = progress.scorers[step];
          return (
            <li key={step}>
              <progress
                className={styles.progress}
                aria-label={`${STEP_NAMES[step]}: progress`}
                {...(current && current.total > 0
                  ? { max: current.total, value: current.done }
                  : {})}
              />
              <span className={styles.progressText}>{stepText(step, current)}</span>
            </li>
          );
        })}
      </ul>
    </RunFrame>
  );
}
