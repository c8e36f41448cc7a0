import { describe, expect, it } from 'vitest';
import {
  displayToken,
  formatActivation,
  formatCount,
  formatScore,
  visibleToken,
} from './tokens.ts';

describe('token display', () => {
  it('keeps spaces in running text and shows newlines and tabs', () => {
    expect(displayToken(' the')).toBe(' the');
    expect(displayToken('\n\n')).toBe('↵↵');
    expect(displayToken('\tx')).toBe('⇥x');
    expect(displayToken('')).toBe('∅');
    expect(displayToken('\u0000')).toBe('␀');
  });
  it('makes every space visible on its own', () => {
    expect(visibleToken(' the')).toBe('·the');
    expect(visibleToken('  \n')).toBe('··↵');
  });
});

describe('number formats', () => {
  it('activations: up to four decimals, a real minus sign', () => {
    expect(formatActivation(3.2617)).toBe('3.2617');
    expect(formatActivation(6.867436124447358)).toBe('6.8674');
    expect(formatActivation(-0.0032)).toBe('−0.0032');
    expect(formatActivation(-0.00001)).toBe('0');
    expect(formatActivation(2)).toBe('2');
    expect(formatActivation(10)).toBe('10');
    expect(formatActivation(1.5)).toBe('1.5');
    expect(formatActivation(0.00004)).toBe('0');
    expect(formatActivation(-3.99995)).toBe('−4');
    expect(formatActivation(null)).toBe('—');
  });
  it('scores: two decimals, n/a when undefined', () => {
    expect(formatScore(0.456)).toBe('0.46');
    expect(formatScore(-0.1)).toBe('−0.10');
    expect(formatScore(null)).toBe('n/a');
    expect(formatScore(Number.NaN)).toBe('n/a');
    expect(formatScore(-0.001)).toBe('0.00');
  });
  it('counts: thousands separated', () => {
    expect(formatCount(12777)).toBe('12,777');
    expect(formatCount(307200)).toBe('307,200');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1_000_000)).toBe('1,000,000');
  });
});
