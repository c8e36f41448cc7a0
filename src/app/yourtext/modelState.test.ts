import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GPT2_SHAPES } from '../../core/model/synthetic.ts';
import type { ExpectedModel, WeightsChoice } from '../../core/yourtext/model-source.ts';
import type { ModelProbe } from '../model/types.ts';

// The model worker, faked: what the store asks of it, and what it answers.
const worker = {
  probe: vi.fn(),
  load: vi.fn(),
  cancelLoad: vi.fn(),
};
vi.mock('../model/client.ts', () => ({ modelWorker: () => worker }));

const { statusFor, useModelState, useModelSettings } = await import('./modelState.ts');

const xl: ExpectedModel = { model: 'gpt2-xl', dataset: 'xl', layers: 48, neuronsPerLayer: 6400 };
const demo: ExpectedModel = { model: 'demo', dataset: 'demo', layers: 4, neuronsPerLayer: 32 };
const hf: WeightsChoice = {
  origin: 'public',
  base: 'https://huggingface.co/openai-community/gpt2-xl/resolve/main/',
  version: '',
  bytes: null,
};

const probe = (bytes: number, cached = false): ModelProbe => ({
  config: GPT2_SHAPES['gpt2-xl']!,
  bytes,
  fileDtypes: ['F32'],
  parameters: 1_557_611_200,
  storedBytes: bytes / 2,
  storage: 'F16',
  cached,
});

const loaded = { config: probe(1).config, from: 'network', kept: true, cacheKey: 'k', loadMs: 5 };

beforeEach(() => {
  useModelState.setState({ expected: null, status: { kind: 'idle' } });
});

afterEach(() => {
  vi.clearAllMocks();
});

describe('loading the dataset model', () => {
  it('asks before a large download, saying its size, and loads once confirmed', async () => {
    worker.probe.mockResolvedValue(probe(6_431_000_000));
    worker.load.mockResolvedValue(loaded);
    useModelState.getState().prepare(xl, hf);
    expect(useModelState.getState().status).toEqual({ kind: 'probing', label: 'huggingface.co' });
    await vi.waitFor(() => expect(useModelState.getState().status.kind).toBe('confirm'));
    expect(worker.load).not.toHaveBeenCalled();
    expect(worker.probe).toHaveBeenCalledWith(
      { kind: 'url', base: hf.base, version: '' },
      { dataset: 'xl', layers: 48, neuronsPerLayer: 6400 },
    );

    useModelState.getState().confirm();
    await vi.waitFor(() => expect(useModelState.getState().status.kind).toBe('ready'));
    expect(worker.load).toHaveBeenCalledTimes(1);
  });

  it("loads a small model, or the browser's copy of a large one, without asking", async () => {
    worker.probe.mockResolvedValueOnce(probe(13_000_000)).mockResolvedValueOnce(probe(6e9, true));
    worker.load.mockResolvedValue(loaded);
    useModelState.getState().prepare(xl, hf);
    await vi.waitFor(() => expect(useModelState.getState().status.kind).toBe('ready'));
    useModelState.getState().prepare(xl, hf);
    await vi.waitFor(() => expect(worker.load).toHaveBeenCalledTimes(2));
  });

  it('keeps a failure with a retry, and forgets an answer that came after a cancel', async () => {
    worker.probe.mockRejectedValueOnce(new Error('could not be fetched'));
    useModelState.getState().prepare(xl, hf);
    await vi.waitFor(() => expect(useModelState.getState().status.kind).toBe('error'));

    let answer: (value: ModelProbe) => void = () => {};
    worker.probe.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const status = useModelState.getState().status;
    if (status.kind !== 'error') throw new Error('expected an error');
    status.retry!();
    expect(useModelState.getState().status.kind).toBe('probing');
    useModelState.getState().cancel();
    answer(probe(1000));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(useModelState.getState().status).toEqual({ kind: 'idle' });
    expect(worker.load).not.toHaveBeenCalled();
  });

  it("is another dataset's model's status only for that model", () => {
    useModelState.setState({ expected: xl, status: { kind: 'probing', label: 'x' } });
    expect(statusFor(useModelState.getState(), xl).kind).toBe('probing');
    expect(statusFor(useModelState.getState(), demo)).toEqual({ kind: 'idle' });
  });
});

describe('the public address setting', () => {
  it('is remembered across visits, per model', () => {
    useModelSettings.getState().setPublicBase('gpt2-xl', 'https://mirror.example/xl/');
    const saved = JSON.parse(localStorage.getItem('neuron-explorer.model-settings')!);
    expect(saved.state.publicBase).toEqual({ 'gpt2-xl': 'https://mirror.example/xl/' });
    useModelSettings.getState().setPublicBase('gpt2-xl', null);
    expect(useModelSettings.getState().publicBase).toEqual({});
  });
});
