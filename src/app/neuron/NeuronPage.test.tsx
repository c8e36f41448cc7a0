import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeNetwork, renderApp, type FakeFile } from '../test-utils.tsx';
import { useSettings } from '../settings.ts';
import { manifestFixture, tinyDatasetFiles } from './fixtures.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
  useSettings.setState({ theme: 'system', simulationView: 'side-by-side' });
});

function open(path: string, overrides: Record<string, FakeFile> = {}) {
  const fetchMock = fakeNetwork({ ...tinyDatasetFiles(), ...overrides });
  return { ...renderApp(path), fetchMock };
}

const requested = (fetchMock: ReturnType<typeof fakeNetwork>) =>
  fetchMock.mock.calls.map(([url]) => String(url));

/** The top records are on screen. */
async function loaded() {
  return screen.findByRole('region', { name: /^Top-activating records/ });
}

/** Everything below the top records has rendered too (it comes just after the first paint). */
async function settled() {
  await loaded();
  // The test panel is a chunk of its own: its form is there once it has loaded.
  await screen.findByRole('textbox', { name: 'Explanation' }, { timeout: 4000 });
  return screen.findByRole('list', { name: 'Explanations, best first' });
}

describe('a neuron with every file', () => {
  it('puts the explanation, its score and the top records first, and links every section', async () => {
    open('/layers/1/neurons/2');
    await settled();
    const top = await loaded();
    const header = screen.getByRole('heading', { level: 1, name: 'Neuron 1:2' }).parentElement!;
    expect(header).toHaveTextContent('references to movies, characters, and entertainment');
    expect(header).toHaveTextContent('score 0.62');

    // The sections in page order: the top records come before everything else.
    const article = screen.getByRole('article');
    const order = within(article)
      .getAllByRole('heading', { level: 2 })
      .map((heading) => heading.textContent);
    expect(order).toEqual([
      'Top-activating records (7)',
      'Explanations',
      'Test an explanation',
      'Samples by quantile and at random',
      'Activations on your text',
      'Check the model',
      'Statistics',
      'Related tokens and neurons',
    ]);
    expect(
      within(top).getAllByRole('group', { name: /^Top-activating records, record/ }),
    ).toHaveLength(5);

    const links = within(screen.getByRole('navigation', { name: 'On this page' })).getAllByRole(
      'link',
    );
    // One link per section, in page order, by a short name.
    expect(links.map((link) => link.textContent)).toEqual([
      'Top records',
      'Explanations',
      'Test an explanation',
      'Samples',
      'Your text',
      'Check the model',
      'Statistics',
      'Related',
    ]);
    await userEvent.click(links.find((link) => link.textContent === 'Statistics')!);
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Statistics' }));
  });

  it('shows explanations best first, records, statistics and related neurons', async () => {
    open('/layers/1/neurons/2');
    const list = await settled();
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      expect.stringMatching(/references to movies.*score 0\.62/),
      expect.stringMatching(/films in general.*score 0\.31/),
      expect.stringMatching(/nothing in particular.*score n\/a/),
    ]);
    const explanations = screen.getByRole('region', { name: 'Explanations' });
    // The best explanation's two sequences, real and simulated side by side.
    expect(within(explanations).getAllByRole('group', { name: /real activations$/ })).toHaveLength(
      2,
    );
    expect(
      within(explanations).getAllByRole('group', { name: /, simulated activations$/ }),
    ).toHaveLength(2);

    const samples = screen.getByRole('region', { name: 'Samples by quantile and at random' });
    expect(within(samples).getByText('activations above 2.5')).toBeInTheDocument();
    expect(
      within(samples).getByRole('heading', { name: 'Random records (4)' }),
    ).toBeInTheDocument();

    const statistics = screen.getByRole('region', { name: 'Statistics' });
    expect((await within(statistics).findByText('Kurtosis')).nextSibling).toHaveTextContent('190');
    expect(
      within(statistics).getByRole('img', { name: /Histogram of \d+ token activations/ }),
    ).toBeInTheDocument();

    const related = screen.getByRole('region', { name: 'Related tokens and neurons' });
    expect((await within(related).findByText('·Marvel')).nextSibling).toHaveTextContent('3.1');
    expect(within(related).getByText('·soup')).toBeInTheDocument();
    const upstream = within(related).getByRole('region', { name: /Upstream neurons/ });
    const link = within(upstream).getByRole('link', { name: '0:3' });
    expect(link).toHaveAttribute('href', '/layers/0/neurons/3');
    // Explanations of related neurons come from the layer indexes, read by the browse engine.
    await waitFor(() => expect(upstream).toHaveTextContent('the word "film"'));
    expect(upstream).toHaveTextContent('score 0.81');
    expect(upstream).toHaveTextContent('no explanation'); // 0:4 is in the index unexplained
    const downstream = within(related).getByRole('region', { name: /Downstream neurons/ });
    expect(downstream).toHaveTextContent('None in the file.');
  });

  it('reads explanations with a space after their number, in copied and spoken text', async () => {
    open('/layers/1/neurons/2');
    const list = await settled();
    const first = within(list).getAllByRole('listitem')[0]!;
    expect(first.querySelector('p')!.textContent).toBe(
      '1. references to movies, characters, and entertainment',
    );
  });

  it('shows a token’s value on hover and on keyboard focus; a click pins it', async () => {
    open('/layers/1/neurons/2');
    const records = await loaded();
    const first = within(records).getAllByRole('group')[0]!;
    const marvel = within(first).getByText('Marvel');
    fireEvent.pointerOver(marvel);
    const tooltip = await screen.findByRole('tooltip');
    expect(tooltip).toHaveTextContent('·Marvel');
    expect(tooltip).toHaveTextContent('activation4');

    fireEvent.click(marvel);
    expect(tooltip).toHaveTextContent('Pinned');
    fireEvent.pointerOver(within(first).getByText('The'));
    expect(tooltip).toHaveTextContent('·Marvel'); // pinned stays
    fireEvent.keyDown(document, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('tooltip')).not.toBeInTheDocument());

    const tokens = first.querySelectorAll<HTMLElement>('[data-i]');
    tokens[0]!.focus();
    expect(await screen.findByRole('tooltip')).toHaveTextContent('·The');
    expect(tokens[0]).toHaveAttribute('aria-describedby', screen.getByRole('tooltip').id);
    await userEvent.keyboard('{ArrowRight}{ArrowRight}');
    expect(document.activeElement).toBe(tokens[2]);
    expect(screen.getByRole('tooltip')).toHaveTextContent('·Marvel');
    expect(tokens[2]).toHaveAttribute('tabindex', '0');
    expect(tokens[0]).not.toHaveAttribute('tabindex');
    await userEvent.keyboard('{End}');
    expect(screen.getByRole('tooltip')).toHaveTextContent('↵');
  });

  it('keeps view choices in the URL and remembers the overlay choice', async () => {
    const { router } = open('/layers/1/neurons/2');
    await settled();
    await userEvent.click(screen.getByRole('button', { name: 'Overlay' }));
    expect(router.state.location.search).toContain('view=overlay');
    expect(useSettings.getState().simulationView).toBe('overlay');
    expect(
      screen.getAllByRole('group', { name: /, real and simulated activations$/ }),
    ).toHaveLength(2);

    await userEvent.click(screen.getByRole('button', { name: 'Show all 7' }));
    expect(router.state.location.search).toContain('expand=top');
    const top = screen.getByRole('region', { name: /^Top-activating records/ });
    await waitFor(() => expect(within(top).getAllByRole('group')).toHaveLength(7));

    // The URL numbers explanations as the page labels them.
    await userEvent.click(screen.getByRole('button', { name: /explanation 2$/ }));
    expect(router.state.location.search).toContain('explanation=2');
    await waitFor(() =>
      expect(
        screen.getByRole('heading', { name: /Real vs simulated activations/ }),
      ).toHaveTextContent('(explanation 2)'),
    );
    expect(
      screen.getAllByRole('group', { name: /, real and simulated activations$/ }),
    ).toHaveLength(1);
    expect(screen.getByText(/bar full at 10 on the 0–10 scale/)).toBeInTheDocument();
  });

  it('opens a link with view state as it was copied', async () => {
    open('/d/tiny/layers/1/neurons/2?explanation=2&view=side-by-side&expand=random');
    await settled();
    expect(
      screen.getByRole('group', { name: /, simulated activations \(0–10 scale\)$/ }),
    ).toBeInTheDocument();
    const random = screen.getByRole('region', { name: /Random records/ });
    expect(within(random).getAllByRole('group')).toHaveLength(4);
    expect(screen.getByRole('button', { name: 'Show fewer' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
  });
});

describe('addresses', () => {
  it('reads leading zeros as the decimal they write, and shows the canonical address', async () => {
    const { router } = open('/layers/01/neurons/002?view=overlay');
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Neuron 1:2' }),
    ).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/layers/1/neurons/2');
    expect(router.state.location.search).toBe('?view=overlay');
  });
});

