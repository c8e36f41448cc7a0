import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelListSchema } from '../../core/api/models.ts';
import { writeSyntheticCheckpoint } from '../../node/model/synthetic.ts';
import { testServer } from '../../../tests/support/server.ts';
import type { Server } from '../app.ts';

const config = {
  layers: 2,
  heads: 2,
  embd: 16,
  inner: 64,
  positions: 32,
  vocab: 100,
  epsilon: 1e-5,
};

describe('/models/ and /api/models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'models-route-'));
  const models = join(dir, 'models');
  let server: Server;
  let weights: Buffer;

  beforeAll(async () => {
    await writeSyntheticCheckpoint(join(models, 'tiny'), { config, dtype: 'F32' });
    weights = readFileSync(join(models, 'tiny/model.safetensors'));
    // A secret beside MODELS_DIR, and links that try to reach it.
    writeFileSync(join(dir, 'secret.txt'), 'not for the web');
    mkdirSync(join(models, 'escape'));
    symlinkSync(join(dir, 'secret.txt'), join(models, 'escape/config.json'));
    symlinkSync(join(dir, 'secret.txt'), join(models, 'escape/model.safetensors'));
    writeFileSync(join(models, 'tiny/notes.txt'), 'not served');
    mkdirSync(join(models, 'half'));
    writeFileSync(join(models, 'half/config.json'), '{}');
    server = await testServer({ DATA_DIR: join(dir, 'data'), MODELS_DIR: models });
  });

  afterAll(async () => {
    await server.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the usable models with their shape and a version, and why others are not', async () => {
    const response = await server.app.inject({ url: '/models/index.json' });
    expect(response.statusCode).toBe(200);
    const list = ModelListSchema.parse(response.json());
    expect((await server.app.inject({ url: '/api/models' })).json()).toEqual(list);
    expect(list.models).toEqual([
      expect.objectContaining({
        id: 'tiny',
        layers: 2,
        neuronsPerLayer: 64,
        bytes: weights.length,
      }),
    ]);
    expect(list.models[0]!.version).toMatch(/^\d+-\d+-\d+-\d+$/);
    expect(list.problems.map((p) => p.id).sort()).toEqual(['escape', 'half']);
  });

  it('serves the weights whole and by range, uncompressed', async () => {
    const whole = await server.app.inject({
      url: '/models/tiny/model.safetensors',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-encoding']).toBeUndefined();
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.rawPayload.equals(weights)).toBe(true);
    const range = await server.app.inject({
      url: '/models/tiny/model.safetensors',
      headers: { range: 'bytes=8-23', 'accept-encoding': 'gzip' },
    });
    expect(range.statusCode).toBe(206);
    expect(range.headers['content-range']).toBe(`bytes 8-23/${weights.length}`);
    expect(range.rawPayload.equals(weights.subarray(8, 24))).toBe(true);
    const head = await server.app.inject({ method: 'HEAD', url: '/models/tiny/config.json' });
    expect(head.statusCode).toBe(200);
  });

  it('serves nothing but the two files, and nothing through a link out of MODELS_DIR', async () => {
    for (const url of [
      '/models/tiny/notes.txt',
      '/models/escape/config.json',
      '/models/escape/model.safetensors',
      '/models/..%2Fsecret.txt/config.json',
      '/models/missing/config.json',
    ]) {
      const response = await server.app.inject({ url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain('not for the web');
    }
  });
});
