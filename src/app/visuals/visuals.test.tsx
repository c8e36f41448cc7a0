import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { activationColorScale } from './colorScale.ts';
import { ColorLegend } from './ColorLegend.tsx';
import { Histogram, placeLabels } from './Histogram.tsx';
import { SimulationBars } from './SimulationBars.tsx';
import { TokenRecord } from './TokenRecord.tsx';
import { TokenTooltipLayer } from './TokenTooltipLayer.tsx';

afterEach(cleanup);

const scale = activationColorScale({ min: -0.5, max: 4 }, 'light');

describe('TokenRecord', () => {
  it('renders each token on its colour, newlines and tabs visible, one tab stop', () => {
    const tokens = [' The', '\n', '\tfilm'];
    const values = [0, 4, -0.5];
    render(
      <TokenRecord
        tokens={tokens}
        tokenStyles={values.map(scale)}
        series={[{ label: 'activation', values }]}
        label="Record 1"
      />,
    );
    const record = screen.getByRole('group', { name: 'Record 1' });
    const spans = record.querySelectorAll('span');
    expect([...spans].map((span) => span.textContent)).toEqual([' The', '↵', '⇥film']);
    expect(spans[1]).toHaveStyle({ backgroundColor: scale(4).backgroundColor });
    expect([...spans].map((span) => span.tabIndex)).toEqual([0, -1, -1]);
  });
});

describe('TokenTooltipLayer', () => {
  it('shows every series of the hovered token', () => {
    render(
      <TokenTooltipLayer>
        <SimulationBars
          tokens={[' a', ' b']}
          real={[1, 3]}
          simulated={[2, 10]}
          realMax={4}
          simulatedMax={10}
          series={[
            { label: 'real activation', values: [1, 3] },
            { label: 'simulated (0–10 scale)', values: [2, 10] },
          ]}
          label="Sequence 1"
        />
      </TokenTooltipLayer>,
    );
    fireEvent.pointerOver(screen.getByText('b'));
    const tooltip = screen.getByRole('tooltip');
    expect(tooltip).toHaveTextContent('·b');
    expect(within(tooltip).getByText('real activation').nextSibling).toHaveTextContent('3');
    expect(within(tooltip).getByText('simulated (0–10 scale)').nextSibling).toHaveTextContent('10');
  });

  it('inside another layer, shows one tooltip for a token, and pins it once', () => {
    const record = (label: string, tokens: string[]) => (
      <TokenRecord
        tokens={tokens}
        tokenStyles={tokens.map(() => scale(1))}
        series={[{ label: 'activation', values: tokens.map((_, i) => i + 1) }]}
        label={label}
      />
    );
    render(
      <TokenTooltipLayer>
        {record('Outer', [' top'])}
        <TokenTooltipLayer>{record('Inner', [' your', ' text'])}</TokenTooltipLayer>
      </TokenTooltipLayer>,
    );
    fireEvent.pointerOver(screen.getByText('text'));
    const shown = () => screen.queryAllByRole('tooltip').filter((tip) => !tip.hidden);
    expect(shown()).toHaveLength(1);
    expect(shown()[0]).toHaveTextContent('·text');
    fireEvent.click(screen.getByText('text'));
    expect(shown()).toHaveLength(1);
    expect(shown()[0]).toHaveTextContent('Pinned');
    expect(document.querySelectorAll('[data-pinned]')).toHaveLength(1);
    // A token of the outer layer: the inner pin closes, the outer layer shows its own token.
    fireEvent.click(screen.getByText('top'));
    expect(shown()).toHaveLength(1);
    expect(shown()[0]).toHaveTextContent('·top');
  });
});

describe('SimulationBars', () => {
  it('draws real and simulated bars on their own scales', () => {
    render(
      <SimulationBars
        tokens={[' a', ' b']}
        real={[2, -1]}
        simulated={[5, 20]}
        realMax={4}
        simulatedMax={10}
        series={[]}
        label="Sequence"
      />,
    );
    const cells = screen.getByRole('group', { name: 'Sequence' }).querySelectorAll('[data-i]');
    const heights = [...cells].map((cell) =>
      [...cell.querySelectorAll<HTMLElement>('[aria-hidden] > span')].map(
        (bar) => bar.style.height,
      ),
    );
    expect(heights).toEqual([
      ['50%', '50%'],
      ['0%', '100%'],
    ]);
  });
});

