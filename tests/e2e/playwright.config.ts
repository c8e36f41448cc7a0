/** Playwright settings for `npm run test:e2e` (tests/e2e/run.ts sets the env it reads). */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './chromium.ts';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/e2e-artifacts',
  fullyParallel: false,
  // The machine is shared: one browser at a time, and generous timeouts.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  // The second fails the run when tests that need the real data skip although it is here.
  reporter: [['list'], ['./real-data-reporter.ts']],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
