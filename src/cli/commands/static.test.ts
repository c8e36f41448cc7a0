import { ContainedFolder } from '../../node/contained-files.ts';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli } from '../../../tests/support/cli.ts';
import { parseDatasetList, parseManifest } from '../../core/dataset/parse.ts';
import { writeDemoDataset } from '../../node/demo.ts';
import { listModels } from '../../node/model/model-folder.ts';
import { ingestDataset } from '../../node/ingest.ts';
import { writeScaleFixture } from '../../node/scale-fixture.ts';
import { tokenIndexShards } from '../../node/token-index.ts';

/**
 * A folder for one test: `app`, a built app in miniature (its page, gzipped too, and one asset),
 * and `data`, where the test puts its datasets.
 */
async function siteFolders(): Promise<{ root: string; app: string; data: string }> {
  const root = await mkdtemp(join(tmpdir(), 'static-cli-'));
  const app = join(root, 'app');
  await mkdir(join(app, 'assets'), { recursive: true });
  const html = '<!doctype html><title>Neuron Explorer</title><!-- default-dataset -->';
  await writeFile(join(app, 'index.html'), html);
  await writeFile(join(app, 'index.html.gz'), gzipSync(html));
  await writeFile(join(app, 'assets', 'index-abc123.js'), 'console.log(1)');
  return { root, app, data: join(root, 'data') };
}

/** `cli static` of the datasets in `data` and the app in `app` into `out`, with `more` options. */
function staticSite(data: string, app: string, out: string, ...more: string[]) {
  return cli(['static', '--data', data, '--app', app, '--out', out, ...more]);
}

