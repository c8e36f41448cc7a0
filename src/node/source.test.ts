import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listenInRange } from '../../tests/support/ports.ts';
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

describe('a local folder source holding links and damaged files', () => {
  const outside = folder({ 'passwd.jsonl': 'root:x:0:0:root:/root:/bin/bash' });
  const root = folder({
    'explanations/0/1.jsonl': 'one',
    'explanations/2/0.jsonl': 'fine',
  });
  // A link to a file outside, a folder linked to outside, a link inside (allowed), a FIFO, and a
  // file past the size limit (sparse: no disk is used).
  symlinkSync(join(outside, 'passwd.jsonl'), join(root, 'explanations/0/2.jsonl'));
  mkdirSync(join(root, 'collated-activations'));
  symlinkSync(outside, join(root, 'collated-activations/0'));
  symlinkSync(join(root, 'explanations/0/1.jsonl'), join(root, 'explanations/0/3.jsonl'));
  symlinkSync('../0/1.jsonl', join(root, 'explanations/2/5.jsonl'));
  symlinkSync(join(root, 'nothing-here'), join(root, 'explanations/0/6.jsonl'));
  execFileSync('mkfifo', [join(root, 'explanations/0/4.jsonl')]);
  const big = openSync(join(root, 'explanations/2/1.jsonl'), 'w');
  ftruncateSync(big, 124 * 1024 * 1024);
  closeSync(big);
  const source = openSource(root);

  const failure = (read: Promise<unknown>) =>
    read.then(
      () => null,
      (error: unknown) => error as SourceReadError,
    );

  it('follows a link only to a file inside the source', async () => {
    expect(await source.readNeuronFile('explanations', 0, 3)).toBe('one');
    expect(await source.readNeuronFile('explanations', 2, 5)).toBe('one');
    expect(await source.readNeuronFile('explanations', 0, 6)).toBeNull();
  });

  it('refuses a link to a file outside, a folder linked outside, and a FIFO', async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => source.readNeuronFile('explanations', 0, 2),
        'explanations/0/2.jsonl: a link to somewhere outside the source; not read',
      ],
      [
        () => source.readPath('collated-activations/0/0.json'),
        'collated-activations/0/0.json: collated-activations/0 is a link to somewhere outside the source; not read',
      ],
      [
        () => source.readNeuronFile('explanations', 0, 4),
        'explanations/0/4.jsonl: not a regular file; not read',
      ],
    ];
    for (const [read, message] of cases) {
      const error = await failure(read());
      expect(error).toBeInstanceOf(SourceReadError);
      expect(error?.problem).toBe('unsafe');
      expect(error?.message).toBe(message);
      expect(error?.message).not.toContain(outside);
    }
  });

  it('refuses a file past the size limit without reading it', async () => {
    const error = await failure(source.readNeuronFile('explanations', 2, 1));
    expect(error?.problem).toBe('too_large');
    expect(error?.message).toBe(
      'explanations/2/1.jsonl: 124 MB, more than the 16 MB a per-neuron file may have',
    );
  });
});

