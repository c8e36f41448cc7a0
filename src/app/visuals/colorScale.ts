/**
 * The one colour scale of a neuron: every token of every record (and of the real side of every
 * scored sequence) is coloured by the same function, so colours compare across the page.
 *
 * Diverging: zero is the page background, the neuron's largest activation is the full positive
 * colour, its most negative activation a blue. GELU outputs are only slightly negative, so the
 * negative side is capped at NEGATIVE_CAP of full strength: visible, but never louder than the
 * positive activations the explanation is about. Text is black or white, whichever contrasts
 * more with the background (at least 4.5:1 for any background, WCAG AA).
 */
import { scaleDiverging } from 'd3-scale';

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

export const NEGATIVE_CAP = 0.3;

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
 * The colour of each activation on `domain`: values beyond it are clamped, non-finite ones get
 * the neutral colour.
 */
export function activationColorScale(
  domain: ActivationDomain,
  theme: ColorTheme,
): ActivationColorScale {
  const table = styleTable(theme);
  const neutral = table[STEPS]!;
  const position = scaleDiverging<number>()
    .domain([Math.min(0, domain.min), 0, Math.max(0, domain.max)])
    .clamp(true);
  const scale = (value: number): TokenStyle => {
    if (!Number.isFinite(value)) return neutral;
    return table[Math.round(position(value) * 2 * STEPS)] ?? neutral;
  };
  return Object.assign(scale, { domain, theme });
}
