import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { mkdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetList } from '../../core/dataset/types.ts';
import {
  catNeuronRecord,
  layerIndexFiles,
  manifestFor,
  temporaryDirectory,
  writeDataset,
} from '../../../tests/support/datasets.ts';
import { realDataDir } from '../../../tests/real-data.ts';
import { listenInRange } from '../../../tests/support/ports.ts';
import { testServer, testSettings } from '../../../tests/support/server.ts';
import { buildServer, type Server } from '../app.ts';
import { silentLogger } from '../log.ts';

const REAL_DATA = realDataDir();
const layerIndex = {
  format: 'neuron-explorer.layer-index/1',
  layer: 0,
  neurons: [3],
  scores: [0.5],
  explanations: [' cats'],
  maxActivations: [5],
  hasRecords: [1],
};
const demoIndex = layerIndexFiles(layerIndex);

describe('/datasets/', () => {
  let data: Awaited<ReturnType<typeof temporaryDirectory>>;
  let server: Server;

  beforeAll(async () => {
    data = await temporaryDirectory();
    await writeDataset(
      data.path,
      manifestFor('demo', [{ layer: 0, neurons: 8, index: demoIndex.path }]),
      {
        ...demoIndex.files,
        'ingest-report.json': { problems: [] },
        '.secret': 'hidden',
        'collated-activations/0/3.json': catNeuronRecord(0, 3),
        'explanations/0/3.jsonl': '{"neuron_id":{"layer_index":0,"neuron_index":3}}\n',
        'explanations/0/notes.txt': 'not a neuron file',
      },
    );
    await writeDataset(
      data.path,
      manifestFor('real', [{ layer: 1, neurons: 6400 }], {
        synthetic: false,
        // A folder that is not there when the real data is absent (the test below skips then).
        source: REAL_DATA ?? join(tmpdir(), 'no-real-data'),
      }),
    );
    await writeDataset(
      data.path,
      manifestFor('small', [{ layer: 0, neurons: 4 }], { model: 'gpt2-small' }),
    );
    // Not datasets: no manifest, and a manifest that does not parse.
    await writeDataset(data.path, manifestFor('broken', []), { 'manifest.json': '{not json' });
    server = await testServer({ DATA_DIR: data.path });
  });
  afterAll(async () => {
    await server.app.close();
    await data.remove();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    server.app.inject({ method: 'GET', url, headers });

  it('lists every dataset with a readable manifest, a real GPT-2 XL one as default', async () => {
    const response = await get('/datasets/index.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
    const list = response.json<DatasetList>();
    // Real datasets first, then synthetic ones.
    expect(list.datasets.map((d) => d.id)).toEqual(['real', 'demo', 'small']);
    expect(list.default).toBe('real');
    expect(list.datasets[1]).toEqual({
      id: 'demo',
      title: 'Test dataset demo',
      model: 'gpt2-xl',
      synthetic: true,
    });
    const again = await get('/datasets/index.json', { 'if-none-match': response.headers.etag! });
    expect(again.statusCode).toBe(304);
  });

  it('takes DEFAULT_DATASET when it is served, else falls back', async () => {
    const chosen = await testServer({ DATA_DIR: data.path, DEFAULT_DATASET: 'small' });
    expect((await chosen.app.inject('/datasets/index.json')).json<DatasetList>().default).toBe(
      'small',
    );
    const missing = await testServer({ DATA_DIR: data.path, DEFAULT_DATASET: 'nope' });
    expect((await missing.app.inject('/datasets/index.json')).json<DatasetList>().default).toBe(
      'real',
    );
    await Promise.all([chosen.app.close(), missing.app.close()]);
  });

  it('serves the manifest fresh, with an ETag that answers 304', async () => {
    const response = await get('/datasets/demo/manifest.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toMatchObject({ id: 'demo' });
    const etag = response.headers.etag as string;
    expect(etag).toBeTruthy();
    expect((await get('/datasets/demo/manifest.json', { 'if-none-match': etag })).statusCode).toBe(
      304,
    );
  });

  it('serves content-hashed index files as immutable, precompressed when gzip is accepted', async () => {
    const plain = await get(`/datasets/demo/${demoIndex.path}`);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['cache-control']).toContain('immutable');
    expect(plain.json()).toEqual(layerIndex);
    const zipped = await get(`/datasets/demo/${demoIndex.path}`, {
      'accept-encoding': 'gzip',
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toMatch(/^application\/json/);
    expect(zipped.headers.vary).toMatch(/accept-encoding/i);
    expect(zipped.rawPayload).toEqual(gzipSync(JSON.stringify(layerIndex)));
  });

  it('serves per-neuron files from the dataset folder', async () => {
    const response = await get('/datasets/demo/collated-activations/0/3.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.json()).toEqual(catNeuronRecord(0, 3));
    const jsonl = await get('/datasets/demo/explanations/0/3.jsonl');
    expect(jsonl.statusCode).toBe(200);
    expect(jsonl.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('answers 404 with a JSON error for absent files and neurons outside the layers', async () => {
    for (const url of [
      '/datasets/demo/explanations/0/4.jsonl', // inside the layer, no file
      '/datasets/demo/explanations/0/8.jsonl', // neuron 8 of an 8-neuron layer
      '/datasets/demo/explanations/1/0.jsonl', // no layer 1
      '/datasets/demo/explanations/0/03.jsonl', // not a canonical integer
      '/datasets/demo/explanations/0/3.json', // wrong extension for the kind
      '/datasets/demo/collated-activations/0/3.jsonl',
      '/datasets/demo/explanations/0/notes.txt', // inside a per-neuron folder, not a neuron file
      '/datasets/demo/related-tokens/0/3.json',
      '/datasets/nope/manifest.json',
      '/datasets/broken/manifest.json',
      '/datasets/demo/missing.json',
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['cache-control'], url).toBe('no-store');
      expect(response.json(), url).toEqual({
        error: {
          code: 'not_found',
          message: expect.stringContaining('/datasets/'),
          retryable: false,
        },
      });
    }
  });

  it('rejects path traversal and hidden files', async () => {
    for (const url of [
      '/datasets/demo/..%2F..%2F..%2Fetc%2Fpasswd',
      '/datasets/demo/index/..%2Fmanifest.json',
      '/datasets/demo/%2e%2e/%2e%2e/package.json',
      '/datasets/..%2F..%2Fpackage.json',
      '/datasets/demo/.secret',
      '/datasets/demo/explanations%2F0%2F3.jsonl%00',
      '/datasets/demo/explanations/0/..%2F..%2F..%2Fmanifest.json',
      '/datasets/demo//etc/passwd',
      '/datasets/demo/%5C..%5Cmanifest.json',
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).not.toContain('root:');
      expect(response.body, url).not.toContain('"format"');
    }
  });

  it('rejects raw (unnormalised) traversal paths over real HTTP', async () => {
    await server.app.ready();
    const port = await listenInRange(server.app.server);
    for (const path of [
      '/datasets/demo/../../../../etc/passwd',
      '/datasets/demo/index/../../small/manifest.json',
      '/datasets/../datasets/demo/.secret',
      '/datasets/demo/explanations/0/../../manifest.json',
    ]) {
      const { status, body } = await rawGet(Number(port), path);
      expect(status, path).toBe(404);
      expect(body, path).not.toContain('root:');
      expect(body, path).not.toContain('"format"');
    }
  });

  it.skipIf(REAL_DATA === null)('reads per-neuron files from an absolute source path', async () => {
    const response = await get('/datasets/real/collated-activations/1/1.json');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ neuron_id: { layer_index: 1, neuron_index: 1 } });
    // The manifest names layer 1 only.
    expect((await get('/datasets/real/collated-activations/0/816.json')).statusCode).toBe(404);
  });

  it('reads per-neuron files of a URL source through the on-disk cache', async () => {
    const published = createServer((request, response) => {
      fetched.push(request.url!);
      if (request.url === '/release/explanations/0/1.jsonl') {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.end('{"neuron_id":{"layer_index":0,"neuron_index":1},"scored_explanations":[]}');
      } else {
        response.writeHead(404).end();
      }
    });
    const fetched: string[] = [];
    const port = await listenInRange(published);
    const cache = await temporaryDirectory('ne-source-cache-');
    await writeDataset(
      data.path,
      manifestFor('remote', [{ layer: 0, neurons: 8 }], {
        source: `http://127.0.0.1:${port}/release/`,
      }),
    );
    const remote = await testServer({ DATA_DIR: data.path, CACHE_DIR: cache.path });
    try {
      for (let i = 0; i < 2; i++) {
        const response = await remote.app.inject('/datasets/remote/explanations/0/1.jsonl');
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(response.json()).toMatchObject({ neuron_id: { neuron_index: 1 } });
      }
      expect((await remote.app.inject('/datasets/remote/explanations/0/2.jsonl')).statusCode).toBe(
        404,
      );
      // Once each: the second read came from the cache; nothing else was asked for.
      expect(fetched).toEqual([
        '/release/explanations/0/1.jsonl',
        '/release/explanations/0/2.jsonl',
      ]);
    } finally {
      await remote.app.close();
      published.close();
      await cache.remove();
      await rm(join(data.path, 'remote'), { recursive: true });
    }
  });

  it('compresses large JSON on the fly when the client accepts it', async () => {
    const response = await get('/datasets/demo/collated-activations/0/3.json', {
      'accept-encoding': 'br',
    });
    expect(response.headers['content-encoding']).toBe('br');
  });
});

describe('a dataset folder someone else filled', () => {
  let data: Awaited<ReturnType<typeof temporaryDirectory>>;
  let outside: Awaited<ReturnType<typeof temporaryDirectory>>;
  let server: Server;
  const warnings: string[] = [];
  const index = layerIndexFiles(layerIndex);
  const layer1 = layerIndexFiles({ ...layerIndex, layer: 1, explanations: [' dogs'] });

  beforeAll(async () => {
    data = await temporaryDirectory();
    outside = await temporaryDirectory('ne-outside-');
    await writeFile(join(outside.path, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    await mkdir(join(outside.path, 'layer'));
    await writeFile(join(outside.path, 'layer', '3.json'), '{"secret": "outside"}');
    await writeFile(join(outside.path, 'manifest.json'), JSON.stringify(manifestFor('linked', [])));
    const dir = await writeDataset(
      data.path,
      manifestFor(
        'hostile',
        [
          { layer: 0, neurons: 8, index: index.path },
          { layer: 1, neurons: 8, index: layer1.path },
        ],
        { source: '/home/someone/private/gpt2-xl-mirror' },
      ),
      {
        ...index.files,
        // A layer index edited after ingest, and a .gz that is not the .json.
        [layer1.path]: JSON.stringify({ ...layerIndex, layer: 1, explanations: [' edited'] }),
        [`${layer1.path}.gz`]: gzipSync(JSON.stringify(layerIndex)),
        'notes.txt': 'private notes',
        'ingest-report.json': { source: '/home/someone/private/gpt2-xl-mirror', problems: [] },
      },
    );
    // The source is the folder itself for per-neuron files.
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({
        ...manifestFor(
          'hostile',
          [
            { layer: 0, neurons: 8, index: index.path },
            { layer: 1, neurons: 8, index: layer1.path },
          ],
          { source: '.', report: 'ingest-report.json' },
        ),
      }),
    );
    await mkdir(join(dir, 'explanations/0'), { recursive: true });
    await mkdir(join(dir, 'related-tokens/activation-based'), { recursive: true });
    await mkdir(join(dir, 'collated-activations/0'), { recursive: true });
    await symlink(join(outside.path, 'passwd'), join(dir, 'explanations/0/1.jsonl'));
    await symlink(join(outside.path, 'layer'), join(dir, 'related-tokens/activation-based/0'));
    await writeFile(join(dir, 'explanations/0/2.jsonl'), '{"fine": true}');
    await symlink(join(dir, 'explanations/0/2.jsonl'), join(dir, 'explanations/0/5.jsonl'));
    await symlink(join(outside.path, 'passwd'), join(dir, 'collated-activations/0/7.json'));
    // Past the 16 MB a per-neuron file may have (sparse: no disk used).
    await writeFile(join(dir, 'explanations/0/3.jsonl'), '');
    await truncate(join(dir, 'explanations/0/3.jsonl'), 124 * 1024 * 1024);
    // A dataset whose manifest is a link out of its folder.
    await mkdir(join(data.path, 'linked'));
    await symlink(join(outside.path, 'manifest.json'), join(data.path, 'linked', 'manifest.json'));
    // A dataset whose source is a path with credentials in a URL.
    await writeDataset(
      data.path,
      manifestFor('remote', [{ layer: 0, neurons: 8 }], {
        source: 'https://user:hunter2@mirror.example/neurons/',
      }),
    );
    server = await buildServer({
      settings: testSettings({ DATA_DIR: data.path }),
      logger: { ...silentLogger, warn: (message: string) => warnings.push(message) },
    });
  });
  afterAll(async () => {
    await server.app.close();
    await data.remove();
    await outside.remove();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    server.app.inject({ method: 'GET', url, headers });

  it('never serves a file through a link out of the dataset', async () => {
    for (const [url, message] of [
      [
        '/datasets/hostile/explanations/0/1.jsonl',
        'Could not read explanations/0/1.jsonl of hostile: a link to somewhere outside the source; not read',
      ],
      [
        '/datasets/hostile/related-tokens/activation-based/0/3.json',
        'Could not read related-tokens/activation-based/0/3.json of hostile: related-tokens/activation-based/0 is a link to somewhere outside the source; not read',
      ],
      [
        '/datasets/hostile/collated-activations/0/7.json',
        'Could not read collated-activations/0/7.json of hostile: a link to somewhere outside the source; not read',
      ],
    ]) {
      const response = await get(url!);
      expect(response.statusCode, url).toBe(403);
      expect(response.body).not.toContain('root:');
      expect(response.body).not.toContain('secret');
      expect(response.body).not.toContain(outside.path);
      expect(response.json(), url).toEqual({
        error: { code: 'dataset_file', message, retryable: false },
      });
    }
    // A link that stays inside the dataset is followed.
    expect((await get('/datasets/hostile/explanations/0/5.jsonl')).json()).toEqual({ fine: true });
    // A manifest that is a link out of its folder makes no dataset.
    expect((await get('/datasets/linked/manifest.json')).statusCode).toBe(404);
    const list = (await get('/datasets/index.json')).json<DatasetList>();
    expect(list.datasets.map((d) => d.id)).toEqual(['hostile', 'remote']);
    expect(warnings).toContain(
      'dataset not served as it is: linked/manifest.json: a link to somewhere outside the dataset folder; not read',
    );
  });

  it('serves only the files the app needs', async () => {
    for (const url of [
      '/datasets/hostile/notes.txt',
      '/datasets/hostile/ingest-report.json',
      `/datasets/hostile/${index.path}.gz`,
      '/datasets/hostile/index/layer-0.0123abcd.json',
    ]) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
    // An operator may serve the reports, without the source's local path.
    const reporting = await testServer({ DATA_DIR: data.path, SERVE_INGEST_REPORTS: 'true' });
    const report = await reporting.app.inject('/datasets/hostile/ingest-report.json');
    expect(report.statusCode).toBe(200);
    expect(report.json()).toEqual({ source: '.', problems: [] });
    await reporting.app.close();
  });

  it('tells clients no local path or credentials of a source', async () => {
    const local = await get('/datasets/hostile/manifest.json');
    expect(local.json()).toMatchObject({ id: 'hostile', source: '.' });
    const remote = await get('/datasets/remote/manifest.json');
    expect(remote.body).not.toContain('hunter2');
    expect(remote.json()).toMatchObject({ source: 'https://mirror.example/neurons/' });
  });

  it('answers a per-neuron file past the size limit with an error naming it', async () => {
    const response = await get('/datasets/hostile/explanations/0/3.jsonl');
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: {
        code: 'dataset_file',
        message:
          'Could not read explanations/0/3.jsonl of hostile: 124 MB, more than the 16 MB a per-neuron file may have',
        retryable: false,
      },
    });
  });

  it('does not serve a layer index whose content does not match its name', async () => {
    expect((await get(`/datasets/hostile/${index.path}`)).statusCode).toBe(200);
    for (const encoding of ['identity', 'gzip']) {
      const response = await get(`/datasets/hostile/${layer1.path}`, {
        'accept-encoding': encoding,
      });
      expect(response.statusCode).toBe(500);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({
        error: {
          code: 'dataset_file',
          message: `${layer1.path} of hostile does not hold what its name says (its content's hash does not start with ${layer1.path.split('.')[1]}): it was changed after ingest. Ingest the dataset again.`,
          retryable: false,
        },
      });
    }
  });

  it('serves the content-hashed search files the manifest names, checked like layer indexes', async () => {
    const dir = join(data.path, 'searching');
    const head = { format: 'some-search/1', shards: [] };
    const headText = JSON.stringify(head);
    const hash = createHash('sha256').update(headText).digest('hex').slice(0, 12);
    const named = `search/tokens.${hash}.json`;
    const stale = 'search/tokens.0123456789ab.json';
    await writeDataset(
      data.path,
      manifestFor('searching', [{ layer: 0, neurons: 8, index: index.path }], {
        search: { tokens: named, stale, outside: '../hostile/notes.txt' },
      }),
      { ...index.files, [named]: headText, [stale]: headText, 'search/unnamed.json': headText },
    );
    const fresh = await testServer({ DATA_DIR: data.path });
    try {
      const served = await fresh.app.inject(`/datasets/searching/${named}`);
      expect(served.statusCode).toBe(200);
      expect(served.headers['cache-control']).toContain('immutable');
      expect(served.json()).toEqual(head);
      expect((await fresh.app.inject(`/datasets/searching/${stale}`)).statusCode).toBe(500);
      for (const path of ['search/unnamed.json', '../hostile/notes.txt']) {
        expect((await fresh.app.inject(`/datasets/searching/${path}`)).statusCode, path).toBe(404);
      }
    } finally {
      await fresh.app.close();
      await rm(dir, { recursive: true });
    }
  });

  it('sends every client the same layer index, whatever its .gz holds', async () => {
    const dir = join(data.path, 'hostile');
    const good = layerIndexFiles({ ...layerIndex, layer: 2 });
    await writeFile(join(dir, good.path), good.files[good.path]!);
    // A .gz of other content beside it (say, a stale copy from an earlier ingest).
    await writeFile(join(dir, `${good.path}.gz`), gzipSync(JSON.stringify(layerIndex)));
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      layers: object[];
    };
    manifest.layers.push({
      ...manifestFor('x', [{ layer: 2, neurons: 8, index: good.path }]).layers[0],
    });
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const fresh = await testServer({ DATA_DIR: data.path });
    try {
      const plain = await fresh.app.inject(`/datasets/hostile/${good.path}`);
      const gzip = await fresh.app.inject({
        url: `/datasets/hostile/${good.path}`,
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(plain.json()).toEqual({ ...layerIndex, layer: 2 });
      const body =
        gzip.headers['content-encoding'] === 'gzip'
          ? gunzipSync(gzip.rawPayload).toString()
          : gzip.body;
      expect(body).toBe(plain.body);
    } finally {
      await fresh.app.close();
    }
  });
});

describe('/api/health', () => {
  it('says what is configured, and whether a key is set without showing it', async () => {
    const data = await temporaryDirectory();
    const server = await testServer({
      DATA_DIR: data.path,
      OPENAI_API_KEY: 'sk-test-secret',
      OPENAI_BASE_URL: 'http://user:pass@127.0.0.1:9/v1',
      SIMULATOR_MODEL: 'sim-model',
    });
    const response = await server.app.inject('/api/health');
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('sk-test-secret');
    expect(response.body).not.toContain('pass');
    expect(response.json()).toMatchObject({
      simulator: { id: 'openai', model: 'sim-model' },
      openai: { baseUrl: 'http://127.0.0.1:9', apiKeySet: true },
      datasets: { default: '', ids: [] },
      limits: { maxTexts: 8, maxTextTokens: 64, maxExplanationChars: 500 },
    });
    await server.app.close();
    await data.remove();
  });
});

/** A GET with the path sent exactly as written (fetch and inject would normalise it). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}
