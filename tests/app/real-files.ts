/** Real GPT-2 XL files for app unit tests (which may not import node:fs themselves). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { realDataDir } from '../real-data.ts';

const dir = realDataDir();

/** True when the shared real data is on this machine; tests that need it skip otherwise. */
export const hasRealData = dir !== null;

/** The text of a real file by its path in the published layout. */
export function readRealFile(path: string): string {
  if (dir === null) throw new Error('The real GPT-2 XL data is not on this machine');
  return readFileSync(join(dir, path), 'utf8');
}
