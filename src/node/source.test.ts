import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openManifestSource, openSource, SourceReadError, UnsafePathError } from './source.ts';

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'source-test-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('a local folder source', () => {
  const root = folder({
    'explanations/0/3.jsonl': 'three',
    'explanations/0/10.jsonl': 'ten',
    'explanations/0/notes.txt': 'ignored',
    'explanations/2/0.jsonl': 'zero',
    'collated-activations/1/5.json': 'five',
    'explanations/x/1.jsonl': 'not a layer',
    'secret.txt': 'do not serve',
  });
  const source = openSource(root);

  it('lists layers, neurons and kinds from the folder', async () => {
    expect(source.kind).toBe('local');
    expect(source.location).toBe(root);
    expect(await source.fileKinds()).toEqual(['explanations', 'collated-activations']);
    expect(await source.listLayers()).toEqual([0, 1, 2]);
    expect(await source.listNeurons('explanations', 0)).toEqual([3, 10]);
    expect(await source.listNeurons('explanations', 7)).toEqual([]);
    // No model preset for a folder named like this: the largest listed neuron decides.
    expect(await source.neuronsPerLayer(0)).toBe(11);
  });

  it('reads files, with null for a missing one', async () => {
    expect(await source.readNeuronFile('explanations', 0, 10)).toBe('ten');
    expect(await source.readPath('collated-activations/1/5.json')).toBe('five');
    expect(await source.readNeuronFile('explanations', 0, 4)).toBeNull();
    expect(await source.readPath('related-neurons/weight-based/0/3.json')).toBeNull();
  });

  it('refuses anything but the five per-neuron path shapes', async () => {
    for (const path of [
      '../secret.txt',
      'secret.txt',
      'explanations/0/../../secret.txt',
      'explanations/00/3.jsonl',
      'explanations/0/3.json',
      `${root}/explanations/0/3.jsonl`,
    ]) {
      await expect(source.readPath(path)).rejects.toBeInstanceOf(UnsafePathError);
    }
    await expect(source.readNeuronFile('explanations', -1, 3)).rejects.toBeInstanceOf(
      UnsafePathError,
    );
    await expect(source.readNeuronFile('explanations', 0, 1.5)).rejects.toBeInstanceOf(
      UnsafePathError,
    );
  });

  it('takes the shape of a known model from its name or the folder name', async () => {
    expect(await openSource(root, { model: 'gpt2-small' }).neuronsPerLayer(0)).toBe(3072);
    const named = folder({});
    const xl = join(named, 'gpt2-xl');
    mkdirSync(xl);
    expect(openSource(xl).preset?.model).toBe('gpt2-xl');
  });

  it('resolves a manifest source of "." to the dataset folder', async () => {
    const inFolder = openManifestSource(root, '.');
    expect(inFolder.location).toBe(root);
    expect(await inFolder.readNeuronFile('explanations', 2, 0)).toBe('zero');
  });
});

interface Call {
  url: string;
  at: number;
}

/** A fetch that answers from a script of responses per URL, recording the calls. */
function scriptedFetch(script: Record<string, (() => Response)[]>) {
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchImpl = (async (input: string | URL | Request) => {
    const url = String(input);
    calls.push({ url, at: Date.now() });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight -= 1;
    const answers = script[url];
    const answer = answers?.shift();
    if (!answer) return new Response('not here', { status: 404 });
    return answer();
  }) as typeof fetch;
  return { fetchImpl, calls, maxInFlight: () => maxInFlight };
}

const BASE = 'https://example.test/data/';

