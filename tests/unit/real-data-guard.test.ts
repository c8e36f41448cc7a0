import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { realDataProblems } from '../support/real-data-guard.ts';

describe('the real-data guard', () => {
  let root: string;
  let usesData: string;
  let other: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'real-data-guard-'));
    usesData = join(root, 'reads.test.ts');
    other = join(root, 'other.test.ts');
    writeFileSync(usesData, "import { realDataDir } from '../../tests/real-data.ts';\n");
    writeFileSync(other, "import { it } from 'vitest';\n");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(root, { recursive: true, force: true });
  });

  const skipped = () => [
    { file: usesData, name: 'reads a real file' },
    { file: other, name: 'needs redis' },
  ];

  it('names a skipped real-data test when the data is present, and no other skipped test', () => {
    const data = join(root, 'gpt2-xl');
    mkdirSync(join(data, 'explanations'), { recursive: true });
    vi.stubEnv('GPT2_XL_DATA', data);
    expect(realDataProblems(skipped())).toEqual([
      `skipped although the real data is at ${data}: ${usesData}: reads a real file`,
    ]);
    expect(realDataProblems([{ file: other, name: 'needs redis' }])).toEqual([]);
  });

  it('lets real-data tests skip without the data, unless REQUIRE_REAL_DATA=1', () => {
    vi.stubEnv('GPT2_XL_DATA', join(root, 'absent'));
    expect(realDataProblems(skipped())).toEqual([]);
    vi.stubEnv('REQUIRE_REAL_DATA', '1');
    expect(realDataProblems([])).toEqual([
      expect.stringContaining('REQUIRE_REAL_DATA=1 but the real GPT-2 XL data was not found'),
    ]);
  });
});
