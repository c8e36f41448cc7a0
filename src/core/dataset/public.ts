/**
 * What a client may be told of a dataset's files. A manifest and an ingest report name the source
 * they were read from, which on disk is an absolute folder path of the server's machine (or a URL,
 * possibly with credentials in it). Clients get "." for a folder, since its per-neuron files are
 * served under the dataset's own URL, and a URL without credentials.
 */
import { parseJsonText } from '../format/json.ts';

const URL_SOURCE = /^https?:\/\//i;
/** The user-information part of a URL ("user:password@"): everything up to an "@" in the authority. */
const CREDENTIALS = /^(https?:\/\/)[^/?#]*@/i;

export function publicSource(source: string): string {
  if (!URL_SOURCE.test(source)) return '.';
  return source.replace(CREDENTIALS, '$1');
}

/**
 * A manifest's or report's text with its `source` made public; everything else as written (so that
 * the app's parser sees the same layers, damaged ones included, as a static host would serve).
 */
export function publicDatasetFileText(text: string): string {
  const value = parseJsonText(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return text;
  const record = value as Record<string, unknown>;
  if (typeof record.source === 'string') record.source = publicSource(record.source);
  return JSON.stringify(record);
}
