/**
 * The e2e environment shared by `npm run test:e2e` and the benchmarks: the built app, a temporary
 * DATA_DIR (the demo dataset, and GPT-2 XL ingested from the shared real data when present), and
 * the real server on a free port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { appBuildState, buildApp, repoRoot } from '../../src/node/app-build.ts';
import { ensureDemoDataset } from '../../src/node/demo.ts';
import { realDataDir } from '../real-data.ts';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
  type TestServerOptions,
} from '../support/openai-test-server.ts';

export { repoRoot };

const tsx = join(repoRoot, 'node_modules/.bin/tsx');

function log(message: string) {
  process.stderr.write(`[e2e] ${message}\n`);
}

/** Builds the app into dist/ unless dist is newer than every source it is built from. */
export async function buildAppIfNeeded(): Promise<string> {
  const dist = join(repoRoot, 'dist');
  if (appBuildState(dist) !== 'fresh') {
    log('building the app (vite build) ...');
    await buildApp(dist);
  }
  return dist;
}

export interface DataDir {
  path: string;
  /** Ids of the datasets prepared here (the server adds the demo dataset itself). */
  ingested: string[];
  remove: () => void;
}

/**
 * A temporary DATA_DIR holding GPT-2 XL ingested from the shared real data, when present.
 * E2E_DATA_DIR names an existing one to use as it is instead (kept afterwards).
 */
export function prepareDataDir(): DataDir {
  const given = process.env.E2E_DATA_DIR;
  if (given) {
    const ingested = readdirSync(given).filter((entry) =>
      existsSync(join(given, entry, 'manifest.json')),
    );
    return { path: resolve(given), ingested, remove: () => {} };
  }
  const path = mkdtempSync(join(tmpdir(), 'neuron-explorer-e2e-'));
  const ingested: string[] = [];
  const real = realDataDir();
  const cli = join(repoRoot, 'src/cli/main.ts');
  if (real && existsSync(cli)) {
    log(`ingesting ${real} ...`);
    const result = spawnSync(
      tsx,
      [cli, 'ingest', '--source', real, '--out', join(path, 'gpt2-xl'), '--no-progress'],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (result.status !== 0) throw new Error('ingest of the real GPT-2 XL data failed');
    ingested.push('gpt2-xl');
  } else if (!real) {
    log('no real GPT-2 XL data (set GPT2_XL_DATA): its tests skip');
  } else {
    log('src/cli/main.ts is missing: cannot ingest the real data; its tests skip');
  }
  return { path, ingested, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The demo re-scored by a batch job, for the comparison's tests (tests/e2e/compare.spec.ts). */
export const RESCORED_DEMO = 'demo-rescored';

/**
 * Writes the demo dataset into DATA_DIR (the server then finds it current) and re-scores it with
 * `cli batch` against the local OpenAI-compatible test server, whose simulator fires on the words
 * an explanation names: other scores than the demo's baseline, as a user's batch would give.
 */
export async function addRescoredDemo(data: DataDir): Promise<void> {
  // An E2E_DATA_DIR is used as it is: its comparison tests skip unless it holds the copy.
  if (data.ingested.includes(RESCORED_DEMO) || process.env.E2E_DATA_DIR) return;
  const dataDir = data.path;
  const { path: demo } = await ensureDemoDataset(dataDir);
  const server = await startOpenAiTestServer({});
  try {
    log('re-scoring the demo with cli batch against the local test server ...');
    // Not spawnSync: the test server answers from this process's event loop.
    const batch = spawn(
      tsx,
      [
        join(repoRoot, 'src/cli/main.ts'),
        'batch',
        '--data',
        demo,
        '--out',
        join(dataDir, RESCORED_DEMO),
        '--id',
        RESCORED_DEMO,
        '--title',
        'Demo, re-scored',
        '--no-progress',
      ],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          OPENAI_API_KEY: 'sk-test',
          OPENAI_BASE_URL: server.baseURL,
          SIMULATOR_MODEL: 'test-simulator',
        },
      },
    );
    const status = await new Promise<number | null>((done) => batch.once('exit', done));
    if (status !== 0) throw new Error('cli batch over the demo dataset failed');
    data.ingested.push(RESCORED_DEMO);
  } finally {
    await server.close();
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/** The first free port from E2E_PORT (default 8210) upward. */
export async function freePort(start = Number(process.env.E2E_PORT ?? 8210)): Promise<number> {
  for (let port = start; port < start + 90; port++) if (await portIsFree(port)) return port;
  throw new Error(`no free port in ${start}..${start + 89}`);
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts `src/server/main.ts` and waits until /api/health answers. */
export async function startServer(options: {
  dataDir: string;
  appDir: string;
  port: number;
  env?: Record<string, string>;
}): Promise<RunningServer> {
  const url = `http://127.0.0.1:${options.port}/`;
  const child = spawn(tsx, [join(repoRoot, 'src/server/main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      APP_DIR: options.appDir,
      CACHE_DIR: join(options.dataDir, '.cache'),
      MODELS_DIR: join(options.dataDir, '.models'),
      LOG_REQUESTS: 'false',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // Never leave the server behind, even when the caller crashes.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
    try {
      const response = await fetch(`${url}api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the server did not answer /api/health within 120 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  log(`server up at ${url}`);
  return {
    url,
    process: child,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export interface ServerWithTestLlm {
  server: RunningServer;
  llm: OpenAiTestServer;
  /** Stops both and removes the server's DATA_DIR. */
  stop: () => Promise<void>;
}

/**
 * A second server beside the main e2e one, in a DATA_DIR of its own, whose simulator and
 * explainer are the OpenAI-compatible test server (set up with `llm`). It fails at once instead of
 * retrying behind the user's back; `env` adds settings.
 */
export async function startServerWithTestLlm(options: {
  llm: Partial<TestServerOptions>;
  /** Names the temporary DATA_DIR. */
  name: string;
  /** Its port, counted from E2E_PORT, in the same range as the main server. */
  portOffset: number;
  env?: Record<string, string>;
}): Promise<ServerWithTestLlm> {
  const llm = await startOpenAiTestServer(options.llm);
  const dataDir = mkdtempSync(join(tmpdir(), `neuron-explorer-e2e-${options.name}-`));
  const stop = async (server?: RunningServer) => {
    await server?.stop();
    await llm.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const server = await startServer({
      dataDir,
      appDir: join(repoRoot, 'dist'),
      port: await freePort(Number(process.env.E2E_PORT ?? 8210) + options.portOffset),
      env: {
        SIMULATOR: 'openai',
        OPENAI_BASE_URL: llm.baseURL,
        OPENAI_API_KEY: 'test-key',
        SIMULATOR_MODEL: 'test-simulator',
        EXPLAINER_MODEL: 'test-explainer',
        UPSTREAM_MAX_RETRIES: '0',
        ...options.env,
      },
    });
    return { server, llm, stop: () => stop(server) };
  } catch (error) {
    await stop();
    throw error;
  }
}
