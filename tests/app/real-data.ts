/**
 * Real GPT-2 XL files for app unit tests, read from ../shared/data/gpt2-xl (or REAL_DATA_DIR) when
 * present. Tests that need them use `describe.skipIf(!hasRealData)`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** REAL_DATA_DIR, else ../shared/data/gpt2-xl beside the clone (or beside its worktree folder). */
export const realDataDir = resolve(
  process.env.REAL_DATA_DIR ??
    [join(repoRoot, '../shared/data/gpt2-xl'), join(repoRoot, '../../shared/data/gpt2-xl')].find(
      (candidate) => existsSync(candidate),
    ) ??
    join(repoRoot, '../shared/data/gpt2-xl'),
);

export const hasRealData = existsSync(join(realDataDir, 'collated-activations/1/1.json'));

/** The text of a file of the real dataset, by its path in the published layout. */
export function readRealFile(path: string): string {
  return readFileSync(join(realDataDir, path), 'utf8');
}
