/**
 * Reading one layer index for browsing: fetch, check, columns, the explanations packed for
 * handing on, and their words cut for the search index. It runs in reader workers
 * (./reader.worker.ts), apart from the search worker, so that on a machine with more than one
 * core the next layers are read while the search worker indexes the last.
 */
import { readLayerColumns } from '../../core/browse/read.ts';
import { packTexts, type PackedLayerColumns } from '../../core/browse/table.ts';
import { tokenizeTexts, type TokenizedTexts } from '../../core/search/tokenize.ts';
import { fetchText } from '../data/http.ts';

export interface ReadLayer {
  columns: PackedLayerColumns;
  tokens: TokenizedTexts;
}

/** Layer `layer` from `url` (absolute in a worker, which resolves relative URLs against its script). */
export async function readLayer(url: string, layer: number): Promise<ReadLayer> {
  const columns = readLayerColumns(await fetchText(url), url);
  if (columns.layer !== layer)
    throw new Error(`${url}: holds layer ${columns.layer}, not layer ${layer}`);
  return {
    columns: { ...columns, explanations: packTexts(columns.explanations) },
    tokens: tokenizeTexts(columns.explanations),
  };
}

/** The buffers a ReadLayer can give away to another thread. */
export function tokenBuffers(tokens: TokenizedTexts): ArrayBuffer[] {
  return [tokens.docs, tokens.starts, tokens.ids].map((array) => array.buffer as ArrayBuffer);
}
