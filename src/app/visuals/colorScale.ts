/**
 * The one colour scale of a neuron: every token of every record (and of the real side of every
 * scored sequence) is coloured by the same function, so colours compare across the page.
 *
 * Diverging, in one unit on both sides: zero is the page background, the neuron's largest
 * activation the full positive colour, and a negative activation a blue as far from the background
 * as a positive one of the same size would be orange (at most NEGATIVE_CAP of full strength, so a
 * negative is never louder than the positive activations the explanation is about). GELU outputs
 * are only slightly negative (down to about -0.17), so on most neurons the negatives are faint:
 * scaling them to the neuron's own minimum tinted nearly every token blue. Values within
 * ZERO_BAND of the largest activation read as zero: the page background.
 *
 * Values above the domain's maximum (a simulation can exceed the real activations) get the full
 * positive colour and are marked `over`, so that clipping never passes silently. Text is black or
 * white, whichever contrasts more with the background (at least 4.5:1 for any background, WCAG AA).
 */

export type ColorTheme = 'light' | 'dark';

/** The smallest and largest activation the scale spans; min <= 0 <= max. */
export interface ActivationDomain {
  min: number;
  max: number;
}

/** Styles of a token: shared objects, so thousands of tokens reuse a few hundred of them. */
export interface TokenStyle {
  readonly backgroundColor: string;
  readonly color: string;
  /** The value is above the scale's maximum (drawn as the maximum, and marked). */
  readonly over?: true;
}

export interface ActivationColorScale {
  (value: number): TokenStyle;
  readonly domain: ActivationDomain;
  readonly theme: ColorTheme;
}

interface Palette {
  /** Keep in step with --bg in styles/global.css. */
  neutral: string;
  positive: string;
  negative: string;
}

export const PALETTES: Record<ColorTheme, Palette> = {
  light: { neutral: '#ffffff', positive: '#d9480f', negative: '#2563eb' },
  dark: { neutral: '#121519', positive: '#ff8a3d', negative: '#4d8dff' },
};

export const NEGATIVE_CAP = 0.6;

/** Activations smaller than this fraction of the scale's unit (its largest value) read as zero. */
export const ZERO_BAND = 0.02;

/** Colours are precomputed at this many steps per side: finer than the eye can tell apart. */
const STEPS = 256;

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`Not a #rrggbb colour: ${hex}`);
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function mix(from: Rgb, to: Rgb, amount: number): Rgb {
  return [0, 1, 2].map((i) => from[i]! + (to[i]! - from[i]!) * amount) as Rgb;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}

function tokenStyle(background: string): TokenStyle {
  // Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05): take the larger.
  const luminance = relativeLuminance(background);
  const color = (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? '#000000' : '#ffffff';
  return Object.freeze({ backgroundColor: background, color });
}

const tableCache = new Map<ColorTheme, readonly TokenStyle[]>();
const overCache = new Map<ColorTheme, TokenStyle>();

function overStyle(theme: ColorTheme): TokenStyle {
  let style = overCache.get(theme);
  if (!style) {
    style = Object.freeze({ ...styleTable(theme)[2 * STEPS]!, over: true as const });
    overCache.set(theme, style);
  }
  return style;
}

/** Index 0 is the full negative colour, STEPS is neutral (zero), 2 * STEPS the full positive. */
function styleTable(theme: ColorTheme): readonly TokenStyle[] {
  const cached = tableCache.get(theme);
  if (cached) return cached;
  const palette = PALETTES[theme];
  const [neutral, positive, negative] = [palette.neutral, palette.positive, palette.negative].map(
    parseHex,
  ) as [Rgb, Rgb, Rgb];
  const table: TokenStyle[] = [];
  for (let i = 0; i <= 2 * STEPS; i++) {
    const side = (i - STEPS) / STEPS;
    const rgb =
      side >= 0 ? mix(neutral, positive, side) : mix(neutral, negative, -side * NEGATIVE_CAP);
    table.push(tokenStyle(toHex(rgb)));
  }
  tableCache.set(theme, table);
  return table;
}

/** The domain spanning every value given (and zero); ignores non-finite values. */
export function activationDomain(sequences: Iterable<readonly number[]>): ActivationDomain {
  let min = 0;
  let max = 0;
  for (const values of sequences) {
    for (const value of values) {
      if (value < min) min = value;
      else if (value > max) max = value;
    }
  }
  return { min, max };
}

/**
 * The unit of a domain's scale: its largest activation (or, for a neuron that never fires
 * positively, its most negative one's size); 0 for an all-zero domain.
 */
export function scaleUnit(domain: ActivationDomain): number {
  return domain.max > 0 ? domain.max : Math.max(0, -domain.min);
}

/**
 * The colour of each activation on `domain`: values below its minimum count as the minimum,
 * values above its maximum as the maximum (marked `over`); non-finite ones get the neutral colour.
 */
export function activationColorScale(
  domain: ActivationDomain,
  theme: ColorTheme,
): ActivationColorScale {
  const table = styleTable(theme);
  const neutral = table[STEPS]!;
  const over = overStyle(theme);
  const unit = scaleUnit(domain);
  const zero = ZERO_BAND * unit;
  const min = Math.min(0, domain.min);
  const scale = (value: number): TokenStyle => {
    if (!Number.isFinite(value) || unit === 0) return neutral;
    if (value > domain.max && domain.max > 0) return over;
    const clamped = value < min ? min : value;
    if (Math.abs(clamped) < zero) return neutral;
    const position = Math.max(-1, Math.min(1, clamped / unit));
    return table[Math.round((position + 1) * STEPS)] ?? neutral;
  };
  return Object.assign(scale, { domain, theme });
}
