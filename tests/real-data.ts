/** The real GPT-2 XL data for tests (null when absent: tests that need it skip). */
import { sharedGpt2XlDir } from '../src/node/shared-data.ts';

export function realDataDir(): string | null {
  return sharedGpt2XlDir();
}
