import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { activationColorScale } from '../visuals/colorScale.ts';
import { publishedFixture, recordsResult } from './fixtures.ts';
import { SimulationResultView } from './SimulationResultView.tsx';

afterEach(cleanup);

function show(published: typeof publishedFixture | null) {
  render(
    <SimulationResultView
      result={recordsResult(' time words')}
      published={published}
      scale={activationColorScale({ min: 0, max: 4 }, 'light')}
      address={{ dataset: 'tiny', layer: 1, neuron: 2 }}
      texts={null}
      onEdit={() => {}}
      view="side-by-side"
      onView={() => {}}
    />,
  );
}

describe('the scores table', () => {
  it('names the published explanation only when there is one', () => {
    show(publishedFixture);
    expect(
      screen.getByRole('table', { name: 'Scores of this explanation and the published one' }),
    ).toBeInTheDocument();
    cleanup();
    show(null);
    expect(screen.getByRole('table', { name: 'Scores of this explanation' })).toBeInTheDocument();
  });
});
