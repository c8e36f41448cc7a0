import type { ReactNode } from 'react';
import styles from './SyntheticBadge.module.css';

/** The label on everything from the generated demo dataset, so it is never taken for real data. */
export function SyntheticBadge({
  children = 'synthetic demo',
  className,
}: {
  children?: ReactNode;
  className?: string;
}) {
  return (
    <span className={className ? `${styles.badge} ${className}` : styles.badge}>{children}</span>
  );
}