describe('an http(s) source', () => {
  it('retries 503 and 429 with backoff, honouring Retry-After, and treats 404 as missing', async () => {
    const url = `${BASE}explanations/1/2.jsonl`;
    const script = scriptedFetch({
      [url]: [
        () => new Response('busy', { status: 503 }),
        () => new Response('slow down', { status: 429, headers: { 'retry-after': '0.2' } }),
        () => new Response('{"ok": 1}', { status: 200 }),
      ],
    });
    const source = openSource(BASE, {
      model: 'gpt2-xl',
      fetch: script.fetchImpl,
      retryDelayMs: 10,
    });
    expect(await source.readNeuronFile('explanations', 1, 2)).toBe('{"ok": 1}');
    expect(script.calls.map((c) => c.url)).toEqual([url, url, url]);
    const [, second, third] = script.calls;
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(190);
    expect(await source.readNeuronFile('explanations', 1, 3)).toBeNull();
    expect(script.calls).toHaveLength(4);
  });

  it('gives up after the retries with an error naming the file and the status', async () => {
    const url = `${BASE}explanations/0/0.jsonl`;
    const script = scriptedFetch({
      [url]: Array.from({ length: 5 }, () => () => new Response('oops', { status: 500 })),
    });
    const source = openSource(BASE, {
      model: 'gpt2-xl',
      fetch: script.fetchImpl,
      retries: 2,
      retryDelayMs: 1,
    });
    const error = await source.readNeuronFile('explanations', 0, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceReadError);
    expect((error as Error).message).toBe(
      `explanations/0/0.jsonl: could not be fetched from ${url} after 3 attempts (HTTP 500)`,
    );
    expect(script.calls).toHaveLength(3);
  });

  it('does not retry a 403', async () => {
    const script = scriptedFetch({
      [`${BASE}explanations/0/1.jsonl`]: [() => new Response('no', { status: 403 })],
    });
    const source = openSource(BASE, { model: 'gpt2-xl', fetch: script.fetchImpl });
    await expect(source.readNeuronFile('explanations', 0, 1)).rejects.toThrow(/HTTP 403/);
    expect(script.calls).toHaveLength(1);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const script = scriptedFetch({});
    const source = openSource(BASE, { model: 'gpt2-xl', fetch: script.fetchImpl, concurrency: 3 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => source.readNeuronFile('explanations', 0, i)),
    );
    expect(script.calls).toHaveLength(20);
    expect(script.maxInFlight()).toBe(3);
  });

  it('caches fetched files and misses on disk', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'source-cache-'));
    const url = `${BASE}collated-activations/4/5.json`;
    const script = scriptedFetch({ [url]: [() => new Response('record', { status: 200 })] });
    const source = openSource(BASE, { model: 'gpt2-xl', fetch: script.fetchImpl, cacheDir });
    expect(await source.readPath('collated-activations/4/5.json')).toBe('record');
    expect(await source.readPath('collated-activations/4/5.json')).toBe('record');
    expect(await source.readPath('collated-activations/4/6.json')).toBeNull();
    expect(await source.readPath('collated-activations/4/6.json')).toBeNull();
    expect(script.calls).toHaveLength(2);
    expect(readFileSync(join(cacheDir, 'collated-activations/4/5.json'), 'utf8')).toBe('record');
    expect(existsSync(join(cacheDir, 'collated-activations/4/6.json'))).toBe(false);
  });

  it('takes its shape from the preset URL, or asks for one', async () => {
    const release = openSource(
      'https://openaipublic.blob.core.windows.net/neuron-explainer/gpt2_small_data',
    );
    expect(release.preset?.model).toBe('gpt2-small');
    expect(await release.listLayers()).toHaveLength(12);
    expect(await release.neuronsPerLayer(0)).toBe(3072);
    expect(await release.listNeurons('explanations', 0)).toBeNull();
    await expect(openSource(BASE).listLayers()).rejects.toThrow(
      'https://example.test/data/ cannot be listed: name its model (gpt2-xl or gpt2-small) or give its number of layers and neurons per layer',
    );
    expect(await openSource(BASE, { layerCount: 2, neuronsPerLayer: 5 }).listLayers()).toEqual([
      0, 1,
    ]);
  });
});
