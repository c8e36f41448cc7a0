/**
 * A batch job across processes through one real redis-server: a 2,000-neuron job (16 copies of
 * the demo's neurons) planned and collected by one process, drained by two `worker` processes,
 * the simulator behind the OpenAI-compatible test server (its own process, answering with
 * logprobs). Reports the time to drain, neurons/s, and what each worker computed: no neuron twice,
 * none left out.
 *
 *   npm run bench:batch-queue [-- --workers 2]
 */
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeDemoCopies } from '../tests/support/demo-copies.ts';
import { redisServerMissing, startRedis } from '../tests/support/redis.ts';
import { REPOSITORY } from './scale-fixture.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const workerCount = Number(flag('--workers') ?? 2);
const NEURONS = 2000;

if (redisServerMissing()) process.exit(1);
const work = join(REPOSITORY, 'fixtures-out', 'batch-queue');
const data = join(work, 'data', 'demo-x16');
if (!existsSync(join(data, 'manifest.json'))) {
  rmSync(work, { recursive: true, force: true });
  await writeDemoCopies(work, data, 16);
}

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const execFileAsync = promisify(execFile);
const redis = await startRedis();
const upstream = fork(join(REPOSITORY, 'bench', 'upstream.ts'), { execArgv: ['--import', 'tsx'] });
const baseURL = await new Promise<string>((resolve) =>
  upstream.once('message', (m: { baseURL: string }) => resolve(m.baseURL)),
);
const workers: { child: ChildProcess; out: () => string }[] = [];
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const load = loadavg().map((l) => round(l, 2));
try {
  for (let i = 0; i < workerCount; i += 1) {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'worker',
        '--redis',
        redis.url,
        '--verbose',
        '--no-answers',
        '--concurrency',
        '16',
        '--max-calls',
        '64',
      ],
      {
        cwd: REPOSITORY,
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseURL },
      },
    );
    let text = '';
    child.stdout?.on('data', (chunk) => (text += String(chunk)));
    workers.push({ child, out: () => text });
  }
  const out = join(work, 'out');
  rmSync(out, { recursive: true, force: true });
  // Asynchronous: the workers' output is read while the job runs.
  const { stdout } = await execFileAsync(
    process.execPath,
    [tsx, join(REPOSITORY, 'bench', 'batch-child.ts'), data, out, baseURL, '16', String(NEURONS)],
    { encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, REDIS_URL: redis.url } },
  );
  const job = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    seconds: number;
    done: number;
    failed: number;
  };
  const computed = workers.map((w) =>
    w
      .out()
      .split('\n')
      .filter((line) => /^(done|failed) /.test(line))
      .map((line) => line.split(' ')[1]!.replace(/:$/, '')),
  );
  const all = computed.flat();
  const distinct = new Set(all);
  const summary = {
    date: new Date().toISOString(),
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}`,
    loadAverageBefore: load,
    workers: workerCount,
    neurons: job.done + job.failed,
    seconds: round(job.seconds),
    neuronsPerSecond: round((job.done + job.failed) / job.seconds),
    perWorker: computed.map((c) => c.length),
    computedTwice: all.length - distinct.size,
    leftOut: NEURONS - distinct.size,
    loadAverageAfter: loadavg().map((l) => round(l, 2)),
  };
  console.log(
    `${workerCount} workers drained ${summary.neurons} neurons in ${summary.seconds} s (${summary.neuronsPerSecond} neurons/s; ` +
      `per worker ${summary.perWorker.join(' + ')}): ${summary.computedTwice} computed twice, ${summary.leftOut} left out (load ${load[0]} before)`,
  );
  mkdirSync(join(REPOSITORY, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(REPOSITORY, 'bench', 'results', 'batch-queue.json'),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
} finally {
  for (const { child } of workers) child.kill('SIGINT');
  await Promise.all(
    workers.map(
      ({ child }) =>
        new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r))),
    ),
  );
  upstream.send({ type: 'stop' });
  await new Promise((r) => upstream.once('exit', r));
  await redis.stop();
}
