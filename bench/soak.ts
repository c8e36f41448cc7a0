/**
 * Issue 13's numbers, run by `npm run bench:soak` (`-- --quick` for a short run): the proxy as
 * `npm start` runs it (default UPSTREAM_CONCURRENCY, 16), the OpenAI-compatible test server in a
 * second process, the load in this one.
 *
 *   fairness   a second client's one simulation, alone and while a first client runs 30 at once
 *              (600 upstream calls queued), each client on an address of its own; the test server
 *              takes UPSTREAM_LATENCY_MS per call, as an LLM does, so the upstream cap is what
 *              they share. At most 2x is the target.
 *   soak       200 clients for 30 s on a mix of routes: new simulations (1 in 5), cached ones
 *              (2 in 5) and dataset files (2 in 5): every status and error code counted, the
 *              proxy's resident memory every 5 s.
 *   failing    the same with a test server that fails every call (HTTP 500): no 5xx but the
 *              documented upstream errors (502/503/504 upstream_error), how many upstream calls
 *              that took (the circuit breaker), and memory.
 *
 * `--server-dir DIR` runs the proxy of another checkout (e.g. main, for the figures before a
 * change). Results are printed and written to bench/results/soak.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import type { ApiErrorResponse } from '../src/core/api/errors.ts';
import { catNeuronRecord } from '../tests/support/datasets.ts';
import { median, rss, startBenchProxy, startUpstream } from './harness.ts';

const quick = process.argv.includes('--quick');
const serverDirFlag = process.argv.indexOf('--server-dir');
const serverDir = serverDirFlag > 0 ? process.argv[serverDirFlag + 1] : undefined;
/**
 * Per call, as a fast LLM takes to write a 64-token record back (the probe measured 2.2 s for a
 * simulation alone: two rounds of 16 calls, about 1 s each).
 */
const UPSTREAM_LATENCY_MS = 500;
/** The soak's: short, so that new simulations are many. */
const SOAK_LATENCY_MS = 20;
const SOAK_SECONDS = quick ? 10 : 30;
const BUSY_SIMULATIONS = 30;
const NEURONS = 8;

const upstream = await startUpstream();
// Records of 64 tokens, as in the published data, for every neuron of the layer.
const bench = await startBenchProxy({
  name: 'soak',
  neurons: NEURONS,
  files: Object.fromEntries(
    Array.from({ length: NEURONS }, (_, neuron) => [
      `collated-activations/0/${neuron}.json`,
      catNeuronRecord(0, neuron, 64),
    ]),
  ),
  upstreamURL: upstream.baseURL,
  apiKey: 'sk-bench-soak-key',
  cwd: serverDir,
});
const { base, child: proxy } = bench;

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, loadAverage: loadavg() },
  node: process.version,
  server: serverDir ?? 'this checkout',
};

let serial = 0;
const simulation = (neuron: number, explanation: string) =>
  JSON.stringify({ dataset: 'bench', layer: 0, neuron, explanation });
const fresh = () =>
  simulation(serial % NEURONS, `the word "cat" (variant ${process.pid}-${serial++})`);

