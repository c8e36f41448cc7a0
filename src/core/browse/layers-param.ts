/**
 * The `layers=` parameter of a view's URL (browse, compare, Your text): one layer (`layers=5`)
 * or an inclusive range (`layers=3-10`). One parser and one writer, so a link made on one page
 * reads the same on another.
 */

/** `[low, high]`, both included; null for a missing, malformed or empty range. */
export function parseLayersParam(text: string | null): [number, number] | null {
  const match = text ? /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(text) : null;
  if (!match) return null;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return low <= high ? [low, high] : null;
}

/** `5` for one layer, `3-10` for a range. */
export function layersParam([low, high]: readonly [number, number]): string {
  return low === high ? `${low}` : `${low}-${high}`;
}