describe('static', () => {
  it('writes the app with every dataset beside it, per-neuron files included', async () => {
    const { root, app, data } = await siteFolders();
    await writeDemoDataset(join(data, 'demo'));
    // A dataset whose per-neuron files sit in a folder of their own, as after ingesting a mirror.
    const source = join(root, 'published');
    writeScaleFixture({ out: source, layers: 2, neurons: 5 });
    await ingestDataset({ source, out: join(data, 'small') });
    const out = join(root, 'site');

    const result = await staticSite(data, app, out);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Wrote ${out}: the app (3 files) and`);
    expect(result.stdout).toContain('small: indexes and 10 per-neuron files');
    expect(result.stdout).toMatch(/demo: indexes and \d+ per-neuron files/);

    const list = parseDatasetList(await readFile(join(out, 'datasets/index.json'), 'utf8'), {
      path: 'datasets/index.json',
    });
    // The page names the list's default, so that a permalink without one needs no list first;
    // so does its compressed copy, which a host may send instead.
    const meta = `<meta name="neuron-explorer:default-dataset" content="${list.default}" />`;
    expect(await readFile(join(out, 'index.html'), 'utf8')).toBe(
      `<!doctype html><title>Neuron Explorer</title>${meta}`,
    );
    expect(gunzipSync(await readFile(join(out, 'index.html.gz'))).toString()).toContain(meta);
    expect(list.datasets.map((d) => d.id).sort()).toEqual(['demo', 'small']);
    for (const id of ['demo', 'small']) {
      const manifest = parseManifest(
        await readFile(join(out, 'datasets', id, 'manifest.json'), 'utf8'),
        { path: `${id}/manifest.json` },
      );
      for (const layer of manifest.layers) {
        expect(existsSync(join(out, 'datasets', id, layer.index))).toBe(true);
      }
    }
    // The demo's token index: its head (named by the manifest) and every shard the head names.
    const demoDir = join(out, 'datasets/demo');
    const demo = parseManifest(await readFile(join(demoDir, 'manifest.json'), 'utf8'), {
      path: 'demo/manifest.json',
    });
    const shards = await tokenIndexShards(new ContainedFolder(demoDir), demo);
    expect(shards.length).toBeGreaterThan(0);
    for (const file of shards) expect(existsSync(join(demoDir, file))).toBe(true);
    expect(await readdir(join(out, 'datasets/small/explanations/1'))).toHaveLength(5);
    expect(await readFile(join(out, 'datasets/small/explanations/1/4.jsonl'), 'utf8')).toBe(
      await readFile(join(source, 'explanations/1/4.jsonl'), 'utf8'),
    );
    expect(existsSync(join(out, 'datasets/demo/collated-activations/0/0.json'))).toBe(true);
  }, 120_000);

  it('publishes the models folder as the server serves it, leaving out what is not a model', async () => {
    const { root, app, data } = await siteFolders();
    const models = join(root, 'models');
    await writeDemoDataset(join(data, 'demo'), { modelOut: join(models, 'demo') });
    await mkdir(join(models, 'half'));
    await writeFile(join(models, 'half', 'config.json'), '{}');
    const out = join(root, 'site');

    const result = await staticSite(data, app, out, '--models', models);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('models: demo');
    expect(result.stderr).toContain('models/half: needs model.safetensors');
    const list = JSON.parse(await readFile(join(out, 'models/index.json'), 'utf8'));
    expect(list).toEqual(await listModels(models));
    expect(list.models.map((m: { id: string }) => m.id)).toEqual(['demo']);
    for (const name of ['config.json', 'model.safetensors']) {
      const copied = await readFile(join(out, 'models/demo', name));
      // Buffer.equals: a deep toEqual walks megabytes byte by byte.
      expect(copied.equals(await readFile(join(models, 'demo', name))), name).toBe(true);
    }
    expect(existsSync(join(out, 'models/half'))).toBe(false);

    const missing = await staticSite(data, app, join(root, 'b'), '--models', join(root, 'nope'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(`--models ${join(root, 'nope')} does not exist`);
  }, 120_000);

  it('says what is wrong with the folders it is given', async () => {
    const { root, app, data } = await siteFolders();
    const source = join(root, 'published');
    writeScaleFixture({ out: source, layers: 1, neurons: 2 });
    await ingestDataset({ source, out: join(data, 'small') });

    const noApp = await staticSite(data, source, join(root, 'a'));
    expect(noApp.code).toBe(1);
    expect(noApp.stderr).toBe(
      `Error: ${source} holds no built app (no index.html): run npm run build first\n`,
    );

    const full = await staticSite(data, app, source);
    expect(full.stderr).toBe(
      `Error: ${source} is not empty: give a new or empty folder for the static site\n`,
    );

    const unknown = await staticSite(data, app, join(root, 'b'), '--dataset', 'gpt2-xl');
    expect(unknown.stderr).toBe(`Error: ${data} has no dataset gpt2-xl (it has: small)\n`);

    const manifestPath = join(data, 'small', 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
    await writeFile(manifestPath, JSON.stringify({ ...manifest, search: { words: '../../x' } }));
    const outside = await staticSite(data, app, join(root, 'd'));
    expect(outside.stderr).toBe('Error: small/manifest.json names "../../x", outside its folder\n');
    expect(existsSync(join(root, 'd'))).toBe(false);

    const empty = await staticSite(join(root, 'none'), app, join(root, 'c'));
    expect(empty.stderr).toBe(
      `Error: ${join(root, 'none')} holds no dataset (no folder with a manifest.json): ingest one first\n`,
    );
  }, 60_000);

  it('writes only what the server would serve: no links out, no stale files, no source maps', async () => {
    const { root, app, data } = await siteFolders();
    await writeFile(join(app, 'assets', 'index-abc123.js.map'), '{"sources":["/home/dev/src"]}');
    const source = join(root, 'published');
    writeScaleFixture({ out: source, layers: 2, neurons: 3 });
    await writeFile(join(root, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    await rm(join(source, 'explanations/0/2.jsonl'));
    await symlink(join(root, 'passwd'), join(source, 'explanations/0/2.jsonl'));
    const ingested = await ingestDataset({ source, out: join(data, 'small') });
    // Layer 1's index edited after ingest.
    const edited = join(data, 'small', ingested.manifest.layers[1]!.index);
    await writeFile(edited, (await readFile(edited, 'utf8')).replace('"layer":1', '"layer":1 '));
    const out = join(root, 'site');

    const result = await staticSite(data, app, out);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      [
        `Skipped: small/${ingested.manifest.layers[1]!.index}: does not hold what its name says (changed after ingest); left out`,
        'Skipped: small/explanations/0/2.jsonl: a link to somewhere outside the source; not read; left out',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(out, 'assets', 'index-abc123.js'))).toBe(true);
    expect(existsSync(join(out, 'assets', 'index-abc123.js.map'))).toBe(false);
    expect(existsSync(join(out, 'datasets/small/explanations/0/2.jsonl'))).toBe(false);
    expect(existsSync(join(out, 'datasets/small', ingested.manifest.layers[1]!.index))).toBe(false);
    const manifest = await readFile(join(out, 'datasets/small/manifest.json'), 'utf8');
    expect(JSON.parse(manifest)).toMatchObject({ source: '.' });
    expect(manifest).not.toContain(root);
  });
});
