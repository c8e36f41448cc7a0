/**
 * What the one delegated token tooltip needs to know about a rendered record, keyed by the
 * record's DOM element (so nothing leaks when the record unmounts). A token element is a
 * `[data-i]` child of a `[data-record]` element.
 */

/** A named row of values, one per token, shown in the tooltip (e.g. real and simulated). */
export interface TooltipSeries {
  label: string;
  values: readonly number[];
}

export interface TokenRecordData {
  tokens: readonly string[];
  series: readonly TooltipSeries[];
}

const records = new WeakMap<Element, TokenRecordData>();

export function registerRecord(element: Element, data: TokenRecordData): void {
  records.set(element, data);
}

export interface TokenHit {
  element: HTMLElement;
  record: HTMLElement;
  index: number;
  token: string;
  values: { label: string; value: number | undefined }[];
}

/** The token under an event target, if any, with its values. */
export function findToken(target: EventTarget | null): TokenHit | null {
  if (!(target instanceof Element)) return null;
  const element = target.closest<HTMLElement>('[data-i]');
  const record = element?.closest<HTMLElement>('[data-record]');
  if (!element || !record) return null;
  const data = records.get(record);
  const index = Number(element.dataset.i);
  const token = data?.tokens[index];
  if (!data || token === undefined) return null;
  return {
    element,
    record,
    index,
    token,
    values: data.series.map((series) => ({ label: series.label, value: series.values[index] })),
  };
}