describe('ColorLegend', () => {
  it('labels the ends and zero, and says in words what the colours mean', () => {
    render(<ColorLegend scale={scale} />);
    const legend = screen.getByRole('figure');
    expect(legend).toHaveTextContent('Activation');
    expect(legend).toHaveTextContent('−0.5');
    expect(legend).toHaveTextContent('4');
    expect(legend).toHaveTextContent(
      'Blue for negative activations down to −0.5, the background colour for 0, orange up to 4. Values between −0.08 and 0.08 read as 0.',
    );
  });

  it('never speaks of blue when nothing is negative', () => {
    render(<ColorLegend scale={activationColorScale({ min: 0, max: 4 }, 'light')} />);
    const legend = screen.getByRole('figure');
    expect(legend).toHaveTextContent('The background colour for 0, orange up to 4.');
    expect(legend).not.toHaveTextContent(/blue/i);
  });

  it('says how far values go above the scale, marked as the tokens are', () => {
    render(<ColorLegend scale={scale} over={6.87} />);
    const legend = screen.getByRole('figure');
    expect(legend).toHaveTextContent('Values above 4 (up to 6.87) are overlined.');
    expect(legend).toHaveTextContent('4 (sim. 6.87)');
  });
});

describe('SimulationBars', () => {
  it('reads as exactly the tokens (their widths are checked in the e2e tests)', () => {
    render(
      <SimulationBars
        tokens={['7', ':', '30', ' am']}
        real={[1, 0, 2, 0]}
        simulated={[0, 0, 1, 0]}
        realMax={2}
        simulatedMax={2}
        series={[]}
        label="Time"
      />,
    );
    expect(screen.getByRole('group', { name: 'Time' }).textContent).toBe('7:30 am');
  });

  it('caps a bar whose value is above its scale', () => {
    render(
      <SimulationBars
        tokens={[' a', ' b']}
        real={[1, 3]}
        simulated={[2, 12]}
        realMax={4}
        simulatedMax={10}
        series={[]}
        label="Capped"
      />,
    );
    const bars = screen.getByRole('group', { name: 'Capped' }).querySelectorAll('[data-over]');
    expect(bars).toHaveLength(1);
    expect((bars[0] as HTMLElement).style.height).toBe('100%');
  });
});

describe('Histogram', () => {
  it('counts every value and marks the boundaries', () => {
    const values = [0, 0, 0, 0.5, 1, 1, 2.5, 3];
    const { container } = render(
      <Histogram
        values={values}
        markers={[
          { value: 0.4, label: '0.4' },
          { value: 99, label: 'off the chart' },
        ]}
        bins={6}
        label="Histogram of 8 values"
      />,
    );
    expect(screen.getByRole('img', { name: 'Histogram of 8 values' })).toBeInTheDocument();
    const titles = [...container.querySelectorAll('rect title')].map((title) => title.textContent);
    const counted = titles.reduce(
      (sum, text) => sum + Number(/: (\d+) tokens/.exec(text ?? '')![1]),
      0,
    );
    expect(counted).toBe(values.length);
    expect(titles[0]).toBe('0 to 0.5: 3 tokens');
    expect(screen.getByText('0.4')).toBeInTheDocument();
    expect(screen.queryByText('off the chart')).not.toBeInTheDocument();
  });
});

describe('placeLabels', () => {
  it('stacks labels that would overlap, and keeps apart ones that would not on one row', () => {
    // 1/1's quantile boundaries on a phone-width chart: −0.0032 and 0.5005 are 20 px apart.
    const placed = placeLabels([60, 80, 200, 260], [42, 37, 37, 37], 0, 300);
    expect(placed.map((label) => label.row)).toEqual([0, 1, 0, 0]);
    for (const row of [0, 1]) {
      const spans = placed
        .map((label, i) => ({ ...label, width: [42, 37, 37, 37][i]! }))
        .filter((label) => label.row === row)
        .sort((a, b) => a.x - b.x);
      for (let i = 1; i < spans.length; i++) {
        expect(spans[i]!.x - spans[i]!.width / 2).toBeGreaterThan(
          spans[i - 1]!.x + spans[i - 1]!.width / 2,
        );
      }
    }
  });

  it('keeps labels inside the chart', () => {
    const [first, last] = placeLabels([2, 298], [40, 40], 0, 300);
    expect(first!.x).toBe(20);
    expect(last!.x).toBe(280);
  });
});

describe('tokenSpansHtml', () => {
  it('escapes token text so a token can never become markup', async () => {
    const { tokenSpansHtml } = await import('./recordHtml.ts');
    const html = tokenSpansHtml(['<b>', ' a&b', '"q"'], [scale(0), scale(1), scale(2)]);
    expect(html).toContain('>&lt;b&gt;</span>');
    expect(html).toContain('> a&amp;b</span>');
    const host = document.createElement('div');
    host.innerHTML = html;
    expect([...host.children].map((child) => child.textContent)).toEqual(['<b>', ' a&b', '"q"']);
    expect(host.querySelectorAll('b')).toHaveLength(0);
  });
});
