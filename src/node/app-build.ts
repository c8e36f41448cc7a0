/**
 * The built app (`vite build` into dist/): whether it is missing or older than its sources, and
 * building it. Used by `npm start` and by the e2e tests and benchmarks.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** What the app is built from. */
const APP_SOURCES = [
  'src/app',
  'src/core',
  'index.html',
  'public',
  'vite.config.ts',
  'package.json',
];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry.endsWith('.test.ts') || entry.endsWith('.test.tsx')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * 'missing' without an index.html; 'stale' when a source in this checkout is newer than it (only
 * checked for the checkout's own dist/: an app built elsewhere is taken as it is).
 */
export function appBuildState(appDir: string): 'missing' | 'stale' | 'fresh' {
  const index = join(appDir, 'index.html');
  if (!existsSync(index)) return 'missing';
  if (resolve(appDir) !== join(repoRoot, 'dist')) return 'fresh';
  const newestSource = Math.max(
    ...APP_SOURCES.map((path) => join(repoRoot, path))
      .filter(existsSync)
      .map(newestMtime),
  );
  return statSync(index).mtimeMs > newestSource ? 'fresh' : 'stale';
}

/** Builds the app into `appDir` with Vite's JavaScript API. */
export async function buildApp(appDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    root: repoRoot,
    configFile: join(repoRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: resolve(appDir), emptyOutDir: true },
  });
}

/**
 * How the build compresses each text file it writes (a .br and a .gz beside it, vite.config.ts),
 * at the highest settings: what rewrites a built file later (the server's index.html, cli static)
 * compresses the same way.
 */
export const BUILD_BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } };
export const BUILD_GZIP = { level: 9 };

/** A built file's compressed copies, as the build makes them. */
export function compressLikeTheBuild(content: Buffer | string): { br: Buffer; gz: Buffer } {
  return { br: brotliCompressSync(content, BUILD_BROTLI), gz: gzipSync(content, BUILD_GZIP) };
}
