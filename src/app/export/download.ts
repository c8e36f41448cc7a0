/**
 * Saves a view as a file: the rows are written in chunks (src/core/view-export), the page yielding
 * to input and paint between chunks, so 307,200 rows never freeze it; the pieces go into one Blob
 * without being joined into one string first.
 */
import {
  EXPORT_MIME,
  exportChunks,
  type ExportFormat,
  type ViewColumn,
} from '../../core/view-export/export.ts';

/** Work between yields, in ms: well under a frame budget the user would notice. */
const SLICE_MS = 40;

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The file's contents, built without holding the page for more than SLICE_MS at a time. */
export async function viewBlob(
  format: ExportFormat,
  columns: readonly ViewColumn[],
  rows: ArrayLike<number>,
): Promise<Blob> {
  const parts: string[] = [];
  let since = performance.now();
  for (const chunk of exportChunks(format, columns, rows)) {
    parts.push(chunk);
    if (performance.now() - since > SLICE_MS) {
      await yieldToPage();
      since = performance.now();
    }
  }
  return new Blob(parts, { type: EXPORT_MIME[format] });
}

/** Hands a Blob to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; give slow browsers a while before freeing it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name from dataset ids and words, safe on every system. */
export function exportFilename(parts: readonly string[], extension: string): string {
  const base = parts
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 100);
  return `${base || 'export'}.${extension}`;
}