/** A published folder over real HTTP whose files can change, recording what each request sent. */
async function publishedServer(files: Map<string, string>) {
  const requests: { path: string; ifNoneMatch: string | undefined }[] = [];
  const server = createServer((request, response) => {
    const path = request.url!.replace(/^\/data\//, '');
    requests.push({ path, ifNoneMatch: request.headers['if-none-match'] });
    const text = files.get(path);
    if (text === undefined) return response.writeHead(404).end();
    const etag = `"${createHash('sha1').update(text).digest('hex')}"`;
    if (request.headers['if-none-match'] === etag) return response.writeHead(304).end();
    response.writeHead(200, { etag, 'content-type': 'application/octet-stream' }).end(text);
  });
  const port = await listenInRange(server);
  return {
    url: `http://127.0.0.1:${port}/data/`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe('the on-disk cache of an http(s) source', () => {
  it('revalidates cached files after their lifetime, with the ETag, and fetches changed ones', async () => {
    const files = new Map([['explanations/0/1.jsonl', 'first']]);
    const published = await publishedServer(files);
    const cacheDir = mkdtempSync(join(tmpdir(), 'source-cache-'));
    try {
      const open = (cacheTtlMs: number) =>
        openSource(published.url, { model: 'gpt2-xl', cacheDir, cacheTtlMs, retries: 0 });
      const fresh = open(60_000);
      expect(await fresh.readNeuronFile('explanations', 0, 1)).toBe('first');
      expect(await fresh.readNeuronFile('explanations', 0, 1)).toBe('first');
      expect(published.requests).toHaveLength(1);

      // Past its lifetime (here: at once), the copy is checked: unchanged costs a 304.
      const stale = open(0);
      expect(await stale.readNeuronFile('explanations', 0, 1)).toBe('first');
      expect(published.requests[1]).toEqual({
        path: 'explanations/0/1.jsonl',
        ifNoneMatch: expect.stringMatching(/^"[0-9a-f]{40}"$/),
      });
      files.set('explanations/0/1.jsonl', 'second');
      expect(await stale.readNeuronFile('explanations', 0, 1)).toBe('second');
      // And the new copy is what a fresh start (same cache folder) reads, without a request.
      expect(await open(60_000).readNeuronFile('explanations', 0, 1)).toBe('second');
      expect(published.requests).toHaveLength(3);
    } finally {
      await published.close();
    }
  });

  it('forgets a miss after its lifetime, across restarts', async () => {
    const files = new Map<string, string>();
    const published = await publishedServer(files);
    const cacheDir = mkdtempSync(join(tmpdir(), 'source-cache-'));
    try {
      const open = (cacheTtlMs: number) =>
        openSource(published.url, { model: 'gpt2-xl', cacheDir, cacheTtlMs, retries: 0 });
      expect(await open(60_000).readNeuronFile('explanations', 3, 4)).toBeNull();
      files.set('explanations/3/4.jsonl', 'now here');
      // Within its lifetime a miss is remembered, even by a new server process ...
      expect(await open(60_000).readNeuronFile('explanations', 3, 4)).toBeNull();
      expect(published.requests).toHaveLength(1);
      // ... and after it, the URL is asked again.
      expect(await open(0).readNeuronFile('explanations', 3, 4)).toBe('now here');
      expect(published.requests).toHaveLength(2);
    } finally {
      await published.close();
    }
  });

  it('refetches a file cached by an earlier version (no lifetime recorded) and a legacy miss', async () => {
    const files = new Map([['explanations/0/1.jsonl', 'current']]);
    const published = await publishedServer(files);
    const cacheDir = folder({
      'explanations/0/1.jsonl': 'old copy',
      'explanations/0/2.jsonl.404': '',
    });
    files.set('explanations/0/2.jsonl', 'appeared');
    try {
      const source = openSource(published.url, { model: 'gpt2-xl', cacheDir, retries: 0 });
      expect(await source.readNeuronFile('explanations', 0, 1)).toBe('current');
      expect(await source.readNeuronFile('explanations', 0, 2)).toBe('appeared');
      expect(existsSync(join(cacheDir, 'explanations/0/2.jsonl.404'))).toBe(false);
    } finally {
      await published.close();
    }
  });

  it('keeps the last copy when the URL fails on revalidation', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'source-cache-'));
    const url = `${BASE}explanations/0/7.jsonl`;
    const script = scriptedFetch({
      [url]: [
        () => new Response('kept', { status: 200, headers: { etag: '"a"' } }),
        () => new Response('down', { status: 503 }),
      ],
    });
    const source = openSource(BASE, {
      model: 'gpt2-xl',
      fetch: script.fetchImpl,
      cacheDir,
      cacheTtlMs: 0,
      retries: 0,
    });
    expect(await source.readNeuronFile('explanations', 0, 7)).toBe('kept');
    expect(await source.readNeuronFile('explanations', 0, 7)).toBe('kept');
    expect(script.calls).toHaveLength(2);
  });

  it('stops reading an answer past the size limit', async () => {
    const big = 'x'.repeat(17 * 1024 * 1024);
    const script = scriptedFetch({
      [`${BASE}explanations/0/1.jsonl`]: [
        () => new Response(big, { status: 200, headers: { 'content-length': String(big.length) } }),
      ],
      // Sent in chunks without a length: cut once past the limit.
      [`${BASE}explanations/0/2.jsonl`]: [() => new Response(new Blob([big]).stream())],
    });
    const source = openSource(BASE, { model: 'gpt2-xl', fetch: script.fetchImpl, retries: 0 });
    for (const neuron of [1, 2]) {
      const error = await source.readNeuronFile('explanations', 0, neuron).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceReadError);
      expect((error as SourceReadError).problem).toBe('too_large');
      expect((error as Error).message).toMatch(
        /^explanations\/0\/\d\.jsonl: 1[67](\.\d)? MB, more than the 16 MB a per-neuron file may have$/,
      );
    }
  });
});
