import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDatasetOf } from '../core/address/address.ts';
import { manifestFor, temporaryDirectory, writeDataset } from '../../tests/support/datasets.ts';
import { testServer } from '../../tests/support/server.ts';
import type { Server } from './app.ts';

describe('the app page names the default dataset', () => {
  let app: Awaited<ReturnType<typeof temporaryDirectory>>;
  let data: Awaited<ReturnType<typeof temporaryDirectory>>;
  const servers: Server[] = [];

  beforeAll(async () => {
    app = await temporaryDirectory('ne-app-');
    data = await temporaryDirectory();
    await mkdir(join(app.path, 'assets'));
    await writeFile(
      join(app.path, 'index.html'),
      '<!doctype html><head><!-- default-dataset --><script>window.a = 1;</script></head>',
    );
    await writeDataset(data.path, manifestFor('first', [{ layer: 0, neurons: 4 }]));
    await writeDataset(data.path, manifestFor('second', [{ layer: 0, neurons: 4 }]));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.app.close()));
    await app.remove();
    await data.remove();
  });

  async function page(env: Record<string, string>, url = '/') {
    const server = await testServer({ APP_DIR: app.path, DATA_DIR: data.path, ...env });
    servers.push(server);
    const response = await server.app.inject(url);
    const window = new Window();
    window.document.write(response.body);
    return { server, response, named: defaultDatasetOf(window.document) };
  }

  it('as the dataset list does, before the page’s scripts', async () => {
    const { server, response, named } = await page({});
    const list = (await server.app.inject('/datasets/index.json')).json<{ default: string }>();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(named).toBe(list.default);
    expect(response.body.indexOf('<meta name=')).toBeLessThan(response.body.indexOf('<script>'));
    // DEFAULT_DATASET chooses it, at / and /index.html alike.
    expect((await page({ DEFAULT_DATASET: 'second' })).named).toBe('second');
    expect((await page({ DEFAULT_DATASET: 'second' }, '/index.html')).named).toBe('second');
  });

  it('is revalidated by its ETag, as it changes when the default does', async () => {
    const { server, response } = await page({});
    const etag = response.headers.etag as string;
    expect(response.headers['cache-control']).toBe('no-cache');
    const again = await server.app.inject({ url: '/', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    const other = await page({ DEFAULT_DATASET: 'second' });
    expect(other.response.headers.etag).not.toBe(etag);
  });

  it('is sent compressed where the browser takes it, the same page', async () => {
    const { server, response } = await page({});
    for (const [encoding, unzip] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const compressed = await server.app.inject({
        url: '/',
        headers: { 'accept-encoding': encoding },
      });
      expect(compressed.headers['content-encoding']).toBe(encoding);
      expect(unzip(compressed.rawPayload).toString()).toBe(response.body);
    }
  });
});
