/** The names a dataset may have, and which relative paths may be looked up in a dataset. */

/** Folder names under DATA_DIR that are served as datasets. */
export const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * True when a relative path is a plain file path inside a folder: no empty, dot or dot-dot segments,
 * no hidden files, no backslashes or control characters.
 */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.length > 512) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(path)) return false;
  return path.split('/').every((segment) => segment.length > 0 && !segment.startsWith('.'));
}
