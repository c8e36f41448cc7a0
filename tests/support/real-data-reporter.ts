/** Vitest reporter: fails the run when real-data tests skip with the data present (./real-data-guard.ts). */
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { realDataProblems } from './real-data-guard.ts';

export default class RealDataReporter implements Reporter {
  private filtered = false;

  onInit(vitest: Vitest): void {
    // A run narrowed by name (-t) skips the tests it leaves out: nothing to check then.
    this.filtered = vitest.config.testNamePattern !== undefined;
  }

  onTestRunEnd(modules: readonly TestModule[]): void {
    if (this.filtered) return;
    const skipped = modules.flatMap((module) =>
      [...module.children.allTests('skipped')].map((test) => ({
        file: module.moduleId,
        name: test.fullName,
      })),
    );
    const problems = realDataProblems(skipped);
    if (problems.length === 0) return;
    process.exitCode = 1;
    process.stderr.write(`\nReal-data tests did not run:\n${problems.join('\n')}\n`);
  }
}
