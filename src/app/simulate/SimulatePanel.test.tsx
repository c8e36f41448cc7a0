import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { fakeNetwork, renderApp, testQueryClient } from '../test-utils.tsx';
import { tinyDatasetFiles } from '../neuron/fixtures.ts';
import { activationColorScale } from '../visuals/colorScale.ts';
import { TokenTooltipLayer } from '../visuals/TokenTooltipLayer.tsx';
import {
  explainResult,
  fakeApi,
  jsonError,
  publishedFixture,
  recordsResult,
  textsResult,
  upstreamError,
  type ApiCall,
} from './fixtures.ts';
import { SimulatePanel, type SimulatePanelProps } from './SimulatePanel.tsx';

const PUBLISHED = 'references to movies, characters, and entertainment';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderPanel(path = '/d/tiny/layers/1/neurons/2', props: Partial<SimulatePanelProps> = {}) {
  const scale = activationColorScale({ min: -0.3, max: 4 }, 'light');
  const router = createMemoryRouter(
    [
      {
        path: '/d/:dataset/layers/:layer/neurons/:neuron',
        element: (
          <TokenTooltipLayer>
            <SimulatePanel
              dataset="tiny"
              layer={1}
              neuron={2}
              published={publishedFixture}
              hasRecords
              scale={scale}
              view="side-by-side"
              onView={() => {}}
              {...props}
            />
          </TokenTooltipLayer>
        ),
      },
    ],
    { initialEntries: [path] },
  );
  const client = testQueryClient();
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, client, search: () => new URLSearchParams(router.state.location.search) };
}

const explanationBox = () => screen.getByRole('textbox', { name: 'Explanation' });
const runButton = () => screen.getByRole('button', { name: 'Run simulation' });
const liveStatus = () =>
  screen.getAllByRole('status').find((element) => element.className === 'visually-hidden')!;

/** Waits until the server is known to be there (the buttons turn on). */
async function online() {
  await waitFor(() => expect(runButton()).toBeEnabled());
}

async function nextCall(calls: ApiCall[], count: number): Promise<ApiCall> {
  await waitFor(() => expect(calls).toHaveLength(count));
  return calls[count - 1]!;
}

async function typeExplanation(text: string) {
  await userEvent.clear(explanationBox());
  await userEvent.type(explanationBox(), text);
}

