import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ScoreHistogram } from './ScoreHistogram.tsx';

afterEach(cleanup);

const histogram = { edges: [0.7, 0.75, 0.8, 0.85], counts: [548, 472, 90], unscored: 0 };

describe('ScoreHistogram', () => {
  it('labels each bar with the scores it counts, the upper edge left out but on the last', () => {
    render(<ScoreHistogram histogram={histogram} selected={null} onSelect={() => {}} />);
    expect(screen.getAllByRole('button').map((bar) => bar.getAttribute('aria-label'))).toEqual([
      '548 neurons score 0.70 to under 0.75',
      '472 neurons score 0.75 to under 0.80',
      '90 neurons score 0.80 to 0.85',
    ]);
  });

  it('is one tab stop; arrows move between bars, Enter chooses the bar’s own range', async () => {
    const onSelect = vi.fn();
    render(
      <>
        <button type="button">before</button>
        <ScoreHistogram histogram={histogram} selected={null} onSelect={onSelect} />
      </>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'before' }));
    await userEvent.tab();
    const bars = screen.getAllByRole('button', { name: /neurons score/ });
    expect(document.activeElement).toBe(bars[0]);
    await userEvent.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(bars[1]);
    await userEvent.keyboard('{Enter}');
    expect(onSelect).toHaveBeenCalledWith({ low: 0.75, high: 0.8, highIncluded: false });
    await userEvent.keyboard('{End}{ }');
    expect(onSelect).toHaveBeenLastCalledWith({ low: 0.8, high: 0.85, highIncluded: true });
    // Only one bar is in the tab order at a time.
    expect(bars.filter((bar) => bar.getAttribute('tabindex') === '0')).toHaveLength(1);
  });

  it('marks the chosen bar and clears the filter when it is chosen again', async () => {
    const onSelect = vi.fn();
    render(
      <ScoreHistogram
        histogram={histogram}
        selected={{ low: 0.75, high: 0.8, highIncluded: false }}
        onSelect={onSelect}
      />,
    );
    const bar = screen.getByRole('button', { name: /472 neurons/ });
    expect(bar).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(bar);
    expect(onSelect).toHaveBeenCalledWith(null);
  });
});
