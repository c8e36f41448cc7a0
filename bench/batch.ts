/**
 * Batch jobs against the local instant OpenAI-compatible test server (tests/support, in a process
 * of its own, answering with logprobs as real servers do), over a dataset of 5 copies of the demo's
 * neurons (635 neurons, 20 simulation calls each). Reports:
 *
 * - throughput: neurons/s over a whole job (planning, writing and finalizing included), each run in
 *   a child process; target >= 20 neurons/s;
 * - overhead per neuron: one neuron at a time, the job's time minus the time the upstream had a
 *   call in flight, per neuron;
 * - resume after kill -9: a job killed half-way and resumed loses no finished neuron and redoes
 *   none (their files untouched), and ends with every neuron.
 *
 *   npm run bench:batch [-- --runs 3] [-- --concurrency 16]
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Journal } from '../src/node/batch/journal.ts';
import { writeDemoCopies } from '../tests/support/demo-copies.ts';
import { REPOSITORY } from './scale-fixture.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const runs = Number(flag('--runs') ?? 3);
const concurrency = Number(flag('--concurrency') ?? 16);
const COPIES = 5;
const TARGET = 20;

const work = join(REPOSITORY, 'fixtures-out', 'batch');
const data = join(work, 'data', 'demo-x5');

async function prepare(): Promise<void> {
  if (existsSync(join(data, 'manifest.json'))) return;
  rmSync(work, { recursive: true, force: true });
  await writeDemoCopies(work, data, COPIES);
}

interface Upstream {
  baseURL: string;
  configure(options: Record<string, unknown>): void;
  busy(): Promise<{ ms: number; calls: number }>;
  stop(): Promise<void>;
}

async function startUpstream(): Promise<Upstream> {
  const child = fork(join(REPOSITORY, 'bench', 'upstream.ts'), { execArgv: ['--import', 'tsx'] });
  const baseURL = await new Promise<string>((resolve) =>
    child.once('message', (m: { baseURL: string }) => resolve(m.baseURL)),
  );
  let id = 0;
  return {
    baseURL,
    configure: (options) => child.send({ type: 'configure', options }),
    busy: () =>
      new Promise((resolve) => {
        const mine = ++id;
        const onMessage = (m: { type: string; id: number; ms: number; calls: number }) => {
          if (m.type !== 'busy' || m.id !== mine) return;
          child.off('message', onMessage);
          resolve({ ms: m.ms, calls: m.calls });
        };
        child.on('message', onMessage);
        child.send({ type: 'busy', id: mine });
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

interface ChildFigures {
  text: string;
  seconds: number;
  cpuSeconds: number;
  done: number;
  failed: number;
  calls: number;
  peakRssBytes: number;
}

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
function runChild(
  out: string,
  baseURL: string,
  jobConcurrency: number,
  limit?: number,
): ChildFigures {
  rmSync(out, { recursive: true, force: true });
  const stdout = execFileSync(
    process.execPath,
    [
      tsx,
      join(REPOSITORY, 'bench', 'batch-child.ts'),
      data,
      out,
      baseURL,
      String(jobConcurrency),
      ...(limit ? [String(limit)] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildFigures;
}

function cliBatch(out: string, baseURL: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      tsx,
      'src/cli/main.ts',
      'batch',
      '--data',
      data,
      '--out',
      out,
      '--concurrency',
      String(concurrency),
      '--no-progress',
    ],
    {
      cwd: REPOSITORY,
      stdio: 'ignore',
      env: {
        ...process.env,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: baseURL,
        SIMULATOR_MODEL: 'test-simulator',
      },
    },
  );
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

await prepare();
const upstream = await startUpstream();
const summary: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}`,
  loadAverageBefore: loadavg().map((l) => round(l, 2)),
  concurrency,
};
try {
  // Throughput.
  const throughput: (ChildFigures & { load: number })[] = [];
  for (let run = 0; run < runs; run += 1) {
    const load = round(loadavg()[0] ?? 0, 2);
    const figures = runChild(join(work, 'out'), upstream.baseURL, concurrency);
    throughput.push({ ...figures, load });
    const rate = (figures.done + figures.failed) / figures.seconds;
    console.log(
      `run ${run + 1}/${runs} (load ${load}): ${rate.toFixed(1)} neurons/s, ${figures.done} done, ${figures.failed} failed, ` +
        `${figures.calls} calls in ${figures.seconds.toFixed(1)} s, CPU ${figures.cpuSeconds.toFixed(1)} s, peak RSS ${(figures.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
    );
  }
  const rates = throughput.map((f) => (f.done + f.failed) / f.seconds);
  const rate = median(rates);
  summary.throughput = {
    neurons: (throughput[0]?.done ?? 0) + (throughput[0]?.failed ?? 0),
    callsPerNeuron: round((throughput[0]?.calls ?? 0) / (throughput[0]?.done || 1)),
    medianNeuronsPerSecond: round(rate),
    runs: rates.map((r) => round(r)),
    cpuMsPerNeuron: round(
      median(throughput.map((f) => (f.cpuSeconds * 1000) / (f.done + f.failed))),
    ),
    peakRssMB: Math.round(Math.max(...throughput.map((f) => f.peakRssBytes)) / 2 ** 20),
    loadAtStart: throughput.map((f) => f.load),
  };
  console.log(
    `throughput: median ${rate.toFixed(1)} neurons/s (${rate >= TARGET ? 'meets' : 'MISSES'} target >= ${TARGET})`,
  );

  // The same, with an upstream that answers without logprobs (as many local servers do):
  // answers a tenth of the size.
  upstream.configure({ mode: 'no-logprobs' });
  const plain: ChildFigures[] = [];
  for (let run = 0; run < runs; run += 1) {
    const figures = runChild(join(work, 'out'), upstream.baseURL, concurrency);
    plain.push(figures);
    console.log(
      `without logprobs, run ${run + 1}/${runs}: ${((figures.done + figures.failed) / figures.seconds).toFixed(1)} neurons/s, CPU ${figures.cpuSeconds.toFixed(1)} s`,
    );
  }
  const plainRate = median(plain.map((f) => (f.done + f.failed) / f.seconds));
  summary.throughputWithoutLogprobs = {
    medianNeuronsPerSecond: round(plainRate),
    runs: plain.map((f) => round((f.done + f.failed) / f.seconds)),
    cpuMsPerNeuron: round(median(plain.map((f) => (f.cpuSeconds * 1000) / (f.done + f.failed)))),
  };
  console.log(
    `without logprobs: median ${plainRate.toFixed(1)} neurons/s (${plainRate >= TARGET ? 'meets' : 'MISSES'} target >= ${TARGET})`,
  );
  upstream.configure({ mode: 'correct' });

  // Overhead per neuron, one at a time.
  const before = await upstream.busy();
  const single = runChild(join(work, 'out-single'), upstream.baseURL, 1, 40);
  const after = await upstream.busy();
  const neurons = single.done + single.failed;
  const overheadMs = (single.seconds * 1000 - (after.ms - before.ms)) / neurons;
  summary.overhead = {
    neurons,
    msPerNeuron: round((single.seconds * 1000) / neurons),
    upstreamMsPerNeuron: round((after.ms - before.ms) / neurons),
    overheadMsPerNeuron: round(overheadMs),
    cpuMsPerNeuron: round((single.cpuSeconds * 1000) / neurons),
  };
  console.log(
    `one neuron at a time: ${round((single.seconds * 1000) / neurons)} ms per neuron, of which upstream ${round((after.ms - before.ms) / neurons)} ms: overhead ${round(overheadMs)} ms per neuron`,
  );

  // Resume after kill -9.
  const out = join(work, 'out-killed');
  rmSync(out, { recursive: true, force: true });
  const child = cliBatch(out, upstream.baseURL);
  const total = 5 * 127;
  while (Journal.doneNeurons(out).length < total / 2) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const finished = Journal.doneNeurons(out);
  const inodes = new Map(
    finished.map(({ layer, neuron }) => [
      `${layer}/${neuron}`,
      statSync(join(out, 'explanations', String(layer), `${neuron}.jsonl`)).ino,
    ]),
  );
  const resumeStarted = performance.now();
  const resumed = cliBatch(out, upstream.baseURL);
  const code = await new Promise<number | null>((r) => resumed.once('exit', r));
  const resumeSeconds = (performance.now() - resumeStarted) / 1000;
  let redone = 0;
  let lost = 0;
  for (const [key, inode] of inodes) {
    const [layer, neuron] = key.split('/');
    const path = join(out, 'explanations', layer!, `${neuron}.jsonl`);
    if (!existsSync(path)) lost += 1;
    else if (statSync(path).ino !== inode) redone += 1;
  }
  const batch = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8')) as {
    done: number;
    failed: unknown[];
    neurons: number;
  };
  summary.resume = {
    killedAfter: finished.length,
    exitCode: code,
    redone,
    lost,
    finalDone: batch.done,
    finalFailed: batch.failed.length,
    neurons: batch.neurons,
    resumeSeconds: round(resumeSeconds),
  };
  console.log(
    `kill -9 after ${finished.length} neurons, resumed (exit ${code}) in ${resumeSeconds.toFixed(1)} s: ` +
      `${lost} finished neurons lost, ${redone} redone; ${batch.done} done + ${batch.failed.length} failed of ${batch.neurons}`,
  );
} finally {
  await upstream.stop();
}
summary.loadAverageAfter = loadavg().map((l) => round(l, 2));
mkdirSync(join(REPOSITORY, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(REPOSITORY, 'bench', 'results', 'batch.json'),
  `${JSON.stringify(summary, null, 2)}\n`,
);
