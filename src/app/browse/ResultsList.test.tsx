import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { NeuronTable } from '../../core/browse/table.ts';
import { parseQuery } from '../../core/search/query.ts';
import { testQueryClient } from '../test-utils.tsx';
import { ResultsList } from './ResultsList.tsx';

afterEach(cleanup);

function list(query: string, searching: boolean) {
  const element = (
    <ResultsList
      table={new NeuronTable([{ layer: 0, neurons: 4 }])}
      rows={new Int32Array(0)}
      query={query}
      parsedQuery={parseQuery(query)}
      sort={{ key: 'score', descending: true }}
      sortPending={false}
      searching={searching}
      complete={false}
      viewKey=""
      filtered={false}
      urlDataset={null}
      datasetId="tiny"
      onSort={() => {}}
      onClearFilters={() => {}}
    />
  );
  const router = createMemoryRouter([{ path: '/', element }]);
  render(
    <QueryClientProvider client={testQueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe('the result count while rows are on their way', () => {
  it('says "Searching…" only while there is a query', () => {
    list('', false);
    expect(screen.getByRole('status')).toHaveTextContent('Loading neurons…');
    cleanup();
    list('time', true);
    expect(screen.getByRole('status')).toHaveTextContent('Searching…');
  });
});
