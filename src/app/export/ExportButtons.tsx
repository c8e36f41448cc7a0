import { useState } from 'react';
import type { ExportFormat, ViewColumn } from '../../core/view-export/export.ts';
import { exportFilename, saveBlob, viewBlob } from './download.ts';
import styles from './ExportButtons.module.css';

const numbers = new Intl.NumberFormat();

/**
 * "Export CSV / JSON": the rows the view lists, in its order, as a file. `columns` is asked for
 * only when a button is pressed (it closes over the current table).
 */
export function ExportButtons({
  columns,
  rows,
  name,
  incomplete,
}: {
  columns: () => readonly ViewColumn[];
  rows: ArrayLike<number>;
  /** Parts of the file name (dataset ids, "view"). */
  name: readonly string[];
  /** Why the view is not final yet (layers still loading), or null. */
  incomplete: string | null;
}) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (format: ExportFormat) => {
    setBusy(format);
    setDone(null);
    setError(null);
    try {
      const count = rows.length;
      const blob = await viewBlob(format, columns(), rows);
      const filename = exportFilename(name, format);
      saveBlob(blob, filename);
      setDone(`Saved ${numbers.format(count)} rows as ${filename}`);
    } catch (caught) {
      setError(`Could not export: ${(caught as Error).message}`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className={styles.export} role="group" aria-label="Export this view">
      <span className={styles.label}>Export {numbers.format(rows.length)} rows:</span>
      {(['csv', 'json'] as const).map((format) => (
        <button
          key={format}
          type="button"
          disabled={busy !== null || rows.length === 0}
          onClick={() => void run(format)}
        >
          {busy === format ? 'Exporting…' : format.toUpperCase()}
        </button>
      ))}
      <span role="status" className={styles.status}>
        {error ?? done ?? (incomplete ? `(${incomplete})` : '')}
      </span>
    </div>
  );
}
