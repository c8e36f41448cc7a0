/**
 * What the proxy benchmarks share: the OpenAI-compatible test server in a process of its own, the
 * proxy started as `npm start` starts it (over a dataset of its own), and readings of a process's
 * memory and CPU.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestFor, temporaryDirectory, writeDataset } from '../tests/support/datasets.ts';
import type { TestServerOptions } from '../tests/support/openai-test-server.ts';
import { freePortInRange } from '../tests/support/ports.ts';

export interface Upstream {
  baseURL: string;
  child: ChildProcess;
  /** Resolves once the server has applied the options (messages arrive in order). */
  configure(options: Partial<TestServerOptions>): Promise<void>;
  /** Milliseconds with a call in flight since it started, and the calls since the last asking. */
  busy(): Promise<{ ms: number; calls: number }>;
  busyMs(): Promise<number>;
  stop(): void;
}

/** The OpenAI-compatible test server (bench/upstream.ts) in a process of its own. */
export async function startUpstream(): Promise<Upstream> {
  const child = fork('bench/upstream.ts', { execArgv: ['--import', 'tsx'] });
  const { baseURL } = await new Promise<{ baseURL: string }>((resolve) =>
    child.once('message', resolve as (message: unknown) => void),
  );
  let asked = 0;
  const upstream: Upstream = {
    baseURL,
    child,
    async configure(options) {
      child.send({ type: 'configure', options });
      await upstream.busy();
    },
    busy() {
      const id = ++asked;
      return new Promise((resolve) => {
        const onMessage = (message: { type: string; id: number; ms: number; calls: number }) => {
          if (message.type !== 'busy' || message.id !== id) return;
          child.off('message', onMessage);
          resolve({ ms: message.ms, calls: message.calls });
        };
        child.on('message', onMessage);
        child.send({ type: 'busy', id });
      });
    },
    async busyMs() {
      return (await upstream.busy()).ms;
    },
    stop() {
      child.send({ type: 'stop' });
    },
  };
  return upstream;
}

/**
 * The proxy (`src/server/main.ts`) in a child process, started as `npm start` starts it (the same
 * Node flags), from `cwd` (another checkout, to compare with it); resolves once it listens.
 */
export async function startProxy(options: {
  env: Record<string, string>;
  cwd?: string | undefined;
}): Promise<ChildProcess> {
  const cwd = options.cwd ?? process.cwd();
  // BENCH_PROFILE=dir writes a CPU profile of the server there.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const { scripts } = JSON.parse(await readFile(join(cwd, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  // `exec node ...`: the shell npm runs the script in is replaced by Node (signals reach it).
  const [node, ...start] = scripts.start.replace(/^exec /, '').split(' ');
  if (node !== 'node') throw new Error(`npm start does not run node: ${scripts.start}`);
  const child = spawn(
    process.execPath,
    [...profile, ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), ...start],
    {
      cwd,
      env: { ...process.env, LOG_REQUESTS: 'false', ...options.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('is running at')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)));
  });
  return child;
}

/** Stops the proxy (SIGTERM, as a service manager would) and waits for it to exit. */
export async function stopProxy(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export interface BenchProxy {
  /** Its address, `http://127.0.0.1:<port>` (no trailing slash). */
  base: string;
  child: ChildProcess;
  /** Stops it and removes its dataset, cache and app folders. */
  stop(): Promise<void>;
}

/**
 * The proxy (startProxy) over a dataset of its own: id `bench`, one layer of `neurons` neurons
 * whose files are `files`, a fresh cache and a one-page app, on a free port, simulating with the
 * OpenAI-compatible server at `upstreamURL`; `env` adds settings. The rate limit is out of reach.
 */
export async function startBenchProxy(options: {
  /** Names its temporary folders. */
  name: string;
  neurons: number;
  /** Its files by path, as writeDataset takes them. */
  files: Record<string, string | Buffer | object>;
  upstreamURL: string;
  apiKey: string;
  env?: Record<string, string>;
  cwd?: string | undefined;
}): Promise<BenchProxy> {
  const data = await temporaryDirectory(`ne-${options.name}-data-`);
  const cacheDir = await temporaryDirectory(`ne-${options.name}-cache-`);
  const appDir = await temporaryDirectory(`ne-${options.name}-app-`);
  const remove = () => Promise.all([data.remove(), cacheDir.remove(), appDir.remove()]);
  try {
    await writeFile(
      join(appDir.path, 'index.html'),
      `<!doctype html><title>${options.name}</title>`,
    );
    await writeDataset(
      data.path,
      manifestFor('bench', [{ layer: 0, neurons: options.neurons }]),
      options.files,
    );
    const port = await freePortInRange();
    const child = await startProxy({
      cwd: options.cwd,
      env: {
        PORT: String(port),
        DATA_DIR: data.path,
        CACHE_DIR: cacheDir.path,
        APP_DIR: appDir.path,
        SIMULATOR: 'openai',
        OPENAI_API_KEY: options.apiKey,
        OPENAI_BASE_URL: options.upstreamURL,
        RATE_LIMIT_MAX: '1000000',
        ...options.env,
      },
    });
    return {
      base: `http://127.0.0.1:${port}`,
      child,
      stop: async () => {
        await stopProxy(child);
        await remove();
      },
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** Resident memory of a process, in MiB. */
export async function rss(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return Math.round(kib / 1024);
}

/** CPU time (user + system) the process has used, in ms. */
export async function cpuMs(child: ChildProcess): Promise<number> {
  const fields = (await readFile(`/proc/${child.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // utime and stime, fields 14 and 15 of stat, in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}