/** A client on an address of its own (the proxy shares the upstream between addresses). */
function clientAt(localAddress: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return {
    simulate(body: string): Promise<{ ms: number; status: number }> {
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const sent = request(
          `${base}/api/simulate`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            localAddress,
            agent,
          },
          (response) => {
            response.resume();
            response.once('end', () =>
              resolve({ ms: performance.now() - started, status: response.statusCode ?? 0 }),
            );
          },
        );
        sent.once('error', reject);
        sent.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

try {
  // 1. Fairness.
  await upstream.configure({ latencyMs: UPSTREAM_LATENCY_MS });
  const busyClient = clientAt('127.0.0.2');
  const second = clientAt('127.0.0.3');
  const alone: number[] = [];
  for (let i = 0; i < 3; i++) alone.push((await second.simulate(fresh())).ms);
  const busyStarted = performance.now();
  const busyRuns = Array.from({ length: BUSY_SIMULATIONS }, () => busyClient.simulate(fresh()));
  // Its 600 calls are queued once the cap's worth are in flight.
  await new Promise((resolve) => setTimeout(resolve, UPSTREAM_LATENCY_MS / 2));
  const during = await second.simulate(fresh());
  const busy = await Promise.all(busyRuns);
  results.fairness = {
    upstreamLatencyMs: UPSTREAM_LATENCY_MS,
    busySimulations: BUSY_SIMULATIONS,
    secondAloneMs: median(alone),
    secondDuringMs: during.ms,
    ratio: during.ms / median(alone),
    busyClientMs: performance.now() - busyStarted,
    statuses: [during.status, ...busy.map((b) => b.status)].filter((s) => s !== 200).length,
  };
  busyClient.close();
  second.close();

  // 2. Soak on a mix of routes, the upstream answering.
  await upstream.configure({ latencyMs: SOAK_LATENCY_MS });
  const primed = Array.from({ length: 64 }, fresh);
  const primer = clientAt('127.0.0.4');
  for (const body of primed) await primer.simulate(body);
  primer.close();
  results.soak = await soak(primed);

  // 3. The same with an upstream that fails every call.
  await upstream.configure({ mode: 'server-error' });
  results.failing = await soak(primed);
  results.loadAverageAtEnd = loadavg();
} finally {
  await bench.stop();
  upstream.stop();
}

await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/soak.json', `${JSON.stringify(results, null, 2)}\n`);
printReport(results);

/** 200 clients for SOAK_SECONDS on the mix of routes. */
async function soak(primed: string[]) {
  const statuses: Record<string, number> = {};
  const codes: Record<string, number> = {};
  let turn = 0;
  const kinds = ['new', 'cached', 'cached', 'data', 'data'] as const;
  const dataPaths = [
    '/datasets/index.json',
    '/datasets/bench/manifest.json',
    ...Array.from(
      { length: NEURONS },
      (_, neuron) => `/datasets/bench/collated-activations/0/${neuron}.json`,
    ),
  ];
  const rssStart = await rss(proxy);
  const rssSamples: number[] = [];
  const sampler = setInterval(() => void rss(proxy).then((mib) => rssSamples.push(mib)), 5000);
  // Asking resets the test server's count of calls.
  await upstream.busy();
  const result = await autocannon({
    url: base,
    connections: 200,
    duration: SOAK_SECONDS,
    timeout: 60,
    requests: [
      {
        setupRequest: (request) => {
          const n = turn++;
          const kind = kinds[n % kinds.length]!;
          if (kind === 'data') {
            return { ...request, method: 'GET', path: dataPaths[n % dataPaths.length]!, body: '' };
          }
          return {
            ...request,
            method: 'POST',
            path: '/api/simulate',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: kind === 'new' ? fresh() : primed[n % primed.length]!,
          };
        },
        onResponse: (status, body) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 400) {
            let code = 'not JSON';
            try {
              code = (JSON.parse(body) as ApiErrorResponse).error.code;
            } catch {
              // Counted as not JSON.
            }
            codes[`${status} ${code}`] = (codes[`${status} ${code}`] ?? 0) + 1;
          }
        },
      },
    ],
  });
  clearInterval(sampler);
  const { calls } = await upstream.busy();
  const simulations = Math.round((turn * 3) / 5);
  const undocumented = Object.entries(codes)
    .filter(([key]) => key.startsWith('5') && !/^50[234] upstream_error$/.test(key))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    connections: 200,
    seconds: SOAK_SECONDS,
    requests: result.requests.total,
    perSecond: result.requests.total / SOAK_SECONDS,
    statuses,
    errorCodes: codes,
    undocumented5xx: undocumented,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    /** Calls the test server received, and simulation requests sent (3 in 5 requests). */
    upstreamCalls: calls,
    simulationRequests: simulations,
    rssStartMiB: rssStart,
    rssEveryFiveSecondsMiB: rssSamples,
    rssEndMiB: await rss(proxy),
  };
}

function printReport(all: Record<string, unknown>) {
  const r = all as Record<string, Record<string, number>>;
  const f = (n: number | undefined, digits = 1) => (n === undefined ? '?' : n.toFixed(digits));
  const memory = (x: Record<string, unknown> | undefined) =>
    `RSS ${String(x?.rssStartMiB)} -> ${(x?.rssEveryFiveSecondsMiB as number[] | undefined)?.join(' -> ') ?? '?'} -> ${String(x?.rssEndMiB)} MiB`;
  const soakLine = (name: string, x: Record<string, unknown> | undefined) =>
    `| ${name} | ${f(x?.perSecond as number, 0)} requests/s, p50 ${f(x?.latencyP50Ms as number, 0)} ms, p99 ${f(x?.latencyP99Ms as number, 0)} ms; statuses ${JSON.stringify(x?.statuses)}; errors ${JSON.stringify(x?.errorCodes)}; ${String(x?.errors)} socket errors, ${String(x?.timeouts)} timeouts; ${String(x?.upstreamCalls)} upstream calls for ${String(x?.simulationRequests)} simulation requests; ${memory(x)} | ${x?.undocumented5xx === 0 && x.errors === 0 ? 'no undocumented 5xx' : 'NOT met'} |`;
  const lines = [
    '| measure | result | |',
    '| --- | --- | --- |',
    `| a second client's simulation, alone / while another runs ${BUSY_SIMULATIONS} (upstream ${UPSTREAM_LATENCY_MS} ms per call) | ${f(r.fairness?.secondAloneMs, 0)} ms / ${f(r.fairness?.secondDuringMs, 0)} ms: **${f(r.fairness?.ratio, 2)}x** (the busy client's ${BUSY_SIMULATIONS} took ${f(r.fairness?.busyClientMs, 0)} ms) | ${r.fairness && r.fairness.ratio! <= 2 ? 'met (<= 2x)' : 'NOT met'} |`,
    soakLine(
      `200 clients for ${SOAK_SECONDS} s, mixed routes`,
      all.soak as Record<string, unknown>,
    ),
    soakLine(
      `the same, upstream failing every call (HTTP 500)`,
      all.failing as Record<string, unknown>,
    ),
  ];
  const loads = (x: unknown) =>
    JSON.stringify((x as number[] | undefined)?.map((v) => +v.toFixed(2)));
  process.stdout.write(
    `\nserver: ${String(all.server)}\n${lines.join('\n')}\n\n` +
      `load average (1, 5, 15 min) at start ${loads((all.machine as { loadAverage: number[] }).loadAverage)}, at end ${loads(all.loadAverageAtEnd)} on ${cpus().length} cores\n`,
  );
}