describe('navigation', () => {
  it('moves by arrow keys, but not while typing', async () => {
    const { router } = open('/layers/1/neurons/2?view=overlay&explanation=2');
    await loaded();
    await userEvent.keyboard('{ArrowRight}');
    expect(router.state.location.pathname).toBe('/layers/1/neurons/3');
    expect(router.state.location.search).toBe('?view=overlay');
    await userEvent.keyboard('{ArrowUp}');
    expect(router.state.location.pathname).toBe('/layers/0/neurons/3');
    await userEvent.keyboard('{ArrowUp}'); // no layer above 0: stays
    expect(router.state.location.pathname).toBe('/layers/0/neurons/3');

    await userEvent.click(screen.getByRole('searchbox'));
    await userEvent.keyboard('{ArrowLeft}');
    expect(router.state.location.pathname).toBe('/layers/0/neurons/3');
  });

  it('keeps a comparison and the view when stepping, not the explanation or a test', async () => {
    const { router } = open(
      '/layers/1/neurons/2?vs=other&view=overlay&explanation=2&test=cats&scorers=fuzzing',
    );
    await loaded();
    const next = await screen.findByRole('link', { name: 'Next neuron: 1:3' });
    expect(next.getAttribute('href')).toBe('/layers/1/neurons/3?vs=other&view=overlay');
    await userEvent.keyboard('{ArrowRight}');
    expect(router.state.location.pathname).toBe('/layers/1/neurons/3');
    expect(router.state.location.search).toBe('?vs=other&view=overlay');
    await userEvent.keyboard('{ArrowDown}');
    expect(router.state.location.search).toBe('?vs=other&view=overlay');
  });

  it('steps to the next and previous explained neuron, and to neurons with records', async () => {
    // Layer 0 lists 3 (explained) and 4 (records only); layer 1 lists 2 (both) and 5 (explained).
    const { router } = open('/layers/0/neurons/0');
    await screen.findByRole('heading', { level: 1, name: 'Neuron 0:0' });
    // The layer indexes come from the browse engine, loaded after the first paint.
    const at = async (path: string) =>
      waitFor(() => expect(router.state.location.pathname).toBe(path), { timeout: 4000 });
    await userEvent.keyboard('{Shift>}{ArrowRight}{/Shift}');
    await at('/layers/0/neurons/3');
    await userEvent.keyboard('{Shift>}{ArrowRight}{/Shift}');
    await at('/layers/1/neurons/2');
    await userEvent.keyboard('{Shift>}{ArrowLeft}{/Shift}');
    await at('/layers/0/neurons/3');
    await userEvent.keyboard(']');
    await at('/layers/0/neurons/4');
    await userEvent.keyboard(']');
    await at('/layers/1/neurons/2');
    await userEvent.keyboard(']');
    expect(
      await screen.findByText('No next neuron with records after 1:2.', {}, { timeout: 4000 }),
    ).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/layers/1/neurons/2');

    // The buttons say where they lead once this layer's index is in.
    expect(
      await screen.findByRole('button', { name: 'Next explained neuron: 1:5' }, { timeout: 4000 }),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Previous neuron with records: 0:4' }),
    );
    await at('/layers/0/neurons/4');
  }, 30_000);

  it('prefetches the next neuron’s files', async () => {
    const { fetchMock } = open('/layers/1/neurons/2');
    await loaded();
    await waitFor(() =>
      expect(requested(fetchMock)).toContain('datasets/tiny/explanations/1/3.jsonl'),
    );
  });

  it('opens a random explained neuron', async () => {
    const { router } = open('/layers/1/neurons/2');
    await loaded();
    await userEvent.click(screen.getByRole('button', { name: 'Random neuron' }));
    await waitFor(() => expect(router.state.location.pathname).not.toBe('/layers/1/neurons/2'));
    expect(['/layers/0/neurons/3', '/layers/1/neurons/5']).toContain(
      router.state.location.pathname,
    );
  });
});

