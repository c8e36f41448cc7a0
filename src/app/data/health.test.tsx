import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { fakeNetwork, testQueryClient, type FakeFile } from '../test-utils.tsx';
import { useServerHealth } from './queries.ts';

function Probe() {
  const { online, checking } = useServerHealth();
  return <p>{checking ? 'checking' : online ? 'online' : 'offline'}</p>;
}

function renderProbe(health: FakeFile | undefined) {
  fakeNetwork(health === undefined ? {} : { 'api/health': health });
  render(
    <QueryClientProvider client={testQueryClient()}>
      <Probe />
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('useServerHealth', () => {
  it('is online when the server answers api/health with JSON', async () => {
    renderProbe({ status: 'ok', version: '1' });
    expect(await screen.findByText('online')).toBeInTheDocument();
  });
  it.each([
    ['a static host without the route (404)', undefined],
    ['a static host answering with its index page', { text: '<!doctype html><title>x</title>' }],
    ['no network', { unreachable: true }],
  ])('is offline on %s', async (_case, health) => {
    renderProbe(health);
    expect(await screen.findByText('offline')).toBeInTheDocument();
  });
});
