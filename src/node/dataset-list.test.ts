import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { manifestFor, temporaryDirectory } from '../../tests/support/datasets.ts';
import { ContainedFolder } from './contained-files.ts';
import { scanDataDir, type ManifestCache } from './dataset-list.ts';

describe('scanning the data folder', () => {
  it('reads a manifest again only when its file changed', async () => {
    const data = await temporaryDirectory('ne-scan-');
    await mkdir(join(data.path, 'a'));
    const manifest = join(data.path, 'a', 'manifest.json');
    await writeFile(manifest, JSON.stringify(manifestFor('a', [{ layer: 0, neurons: 4 }])));
    const reads = vi.spyOn(ContainedFolder.prototype, 'read');
    try {
      const cache: ManifestCache = new Map();
      for (let i = 0; i < 3; i++) {
        expect((await scanDataDir(data.path, cache)).datasets.map((d) => d.id)).toEqual(['a']);
      }
      expect(reads).toHaveBeenCalledTimes(1);
      await writeFile(manifest, JSON.stringify(manifestFor('a', [{ layer: 1, neurons: 4 }])));
      await utimes(manifest, new Date(), new Date(Date.now() + 5000));
      const changed = await scanDataDir(data.path, cache);
      expect(changed.datasets[0]?.manifest.layers.map((l) => l.layer)).toEqual([1]);
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      reads.mockRestore();
      await data.remove();
    }
  });

  it('does not read a manifest past the size limit, and says so', async () => {
    const data = await temporaryDirectory('ne-scan-');
    await mkdir(join(data.path, 'huge'));
    const padded = { ...manifestFor('huge', []), padding: 'x'.repeat(47 * 1024 * 1024) };
    await writeFile(join(data.path, 'huge', 'manifest.json'), JSON.stringify(padded));
    try {
      const scan = await scanDataDir(data.path);
      expect(scan.datasets).toEqual([]);
      expect(scan.problems).toEqual([
        'huge/manifest.json: 47.0 MB, more than the 2 MB a manifest may have',
      ]);
    } finally {
      await data.remove();
    }
  });
});