describe('missing and failing data', () => {
  it('says what a neuron without files lacks', async () => {
    open('/layers/1/neurons/5');
    expect(
      await screen.findByText('No activation records for this neuron in this dataset.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No explanation for this neuron in this dataset.'),
    ).toBeInTheDocument();
    expect(await screen.findByText('No activation records, so no statistics.')).toBeInTheDocument();
    expect(
      await screen.findByText('No activation-based token file for this neuron.'),
    ).toBeInTheDocument();
    expect(await screen.findByText('No related-neurons file for this neuron.')).toBeInTheDocument();
  });

  it('names a file that failed and retries it', async () => {
    const files: Record<string, FakeFile> = {
      ...tinyDatasetFiles(),
      'datasets/tiny/explanations/1/2.jsonl': { text: '{"neuron_id": ' },
      'datasets/tiny/collated-activations/1/2.json': { text: '{"neuron_id": ' },
    };
    fakeNetwork(files);
    renderApp('/layers/1/neurons/2');
    const records = await loaded();
    expect(await within(records).findByRole('alert')).toHaveTextContent(
      'Could not load collated-activations/1/2.json',
    );
    await waitFor(() =>
      expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toContainEqual(
        expect.stringContaining('Could not load explanations/1/2.jsonl'),
      ),
    );
    const explanations = screen.getByRole('region', { name: 'Explanations' });
    expect(within(explanations).getByRole('alert')).toHaveTextContent(
      'Could not load explanations/1/2.jsonl',
    );
    files['datasets/tiny/explanations/1/2.jsonl'] =
      tinyDatasetFiles()['datasets/tiny/explanations/1/2.jsonl'];
    await userEvent.click(within(explanations).getByRole('button', { name: 'Retry' }));
    expect(await within(explanations).findByText(/references to movies/)).toBeInTheDocument();
  });

  it('passes over a layer whose index cannot be read, and says so', async () => {
    // A manifest of its own (another ingest): the session's layer store starts afresh for it.
    const { router } = open('/layers/1/neurons/2', {
      'datasets/tiny/manifest.json': { ...manifestFixture, createdAt: '2026-02-02T00:00:00Z' },
      'datasets/tiny/index/layer-1.abcdef12.json': { status: 500 },
    });
    await loaded();
    // A random explained neuron comes from the layers that can be read: 0:3 is layer 0's one.
    await userEvent.click(screen.getByRole('button', { name: 'Random neuron' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/layers/0/neurons/3'), {
      timeout: 6000,
    });
    await screen.findByRole('heading', { level: 1, name: 'Neuron 0:3' });
    await userEvent.keyboard('{Shift>}{ArrowRight}{/Shift}');
    expect(
      await screen.findByText(
        /^No next explained neuron after 0:3 \(layer 1's index could not be read \(.*HTTP 500.*\)\)\.$/,
        {},
        { timeout: 6000 },
      ),
    ).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/layers/0/neurons/3');
  }, 20_000);

  it('gives a neuron outside the dataset a page with a way on', async () => {
    open('/layers/9/neurons/0');
    expect(
      await screen.findByRole('heading', { name: 'No neuron 9:0 in Tiny' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('This dataset has layers 0 to 1, each with neurons 0 to 7.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open neuron 1:0 instead' })).toHaveAttribute(
      'href',
      '/layers/1/neurons/0',
    );
    cleanup();
    open('/layers/1/neurons/8');
    expect(
      await screen.findByRole('link', { name: 'Open neuron 1:7 instead' }),
    ).toBeInTheDocument();
  });

  it('names a dataset the server does not have at once, without asking for its files', async () => {
    const { fetchMock } = open('/d/nope/layers/1/neurons/2');
    expect(await screen.findByRole('heading', { name: 'No dataset “nope”' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Tiny' })).toHaveAttribute('href', '/d/tiny');
    expect(screen.queryByText(/HTTP 404/)).not.toBeInTheDocument();
    // The loader asked for the manifest once; a 404 is not retried.
    expect(
      requested(fetchMock).filter((url) => url === 'datasets/nope/manifest.json'),
    ).toHaveLength(1);
  });
});
