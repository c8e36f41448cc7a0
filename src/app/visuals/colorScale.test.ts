import { describe, expect, it } from 'vitest';
import {
  activationColorScale,
  activationDomain,
  contrastRatio,
  NEGATIVE_CAP,
  PALETTES,
  ZERO_BAND,
  relativeLuminance,
  type ColorTheme,
} from './colorScale.ts';

const themes: ColorTheme[] = ['light', 'dark'];

/** How far a colour is from the neutral background (0 = identical). */
function distance(a: string, b: string): number {
  const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const [x, y] = [channels(a), channels(b)];
  return Math.hypot(...x.map((c, i) => c - y[i]!));
}

describe('activationDomain', () => {
  it('spans every value and zero', () => {
    expect(
      activationDomain([
        [0.5, 2],
        [-0.1, 1],
      ]),
    ).toEqual({ min: -0.1, max: 2 });
    expect(activationDomain([[1, 3]])).toEqual({ min: 0, max: 3 });
    expect(activationDomain([])).toEqual({ min: 0, max: 0 });
  });
});

describe.each(themes)('activationColorScale (%s)', (theme) => {
  const palette = PALETTES[theme];
  const scale = activationColorScale({ min: -0.2, max: 4 }, theme);

  it('gives zero the page background and the maximum the full positive colour', () => {
    expect(scale(0).backgroundColor).toBe(palette.neutral);
    expect(scale(4).backgroundColor).toBe(palette.positive);
  });

  it("draws negatives in the positive side's unit: tiny GELU negatives stay near the background", () => {
    // -0.2 is 5% of the maximum 4: a faint blue, not the loud one the old per-minimum scale gave.
    const negative = scale(-0.2).backgroundColor;
    const [r, , b] = [1, 3, 5].map((i) => parseInt(negative.slice(i, i + 2), 16)) as number[];
    expect(b!).toBeGreaterThan(r!);
    const full = distance(palette.negative, palette.neutral);
    expect(distance(negative, palette.neutral)).toBeCloseTo(full * NEGATIVE_CAP * 0.05, -1);
    expect(distance(negative, palette.neutral)).toBeLessThan(15);
    // A negative as large as the maximum is clearly blue (capped below the full colour).
    const large = activationColorScale({ min: -4, max: 4 }, theme)(-4).backgroundColor;
    expect(distance(large, palette.neutral)).toBeCloseTo(full * NEGATIVE_CAP, -1);
    expect(distance(large, palette.neutral)).toBeGreaterThan(100);
  });

  it('reads values within the zero band (2% of the maximum) as zero, on both sides', () => {
    const band = ZERO_BAND * 4;
    expect(scale(band * 0.99)).toBe(scale(0));
    expect(scale(-band * 0.99)).toBe(scale(0));
    expect(scale(band * 1.5)).not.toBe(scale(0));
    expect(activationColorScale({ min: -0.2, max: 1 }, theme)(-0.1)).not.toBe(scale(0));
  });

  it('marks values above the maximum instead of clipping them silently', () => {
    expect(scale(4).over).toBeUndefined();
    expect(scale(40).over).toBe(true);
    expect(scale(40).backgroundColor).toBe(palette.positive);
  });

  it('grows monotonically away from zero', () => {
    let last = -1;
    for (let v = 0.25; v <= 4; v += 0.25) {
      const d = distance(scale(v).backgroundColor, palette.neutral);
      expect(d).toBeGreaterThan(last);
      last = d;
    }
  });

  it('clamps values outside the domain and ignores non-finite ones', () => {
    expect(scale(40).backgroundColor).toBe(scale(4).backgroundColor);
    expect(scale(-3)).toBe(scale(-0.2));
    expect(scale(Number.NaN)).toBe(scale(0));
    expect(scale(Number.POSITIVE_INFINITY)).toBe(scale(0));
  });

  it('keeps every token readable (text contrast at least 4.5:1)', () => {
    for (let v = -0.2; v <= 4; v += 0.01) {
      const style = scale(v);
      expect(contrastRatio(style.backgroundColor, style.color)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('shares style objects between equal colours', () => {
    expect(scale(1)).toBe(scale(1.0000001));
  });

  it('copes with a neuron that never fires (all zero) or never goes negative', () => {
    const flat = activationColorScale({ min: 0, max: 0 }, theme);
    expect(flat(0).backgroundColor).toBe(palette.neutral);
    expect(flat(1).backgroundColor).toBe(palette.neutral);
    const positiveOnly = activationColorScale({ min: 0, max: 2 }, theme);
    expect(positiveOnly(-1).backgroundColor).toBe(palette.neutral);
    expect(positiveOnly(2).backgroundColor).toBe(palette.positive);
  });
});

describe('contrastRatio', () => {
  it('matches the WCAG figures', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 5);
  });
});
