/** Playwright reporter: fails the run when real-data tests skip with the data present (../support/real-data-guard.ts). */
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { realDataProblems } from '../support/real-data-guard.ts';

/** A run narrowed by name (-g) leaves the other tests out rather than skipping them. */
export default class RealDataReporter implements Reporter {
  private readonly skipped: { file: string; name: string }[] = [];
  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === 'skipped') {
      this.skipped.push({ file: test.location.file, name: test.titlePath().join(' > ') });
    }
  }

  async onEnd(): Promise<{ status?: FullResult['status'] } | undefined> {
    const problems = realDataProblems(this.skipped);
    if (problems.length === 0) return undefined;
    process.stderr.write(`\nReal-data tests did not run:\n${problems.join('\n')}\n`);
    return { status: 'failed' };
  }
}
