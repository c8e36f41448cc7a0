/**
 * Finds a Chromium for the e2e tests and benchmarks: $CHROMIUM_PATH, the system's chromium,
 * chromium-browser or google-chrome, else Playwright's own download (installed on demand with
 * `npx playwright install chromium` when nothing else is there).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** The flags every launch uses (sandbox off for containers, no background traffic). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function onPath(command: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : null;
}

function playwrightChromium(): string | null {
  try {
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

export function findChromium({ install = true } = {}): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const system =
    ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path)) ??
    onPath('chromium') ??
    onPath('chromium-browser') ??
    onPath('google-chrome') ??
    onPath('google-chrome-stable');
  if (system) return system;
  const cached = playwrightChromium();
  if (cached) return cached;
  if (!install) throw new Error('No Chromium found (set CHROMIUM_PATH)');
  process.stderr.write('No Chromium found: running `npx playwright install chromium` ...\n');
  execFileSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' });
  const installed = playwrightChromium();
  if (!installed) throw new Error('`npx playwright install chromium` did not leave a Chromium');
  return installed;
}