describe('testing an explanation', () => {
  it('starts from the published explanation, streams progress, then shows scores and heatmaps', async () => {
    const { calls } = fakeApi();
    const { search } = renderPanel();
    expect(explanationBox()).toHaveValue(PUBLISHED);
    expect(screen.getByText(`${PUBLISHED.length} / 500 characters`)).toBeInTheDocument();
    await online();
    expect(screen.getByText('baseline simulator')).toBeInTheDocument();

    await typeExplanation('films and Marvel');
    await userEvent.click(runButton());
    const call = await nextCall(calls, 1);
    expect(call.path).toBe('api/simulate');
    expect(call.headers.get('accept')).toBe('text/event-stream');
    expect(call.body).toEqual({
      dataset: 'tiny',
      layer: 1,
      neuron: 2,
      explanation: 'films and Marvel',
    });
    expect(search().get('test')).toBe('films and Marvel');

    // Progress, record by record, on screen and announced.
    await screen.findByText('Simulating the held-out records…');
    expect(runButton()).toHaveAttribute('aria-disabled', 'true');
    // A second press while it runs starts nothing.
    await userEvent.click(runButton());
    act(() =>
      call.stream.send({
        event: 'progress',
        data: { done: 1, total: 4, record: { kind: 'top', index: 2 } },
      }),
    );
    await screen.findByText('1 of 4 records simulated (latest: top-activating record 3)', {
      selector: 'p',
    });
    expect(liveStatus()).toHaveTextContent('1 of 4 records simulated');
    expect(screen.getByRole('progressbar')).toHaveAttribute('value', '1');
    act(() =>
      call.stream.send({
        event: 'progress',
        data: { done: 2, total: 4, record: { kind: 'random', index: 1 } },
      }),
    );
    await screen.findByText('2 of 4 records simulated (latest: random record 2)', {
      selector: 'p',
    });
    act(() =>
      call.stream.send({
        event: 'progress',
        data: { done: 3, total: 4, record: { kind: 'top', index: 1, purpose: 'calibration' } },
      }),
    );
    await screen.findByText(
      '3 of 4 records simulated (latest: top-activating record 2, for calibration)',
      { selector: 'p' },
    );
    const finished = within(screen.getByRole('list', { name: 'Records simulated so far' }));
    expect(finished.getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Top-activating record 3',
      'Random record 2',
      'Top-activating record 2 · calibration',
    ]);

    act(() => {
      call.stream.send({ event: 'result', data: recordsResult('films and Marvel') });
      call.stream.close();
    });
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/This explanation\s*0\.43\s*0\.12\s*−0\.06/);
    expect(rows[2]).toHaveTextContent(
      /Published explanation.*references to movies.*0\.62\s*0\.35\s*0\.30/,
    );
    expect(screen.getByText('Simulated just now')).toBeInTheDocument();
    expect(screen.getByText(/Simulated by/)).toHaveTextContent(
      'Simulated by the baseline simulator (offline word matching, not a language model)',
    );
    expect(liveStatus()).toHaveTextContent('Done: correlation score 0.43.');
    // Real vs simulated for each scored record, on the shared visuals.
    expect(
      screen.getByRole('group', { name: 'Top-activating record 3, real activations' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: 'Random record 2, simulated activations' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Share link' })).toHaveValue(
      `${window.location.origin}${window.location.pathname}#/d/tiny/layers/1/neurons/2?test=films+and+Marvel`,
    );
    expect(runButton()).not.toHaveAttribute('aria-disabled');
    expect(calls).toHaveLength(1);
  });

  it('runs a shared link by itself and says the result came from the cache', async () => {
    const { calls } = fakeApi();
    renderPanel('/d/tiny/layers/1/neurons/2?test=films+and+Marvel');
    expect(explanationBox()).toHaveValue('films and Marvel');
    const call = await nextCall(calls, 1);
    expect(call.body).toMatchObject({ explanation: 'films and Marvel' });
    act(() => {
      call.stream.send({
        event: 'result',
        data: recordsResult('films and Marvel', { cached: true }),
      });
      call.stream.close();
    });
    expect(await screen.findByText('From the server’s cache')).toBeInTheDocument();
    expect(screen.getByRole('table')).toHaveTextContent('0.43');
  });

  it('submits with Ctrl+Enter from the explanation', async () => {
    const { calls } = fakeApi();
    renderPanel();
    await online();
    await userEvent.type(explanationBox(), '{Control>}{Enter}{/Control}');
    expect((await nextCall(calls, 1)).body).toMatchObject({ explanation: PUBLISHED });
  });

  it('cancels a run: the request is aborted and nothing is scored', async () => {
    const { calls } = fakeApi();
    const { search } = renderPanel();
    await online();
    await userEvent.click(runButton());
    const call = await nextCall(calls, 1);
    act(() =>
      call.stream.send({
        event: 'progress',
        data: { done: 1, total: 4, record: { kind: 'top', index: 2 } },
      }),
    );
    await screen.findByText(/1 of 4 records simulated/, { selector: 'p' });
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(call.signal?.aborted).toBe(true);
    expect(
      await screen.findByText('Cancelled: nothing was scored.', { selector: 'p' }),
    ).toBeInTheDocument();
    expect(search().get('test')).toBeNull();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(runButton()).toHaveFocus();
    expect(calls).toHaveLength(1);
    expect(runButton()).not.toHaveAttribute('aria-disabled');
  });
});

