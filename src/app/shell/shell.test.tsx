import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, cleanup, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeNetwork, renderApp } from '../test-utils.tsx';
import { SETTINGS_STORAGE_KEY, useSettings } from '../settings.ts';
import { datasetLabel } from './DatasetPicker.tsx';

const datasets = {
  default: 'real',
  datasets: [
    { id: 'real', title: 'GPT-2 XL', model: 'gpt2-xl', synthetic: false },
    { id: 'demo', title: 'Demo', model: 'gpt2-xl', synthetic: true },
  ],
};

beforeEach(() => {
  fakeNetwork({ 'datasets/index.json': datasets });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
  useSettings.setState({ theme: 'system' });
  delete document.documentElement.dataset.theme;
});

describe('dataset picker', () => {
  it('labels the synthetic dataset and switches dataset keeping the neuron', async () => {
    const { router } = renderApp('/layers/3/neurons/7');
    const picker = await screen.findByLabelText('Dataset');
    await waitFor(() => expect(picker).toHaveValue('real'));
    expect(screen.getByRole('option', { name: 'Demo (synthetic demo)' })).toBeInTheDocument();
    expect(screen.queryByText('synthetic demo', { selector: 'span' })).not.toBeInTheDocument();

    await userEvent.selectOptions(picker, 'demo');
    expect(router.state.location.pathname).toBe('/d/demo/layers/3/neurons/7');
    expect(await screen.findByText('synthetic demo', { selector: 'span' })).toBeInTheDocument();
  });

  it('does not say synthetic twice when the title says it', () => {
    const entry = { id: 'demo', title: 'Synthetic demo (GPT-2 tokens)', model: 'gpt2-xl' };
    expect(datasetLabel({ ...entry, synthetic: true })).toBe('Synthetic demo (GPT-2 tokens)');
    expect(datasetLabel({ ...entry, title: 'Toy', synthetic: true })).toBe('Toy (synthetic demo)');
  });
});

describe('jump box', () => {
  it('opens a neuron typed as L:N, keeping the dataset of the current URL', async () => {
    const { router } = renderApp('/d/demo');
    const box = await screen.findByRole('searchbox', { name: /go to neuron/i });
    await userEvent.type(box, '5:131{Enter}');
    expect(router.state.location.pathname).toBe('/d/demo/layers/5/neurons/131');
    await userEvent.type(box, '2/9{Enter}');
    expect(router.state.location.pathname).toBe('/d/demo/layers/2/neurons/9');
  });

  it('searches explanations for text that names no neuron', async () => {
    const { router } = renderApp('/d/demo/layers/1/neurons/2');
    await userEvent.type(
      await screen.findByRole('searchbox', { name: /go to neuron/i }),
      ' movies {Enter}',
    );
    expect(router.state.location.pathname).toBe('/d/demo');
    expect(router.state.location.search).toBe('?q=movies');
  });

  it('says what to type when there is nothing to search for', async () => {
    const { router } = renderApp('/');
    await userEvent.type(
      await screen.findByRole('searchbox', { name: /go to neuron/i }),
      '   {Enter}',
    );
    const form = screen.getByRole('search', { name: /go to a neuron/i });
    expect(within(form).getByRole('status')).toHaveTextContent(
      'Type words to search for, or a layer and a neuron, e.g. 5:131',
    );
    expect(router.state.location.pathname).toBe('/');
  });
});

describe('dark mode', () => {
  it('remembers an explicit choice and sets it on <html>', async () => {
    renderApp('/');
    const toggle = await screen.findByRole('button', { name: /dark mode/i });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(JSON.parse(localStorage.getItem(SETTINGS_STORAGE_KEY)!).state.theme).toBe('dark');
    // Back to what the system shows (light here): follow the system again.
    await userEvent.click(toggle);
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(useSettings.getState().theme).toBe('system');
  });
});

describe('routes', () => {
  it('shows a page for unknown addresses', async () => {
    renderApp('/nowhere');
    expect(await screen.findByRole('heading', { name: 'No such page' })).toBeInTheDocument();
  });
});
