import { useState } from 'react';
import { selectionFile, type SharedList } from '../../core/lists/list.ts';
import { exportFilename, saveBlob } from '../export/download.ts';
import { sharedListUrl } from './paths.ts';
import styles from './Lists.module.css';

/** Share by link, and download as a batch selection file (`--select file:<it>`). */
export function ListActions({ list }: { list: SharedList }) {
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const share = async () => {
    const url = sharedListUrl(list);
    setLink(url);
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Link copied');
    } catch {
      setCopied('Copy the link below');
    }
  };
  const download = () =>
    saveBlob(
      new Blob([selectionFile(list)], { type: 'text/plain;charset=utf-8' }),
      exportFilename([list.name], 'txt'),
    );
  return (
    <div className={styles.actions}>
      <button type="button" onClick={() => void share()}>
        Share link
      </button>
      <button type="button" onClick={download} disabled={list.neurons.length === 0}>
        Download for batch (.txt)
      </button>
      {copied && <span role="status">{copied}</span>}
      {link && (
        <input
          className={styles.link}
          readOnly
          value={link}
          aria-label="Link to this list"
          onFocus={(event) => event.currentTarget.select()}
        />
      )}
    </div>
  );
}
