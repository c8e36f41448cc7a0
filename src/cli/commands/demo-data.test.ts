import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../../tests/support/cli.ts';

describe('demo-data', () => {
  it('writes and ingests the demo dataset into the folder given', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'demo-cli-')), 'demo');
    const result = await cli(['demo-data', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/demo: \d+ files \([\d.]+ MB\) generated in \d+ ms/);
    expect(result.stdout).toMatch(/Ingested demo: 4 layers, \d+ explained neurons/);
  }, 120_000);

  it('refuses a folder holding other data, with a one-line error', async () => {
    const out = await mkdtemp(join(tmpdir(), 'demo-cli-'));
    await mkdir(join(out, 'explanations'));
    await writeFile(join(out, 'notes.txt'), 'mine');
    const result = await cli(['demo-data', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Error: ${out} is not empty and holds no demo dataset: choose an empty or new folder for the demo\n`,
    );
  });
});
