/**
 * The app's URLs (inside the hash). The release's form `/layers/L/neurons/N` opens the default
 * dataset; `/d/<dataset>/...` names one. `dataset: null` below means "the release form".
 */

export interface NeuronAddress {
  layer: number;
  neuron: number;
}

function datasetPrefix(dataset: string | null): string {
  return dataset === null ? '' : `/d/${encodeURIComponent(dataset)}`;
}

export function browsePath(dataset: string | null): string {
  return dataset === null ? '/' : datasetPrefix(dataset);
}

export function neuronPath(
  dataset: string | null,
  address: NeuronAddress,
  search?: URLSearchParams,
): string {
  const query = search?.toString();
  return `${datasetPrefix(dataset)}/layers/${address.layer}/neurons/${address.neuron}${query ? `?${query}` : ''}`;
}

/** A route parameter that must be a non-negative integer written plainly ("5", not "05" or "5.0"). */
export function parseIndex(text: string | undefined): number | null {
  if (text === undefined || !/^(0|[1-9]\d{0,8})$/.test(text)) return null;
  return Number(text);
}

/**
 * What a user may type to name a neuron: `5:131`, `5/131`, `5 131`, or a pasted path or link
 * containing `layers/5/neurons/131`. Null when the text names no neuron.
 */
export function parseNeuronAddress(text: string): NeuronAddress | null {
  const trimmed = text.trim();
  const short = /^(\d+)\s*[:/\s]\s*(\d+)$/.exec(trimmed);
  const long = short ? null : /layers\/(\d+)\/neurons\/(\d+)/.exec(trimmed);
  const match = short ?? long;
  if (!match) return null;
  const layer = Number(match[1]);
  const neuron = Number(match[2]);
  if (!Number.isSafeInteger(layer) || !Number.isSafeInteger(neuron)) return null;
  return { layer, neuron };
}

/** The "Your text" page (`/text`, `/d/<dataset>/text`), with its view (the text, ...) as query. */
export function textPath(dataset: string | null, search?: URLSearchParams): string {
  const query = search?.toString();
  return `${datasetPrefix(dataset)}/text${query ? `?${query}` : ''}`;
}
