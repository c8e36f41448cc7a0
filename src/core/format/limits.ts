/**
 * Bounds on what a published per-neuron file may hold. A file past them is damaged (or hostile):
 * it fails that one neuron with an error naming the file and field, instead of taking down a page
 * or going into an index as if it were good.
 */

/**
 * Largest per-neuron file read or served. The release's largest record file is about 240 KB (64
 * records of 64 tokens, with strings and numbers); 16 MB is far past any real one, and keeps a
 * damaged 100 MB file from being parsed and drawn.
 */
export const MAX_NEURON_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Most tokens in one activation record or simulated sequence. The release's have 64; GPT-2 reads
 * at most 1,024 at once, so a longer one is not a record of it (and would be drawn as one line).
 */
export const MAX_SEQUENCE_TOKENS = 4096;

/** Longest explanation kept. The release's longest is 162 characters. */
export const MAX_EXPLANATION_CHARS = 1000;

/**
 * ev_correlation_score is a correlation: it lies in [-1, 1]. Floating-point rounding may put an
 * exact +-1 a hair outside; anything further is not a correlation.
 */
export const CORRELATION_TOLERANCE = 1e-9;

export function isCorrelation(value: number): boolean {
  return value >= -1 - CORRELATION_TOLERANCE && value <= 1 + CORRELATION_TOLERANCE;
}

/** Whole megabytes for a limit ("16 MB"), one decimal for a size ("124.3 MB"). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/** The sentence for a file past its limit, the same from every reader. */
export function tooLargeProblem(size: number, maxBytes: number, what: string): string {
  return `${formatBytes(size)}, more than the ${formatBytes(maxBytes)} ${what} may have`;
}
