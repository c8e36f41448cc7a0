/**
 * Makes a test run fail when tests that need the real GPT-2 XL data were skipped although the data
 * is on this machine (a test that reads a path of its own, or a condition that is never true, would
 * otherwise pass silently by never running). With REQUIRE_REAL_DATA=1 a run also fails when the
 * data is not found at all. A real-data test is one in a file that uses tests/real-data.ts or
 * tests/app/real-files.ts. Used by the vitest reporter below and by the Playwright one in
 * tests/e2e/real-data-reporter.ts.
 */
import { readFileSync } from 'node:fs';
import { realDataDir } from '../real-data.ts';

const USES_REAL_DATA = /from '[^']*\/(?:real-data|real-files)\.ts'/;

/** Whether a test file reads the real data (imports the helpers that find it). */
export function usesRealData(file: string): boolean {
  try {
    return USES_REAL_DATA.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

/** The sentences that make the run fail, or none. `skipped`: file and name of each skipped test. */
export function realDataProblems(skipped: readonly { file: string; name: string }[]): string[] {
  const dir = realDataDir();
  if (dir === null) {
    return process.env.REQUIRE_REAL_DATA === '1'
      ? [
          'REQUIRE_REAL_DATA=1 but the real GPT-2 XL data was not found: set GPT2_XL_DATA or put it at ../shared/data/gpt2-xl',
        ]
      : [];
  }
  const files = new Map<string, boolean>();
  const needed = skipped.filter(({ file }) => {
    if (!files.has(file)) files.set(file, usesRealData(file));
    return files.get(file);
  });
  return needed.map(
    ({ file, name }) => `skipped although the real data is at ${dir}: ${file}: ${name}`,
  );
}
