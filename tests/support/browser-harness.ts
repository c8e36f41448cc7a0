/**
 * A small page built with Vite, served on loopback and opened in headless Chromium: how the
 * model runner's browser path is tested (src/app/model/browser.test.ts) and measured
 * (bench/model-browser.ts) without the app's pages. The server sends the cross-origin isolation
 * headers (COOP/COEP) that WebAssembly threads need, supports HTTP ranges, and can serve extra
 * folders (model checkpoints) under prefixes.
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
};

/** Builds the page whose index.html is in `root` into `outDir`. */
export async function buildHarness(root: string, outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    root,
    configFile: false,
    base: './',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
    worker: { format: 'es' },
  });
}

export interface HarnessServer {
  url: string;
  /** Requests served, by path (to check what a page fetched). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `dir` at `/` and each of `mounts` (prefix -> folder) under its prefix, with ranges and
 * cross-origin isolation.
 */
export async function serveHarness(
  dir: string,
  mounts: Record<string, string> = {},
): Promise<HarnessServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(path);
    response.setHeader('cross-origin-opener-policy', 'same-origin');
    response.setHeader('cross-origin-embedder-policy', 'require-corp');
    response.setHeader('cache-control', 'no-store');
    let file: string | null = null;
    for (const [prefix, folder] of Object.entries(mounts)) {
      if (path.startsWith(prefix)) file = join(folder, normalize(path.slice(prefix.length)));
    }
    file ??= join(dir, normalize(path === '/' ? '/index.html' : path));
    if (!existsSync(file) || !statSync(file).isFile()) {
      response.statusCode = 404;
      response.end('not found');
      return;
    }
    const size = statSync(file).size;
    response.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    response.setHeader('accept-ranges', 'bytes');
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      response.statusCode = 206;
      response.setHeader('content-range', `bytes ${start}-${end}/${size}`);
      response.setHeader('content-length', String(end - start + 1));
      createReadStream(file, { start, end }).pipe(response);
      return;
    }
    response.setHeader('content-length', String(size));
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * Headless Chromium; `webgpu` asks for WebGPU on whatever adapter there is (here, with no GPU,
 * SwiftShader's Vulkan in software, when Chromium has it).
 */
export function launchChromium({ webgpu = false }: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = webgpu
    ? [
        ...CHROMIUM_ARGS.filter((flag) => flag !== '--disable-gpu'),
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
        '--use-webgpu-adapter=swiftshader',
      ]
    : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: findChromium(), args });
}

/**
 * Proportional set size (MB) of a process's descendants (shared pages counted once): with this
 * process's pid, the browsers it launched.
 */
export function descendantsPssMb(pid: number = process.pid): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirProc()) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), entry]);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    try {
      const rollup = readFileSync(`/proc/${next}/smaps_rollup`, 'utf8');
      total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // Gone.
    }
    stack.push(...(children.get(next) ?? []));
  }
  return total / 1024;
}

function readdirProc(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}