describe('failures', () => {
  it('shows an upstream failure mid-stream with no score, and a retry that succeeds', async () => {
    const { calls } = fakeApi();
    renderPanel('/d/tiny/layers/1/neurons/2?test=films');
    const first = await nextCall(calls, 1);
    act(() => {
      first.stream.send({
        event: 'progress',
        data: { done: 1, total: 4, record: { kind: 'top', index: 2 } },
      });
      first.stream.send({ event: 'error', data: upstreamError });
      first.stream.close();
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The language model server failed');
    expect(alert).toHaveTextContent(
      'Scoring the explanation failed: The LLM server answered HTTP 500 three times.',
    );
    expect(alert).toHaveTextContent('No score was produced.');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();

    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    const second = await nextCall(calls, 2);
    act(() => {
      second.stream.send({ event: 'result', data: recordsResult('films') });
      second.stream.close();
    });
    expect(await screen.findByRole('table')).toHaveTextContent('0.43');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('holds the retry back for the Retry-After of a 429', async () => {
    fakeApi({
      answer: () =>
        jsonError(
          429,
          {
            code: 'rate_limited',
            message:
              'Too many requests from this client: at most 30 simulations per 60 s. Try again in 2 s.',
            retryable: true,
          },
          { 'retry-after': '2' },
        ),
    });
    renderPanel('/d/tiny/layers/1/neurons/2?test=films');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Too many simulations: rate limit reached');
    expect(alert).toHaveTextContent('HTTP 429');
    expect(alert).toHaveTextContent(/wait [12] s before trying again/);
    expect(within(alert).getByRole('button', { name: /Retry in [12] s/ })).toBeDisabled();
    await waitFor(
      () => expect(within(alert).getByRole('button', { name: 'Retry' })).toBeEnabled(),
      {
        timeout: 4000,
      },
    );
  });

  it.each([
    [
      {
        code: 'upstream_format',
        message: 'The simulator’s answer could not be read (line 3: token “ cat” expected).',
        retryable: true,
      } as const,
      'The language model answered in the wrong format',
    ],
    [
      { code: 'timeout', message: 'Stopped after 180 s.', retryable: true } as const,
      'The simulation took too long (timeout)',
    ],
    [
      {
        code: 'dataset_file',
        message: 'collated-activations/1/2.json: line 1: not JSON.',
        retryable: false,
      } as const,
      'A dataset file is broken',
    ],
  ])('names a %j failure', async (error, title) => {
    const { calls } = fakeApi();
    renderPanel('/d/tiny/layers/1/neurons/2?test=films');
    const call = await nextCall(calls, 1);
    act(() => {
      call.stream.send({ event: 'error', data: error });
      call.stream.close();
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(title);
    expect(alert).toHaveTextContent(error.message);
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeEnabled();
  });

  it('says when the server cannot be reached or ends the stream without a result', async () => {
    const { calls } = fakeApi();
    renderPanel('/d/tiny/layers/1/neurons/2?test=films');
    const call = await nextCall(calls, 1);
    act(() => call.stream.close());
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The server’s answer could not be read',
    );
    expect(screen.getByRole('alert')).toHaveTextContent('ended the stream without a result');
    cleanup();

    fakeApi({ answer: () => Promise.reject(new TypeError('Failed to fetch')) as never });
    vi.mocked(fetch).mockImplementation(async (input) => {
      if (String(input) === 'api/health') return new Response('{"status":"ok"}');
      throw new TypeError('Failed to fetch');
    });
    renderPanel('/d/tiny/layers/1/neurons/2?test=films');
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not reach the server');
  });

  it('points at the field of a validation error from the server', async () => {
    fakeApi({
      answer: () =>
        jsonError(400, {
          code: 'invalid_request',
          message: 'texts.1: a text must be at most 64 tokens (it has 80)',
          field: 'texts.1',
          retryable: false,
        }),
    });
    renderPanel('/d/tiny/layers/1/neurons/2?test=films&text=A+cat.&text=A+very+long+text');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The request was refused');
    expect(alert).toHaveTextContent('The field at fault: text 2.');
    await userEvent.click(within(alert).getByRole('button', { name: 'Edit text 2' }));
    expect(screen.getByRole('textbox', { name: 'Your texts, one per line' })).toHaveFocus();
  });
});

describe('validation before sending', () => {
  it('refuses an empty explanation, naming the field, without a request', async () => {
    const { calls } = fakeApi();
    renderPanel();
    await online();
    await userEvent.clear(explanationBox());
    expect(screen.getByText('0 / 500 characters')).toBeInTheDocument();
    await userEvent.click(runButton());
    expect(screen.getByText('Explanation: must not be empty.')).toBeInTheDocument();
    expect(explanationBox()).toHaveAttribute('aria-invalid', 'true');
    expect(explanationBox()).toHaveFocus();
    expect(calls).toHaveLength(0);
  });

  it('counts characters live and says how far over the limit an explanation is', async () => {
    fakeApi();
    renderPanel(`/d/tiny/layers/1/neurons/2?test=${'a'.repeat(503)}`);
    expect(screen.getByText('503 / 500 characters')).toBeInTheDocument();
    expect(
      screen.getByText('The explanation is 3 characters too long: at most 500.'),
    ).toBeInTheDocument();
    expect(explanationBox()).toHaveAccessibleDescription(
      /503 \/ 500 characters.*3 characters too long/,
    );
    await userEvent.type(explanationBox(), '{Backspace}{Backspace}{Backspace}');
    expect(screen.getByText('500 / 500 characters')).toBeInTheDocument();
    expect(screen.queryByText(/too long/)).not.toBeInTheDocument();
  });

  it('allows at most 8 texts of the user’s own', async () => {
    const { calls } = fakeApi();
    renderPanel();
    await online();
    await userEvent.click(screen.getByRole('radio', { name: /texts of my own/ }));
    const textsBox = screen.getByRole('textbox', { name: 'Your texts, one per line' });
    await userEvent.type(
      textsBox,
      Array.from({ length: 9 }, (_, i) => `Text ${i}`).join('{Enter}'),
    );
    expect(screen.getByText('9 of 8.')).toBeInTheDocument();
    expect(screen.getByText('Your texts: at most 8 texts.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Simulate my texts' }));
    expect(calls).toHaveLength(0);
  });
});

describe('texts of the user’s own', () => {
  it('simulates them without a score', async () => {
    const { calls } = fakeApi();
    const { search } = renderPanel();
    await online();
    await userEvent.click(screen.getByRole('radio', { name: /texts of my own/ }));
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Your texts, one per line' }),
      'I saw a film.{Enter}{Enter}Soup is hot.',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Simulate my texts' }));
    const call = await nextCall(calls, 1);
    expect(call.body).toEqual({
      dataset: 'tiny',
      layer: 1,
      neuron: 2,
      explanation: PUBLISHED,
      texts: ['I saw a film.', 'Soup is hot.'],
    });
    expect(search().getAll('text')).toEqual(['I saw a film.', 'Soup is hot.']);
    act(() => {
      call.stream.send({
        event: 'progress',
        data: { done: 1, total: 2, record: { kind: 'text', index: 1 } },
      });
    });
    await screen.findByText('1 of 2 texts simulated (latest: text 2)', { selector: 'p' });
    act(() => {
      call.stream.send({
        event: 'result',
        data: textsResult(PUBLISHED, [
          ['I', ' saw', ' a', ' film', '.'],
          ['Soup', ' is', ' hot', '.'],
        ]),
      });
      call.stream.close();
    });
    expect(
      await screen.findByRole('heading', { name: 'Your texts, simulated' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: 'Text 2, simulated activations (0–10 scale)' }),
    ).toHaveTextContent('Soup is hot.');
    expect(screen.queryByRole('group', { name: /real activations/ })).not.toBeInTheDocument();
    expect((screen.getByRole('textbox', { name: 'Share link' }) as HTMLInputElement).value).toMatch(
      /#\/d\/tiny\/layers\/1\/neurons\/2\?test=references.*&text=I\+saw\+a\+film\.&text=Soup\+is\+hot\.$/,
    );
  });

  it('is the only choice for a neuron without records', async () => {
    fakeApi();
    renderPanel(undefined, { hasRecords: false });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Simulate my texts' })).toBeEnabled(),
    );
    expect(screen.getByRole('radio', { name: /held-out records/ })).toBeDisabled();
    expect(screen.getByRole('radio', { name: /texts of my own/ })).toBeChecked();
    expect(screen.getByRole('button', { name: 'Explain this neuron' })).toBeDisabled();
    expect(screen.getByText(/no activation records for this neuron/)).toBeInTheDocument();
  });
});

describe('explaining the neuron', () => {
  it('shows the explanation written, its scores, and puts it in the form and the link', async () => {
    const { calls } = fakeApi();
    const { search } = renderPanel();
    await online();
    await userEvent.click(screen.getByRole('button', { name: 'Explain this neuron' }));
    const call = await nextCall(calls, 1);
    expect(call.path).toBe('api/explain');
    expect(call.body).toEqual({ dataset: 'tiny', layer: 1, neuron: 2 });
    await screen.findByText('Writing an explanation with the baseline explainer…');
    act(() =>
      call.stream.send({
        event: 'explanation',
        data: { explanation: 'Marvel films', explainer: { id: 'baseline', model: 'baseline' } },
      }),
    );
    await screen.findByText('Scoring the explanation it wrote…');
    expect(screen.getByText('Marvel films')).toBeInTheDocument();
    act(() => {
      call.stream.send({
        event: 'progress',
        data: { done: 1, total: 4, record: { kind: 'top', index: 2 } },
      });
      call.stream.send({ event: 'result', data: explainResult('Marvel films') });
      call.stream.close();
    });
    expect(await screen.findByRole('table')).toHaveTextContent('0.43');
    expect(screen.getByText(/Explanation written by/)).toHaveTextContent(
      'Explanation written by the baseline explainer',
    );
    expect(explanationBox()).toHaveValue('Marvel films');
    expect(search().get('test')).toBe('Marvel films');
    // The result is shown as it came: testing it again needs no second request.
    expect(calls).toHaveLength(1);
  });

  it('shows a failure of the explainer with a retry', async () => {
    const { calls } = fakeApi();
    renderPanel();
    await online();
    await userEvent.click(screen.getByRole('button', { name: 'Explain this neuron' }));
    const call = await nextCall(calls, 1);
    act(() => {
      call.stream.send({
        event: 'error',
        data: {
          code: 'upstream_format',
          message: 'The explainer’s answer could not be read (empty); try again.',
          retryable: true,
        },
      });
      call.stream.close();
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Writing an explanation failed');
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect((await nextCall(calls, 2)).path).toBe('api/explain');
  });
});

describe('on a static host (no server)', () => {
  it('says the server is needed, turns the buttons off and runs nothing from a link', async () => {
    const { fetchMock } = fakeApi({ health: undefined });
    renderPanel('/d/tiny/layers/1/neurons/2?test=films');
    expect(
      await screen.findByText(/Simulating needs the Neuron Explorer server/),
    ).toBeInTheDocument();
    expect(runButton()).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Explain this neuron' })).toBeDisabled();
    expect(screen.getByText(/This link asks to test/)).toHaveTextContent('films');
    expect(fetchMock.mock.calls.map(([url]) => String(url))).toEqual(['api/health']);
  });
});

describe('on the neuron page', () => {
  it('sits on the page, filled with the best published explanation', async () => {
    fakeNetwork(tinyDatasetFiles());
    renderApp('/layers/1/neurons/2');
    // The panel comes just after the page's first paint, in a chunk of its own.
    await screen.findByRole('textbox', { name: 'Explanation' }, { timeout: 4000 });
    const panel = screen.getByRole('region', { name: 'Test an explanation' });
    await waitFor(() =>
      expect(within(panel).getByRole('textbox', { name: 'Explanation' })).toHaveValue(PUBLISHED),
    );
    expect(
      await within(panel).findByText(/Simulating needs the Neuron Explorer server/),
    ).toBeInTheDocument();
  });
});
