import { useId, useRef, useState } from 'react';
import styles from './SimulatePanel.module.css';

/** The share link in a read-only field, with a button that copies it. */
export function ShareLink({ url }: { url: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setStatus('Share link copied.');
    } catch {
      // No clipboard access (an insecure origin, or denied): leave the link selected instead.
      input.current?.select();
      setStatus('Could not copy: the link is selected, press Ctrl+C (⌘C) to copy it.');
    }
  }

  return (
    <div className={styles.share}>
      <label htmlFor={id} className={styles.label}>
        Share link
      </label>
      <div className={styles.shareRow}>
        <input
          id={id}
          ref={input}
          className={styles.shareInput}
          type="url"
          readOnly
          value={url}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy share link
        </button>
      </div>
      <p role="status" className={styles.hint}>
        {status}
      </p>
    </div>
  );
}
