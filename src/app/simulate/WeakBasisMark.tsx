/**
 * Marks a published score that rests on fewer than WEAK_BASIS_RECORDS scored records (the file's
 * own scored sequences): one record more or less could swing it widely. Nothing otherwise.
 */
import type { ScoredExplanation } from '../../core/format/types.ts';
import { isWeak, WEAK_BASIS_RECORDS } from '../../core/scoring/basis.ts';
import styles from './SimulatePanel.module.css';

export function WeakBasisMark({ explanation }: { explanation: ScoredExplanation }) {
  const records = explanation.scored_simulation.scored_sequence_simulations.length;
  if (records === 0 || !isWeak(records)) return null;
  return (
    <span
      className={styles.weakMark}
      title={`This score rests on ${records} record${records === 1 ? '' : 's'}, fewer than ${WEAK_BASIS_RECORDS}: one record more or less could change it a lot.`}
    >
      {' '}
      · {records} record{records === 1 ? '' : 's'}: weak basis
    </span>
  );
}
