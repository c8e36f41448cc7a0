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
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
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

function chromiumArgs(webgpu: boolean): string[] {
  return webgpu
    ? [
        ...CHROMIUM_ARGS.filter((flag) => flag !== '--disable-gpu'),
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
        '--use-webgpu-adapter=swiftshader',
      ]
    : CHROMIUM_ARGS;
}

/**
 * Headless Chromium; `webgpu` asks for WebGPU on whatever adapter there is (here, with no GPU,
 * SwiftShader's Vulkan in software, when Chromium has it). Its pages are in off-the-record
 * contexts, whose storage (OPFS too) is kept in memory: see launchChromiumProfile.
 */
export function launchChromium({ webgpu = false }: { webgpu?: boolean } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: chromiumArgs(webgpu) });
}

/**
 * Headless Chromium with an on-disk profile in `userDataDir`, as a user's browser keeps its
 * storage (an off-the-record context holds OPFS files in the browser process's memory).
 */
export function launchChromiumProfile(
  userDataDir: string,
  { webgpu = false }: { webgpu?: boolean } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    args: chromiumArgs(webgpu),
  });
}

export interface ProcessMemory {
  pid: number;
  name: string;
  /** Proportional set size, MB: every page the process maps, shared ones divided among sharers. */
  mb: number;
  /**
   * The part of it that is the process's own memory (anonymous and shared memory), not pages of
   * files it maps (which the kernel can drop: a checkpoint read from disk shows up there).
   */
  ownMb: number;
}

/** Each descendant process of `pid` with its proportional set size. */
export function descendantsPss(pid: number = process.pid): ProcessMemory[] {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of readdirProc()) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), entry]);
      // Chromium rewrites its command line into one string: find the program and its --type.
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const type = /--type=(\S+)/.exec(cmdline)?.[1];
      names.set(entry, `${cmdline.split(' ')[0]!.split('/').pop()}${type ? ` (${type})` : ''}`);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: ProcessMemory[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    try {
      const rollup = readFileSync(`/proc/${next}/smaps_rollup`, 'utf8');
      const field = (name: string) =>
        Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) / 1024;
      out.push({
        pid: next,
        name: names.get(next) ?? '?',
        mb: field('Pss'),
        ownMb: field('Pss_Anon') + field('Pss_Shmem'),
      });
    } catch {
      // Gone.
    }
    stack.push(...(children.get(next) ?? []));
  }
  return out;
}

/**
 * Proportional set size (MB) of a process's descendants (shared pages counted once): with this
 * process's pid, the browsers it launched.
 */
export function descendantsPssMb(pid: number = process.pid): number {
  return descendantsPss(pid).reduce((sum, p) => sum + p.mb, 0);
}

function readdirProc(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}
