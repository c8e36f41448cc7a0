/**
 * Benchmarks of the simulation proxy against the local OpenAI-compatible test server (instant
 * answers), run by `npm run bench:proxy` (`-- --quick` for a short run). The server under test is
 * `src/server/main.ts` in a child process, as `npm start` runs it; the test server runs in another
 * (bench/upstream.ts), and the load driver (autocannon) in this one.
 *
 *   overhead   one client, uncached simulations one after another: time per simulation minus the
 *              time the upstream was busy (at least one call in flight), i.e. everything the proxy
 *              adds. 20 upstream calls per simulation (10 held-out + 10 calibration records).
 *   uncached   64 clients, every simulation new; then the same with 20 ms of upstream latency,
 *              where the bound is UPSTREAM_CONCURRENCY / latency upstream calls per second; then
 *              with a test server that answers without logprobs (as many local servers do), whose
 *              answers are a tenth of the size. Each is reported with the CPU per result of the
 *              proxy and of the test server, and the rates that CPU allows on this machine's cores
 *              (the proxy alone, and the proxy and test server together, as they share them).
 *   cached     64 clients asking for results in the cache; and a single client's cache-hit latency.
 *   soak       200 clients for 30 s (1 in 5 requests new, the rest cached): 5xx count and the
 *              proxy's resident memory at start and end.
 *
 * `--server-dir DIR` runs the proxy of another checkout, to compare with it on the same machine.
 * Results are printed as a Markdown table (each target met or not) and written to
 * bench/results/proxy-<alternatives>.json. Run it on a quiet machine: the load average at the
 * start and end is part of the report.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { catNeuronRecord } from '../tests/support/datasets.ts';
import { SIMULATION_TOP_LOGPROBS } from '../src/core/simulation/simulation-prompt.ts';
import { cpuMs, median, percentile, rss, startBenchProxy, startUpstream } from './harness.ts';

const quick = process.argv.includes('--quick');
/** `--server-dir DIR`: the proxy of another checkout (e.g. main, for the figures before a change). */
const serverDirFlag = process.argv.indexOf('--server-dir');
const serverDir = serverDirFlag > 0 ? process.argv[serverDirFlag + 1] : undefined;
/**
 * `--alternatives N`: most top_logprobs alternatives the test server gives per token. By default as
 * many as asked (SIMULATION_TOP_LOGPROBS), as real servers do; 2 gives smaller answers.
 */
const alternativesFlag = process.argv.indexOf('--alternatives');
const alternatives = alternativesFlag > 0 ? Number(process.argv[alternativesFlag + 1]) : 20;
const UPSTREAM_CONCURRENCY = 64;
const CALLS_PER_SIMULATION = 20;

const upstream = await startUpstream();
await upstream.configure({ maxAlternatives: alternatives });
// Records of 64 tokens, as in the published data.
const bench = await startBenchProxy({
  name: 'bench',
  neurons: 8,
  files: { 'collated-activations/0/3.json': catNeuronRecord(0, 3, 64) },
  upstreamURL: upstream.baseURL,
  apiKey: 'bench',
  env: { UPSTREAM_CONCURRENCY: String(UPSTREAM_CONCURRENCY) },
  cwd: serverDir,
});
const { base, child: proxy } = bench;
const cores = cpus().length;
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cores, loadAverage: loadavg() },
  node: process.version,
  upstreamConcurrency: UPSTREAM_CONCURRENCY,
  callsPerSimulation: CALLS_PER_SIMULATION,
  upstreamAlternativesPerToken: Math.min(alternatives, SIMULATION_TOP_LOGPROBS),
};

let serial = 0;
const body = (explanation: string) =>
  JSON.stringify({ dataset: 'bench', layer: 0, neuron: 3, explanation });
const fresh = () => body(`the word "cat" (variant ${process.pid}-${serial++})`);

async function simulateOnce(
  payload: string,
): Promise<{ ms: number; cached: boolean; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${base}/api/simulate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: payload,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  return {
    ms: performance.now() - started,
    cached: text.startsWith('{"cached":true'),
    bytes: text.length,
  };
}

try {
  // Warm up the JIT, the SQLite file and the connection pools.
  for (let i = 0; i < 30; i++) await simulateOnce(fresh());
  results.resultBytes = (await simulateOnce(fresh())).bytes;

  // 1. Overhead per simulation.
  const overheads: number[] = [];
  const totals: number[] = [];
  const cpuBefore = await cpuMs(proxy);
  const upstreamCpuBefore = await cpuMs(upstream.child);
  for (let i = 0; i < (quick ? 50 : 200); i++) {
    const busyBefore = await upstream.busyMs();
    const { ms } = await simulateOnce(fresh());
    totals.push(ms);
    overheads.push(ms - ((await upstream.busyMs()) - busyBefore));
  }
  results.overhead = {
    simulations: overheads.length,
    proxyCpuMsPerSimulation: ((await cpuMs(proxy)) - cpuBefore) / overheads.length,
    upstreamCpuMsPerSimulation:
      ((await cpuMs(upstream.child)) - upstreamCpuBefore) / overheads.length,
    medianMs: median(overheads),
    p90Ms: percentile(overheads, 0.9),
    medianTotalMs: median(totals),
  };

  // 2. 64 clients, uncached.
  const seconds = quick ? 5 : 15;
  results.uncached = await load({ connections: 64, seconds, next: fresh });
  await upstream.configure({ latencyMs: 20 });
  results.uncachedSlowUpstream = {
    upstreamLatencyMs: 20,
    boundSimulationsPerSecond: UPSTREAM_CONCURRENCY / 0.02 / CALLS_PER_SIMULATION,
    ...(await load({ connections: 64, seconds, next: fresh })),
  };
  await upstream.configure({ latencyMs: 0, mode: 'no-logprobs' });
  const plainOverheads: number[] = [];
  const cpuBeforePlain = await cpuMs(proxy);
  for (let i = 0; i < (quick ? 30 : 100); i++) {
    const busyBefore = await upstream.busyMs();
    const { ms } = await simulateOnce(fresh());
    plainOverheads.push(ms - ((await upstream.busyMs()) - busyBefore));
  }
  results.uncachedWithoutLogprobs = {
    overheadMedianMs: median(plainOverheads),
    overheadP90Ms: percentile(plainOverheads, 0.9),
    proxyCpuMsPerSimulationSerial: ((await cpuMs(proxy)) - cpuBeforePlain) / plainOverheads.length,
    ...(await load({ connections: 64, seconds, next: fresh })),
  };
  await upstream.configure({ mode: 'correct' });

  // 3. Cached: 64 results primed, then asked for over and over.
  const primed = Array.from({ length: 64 }, fresh);
  for (const payload of primed) await simulateOnce(payload);
  let turn = 0;
  const cachedLoad = await load({
    connections: 64,
    seconds,
    next: () => primed[turn++ % primed.length]!,
  });
  const hits: number[] = [];
  const cpuBeforeHits = await cpuMs(proxy);
  for (let i = 0; i < 300; i++) {
    const { ms, cached } = await simulateOnce(primed[i % primed.length]!);
    if (!cached) throw new Error('a primed result was not cached');
    hits.push(ms);
  }
  results.cached = {
    ...cachedLoad,
    hitMedianMs: median(hits),
    hitP90Ms: percentile(hits, 0.9),
    proxyCpuMsPerHit: ((await cpuMs(proxy)) - cpuBeforeHits) / hits.length,
  };

  // 4. Soak: 200 clients.
  const rssStart = await rss(proxy);
  let soakTurn = 0;
  const rssSamples: number[] = [];
  const sampler = setInterval(() => void rss(proxy).then((mib) => rssSamples.push(mib)), 5000);
  const soak = await load({
    connections: 200,
    seconds: quick ? 10 : 30,
    next: () => (soakTurn++ % 5 === 0 ? fresh() : primed[soakTurn % primed.length]!),
  });
  clearInterval(sampler);
  const rssEnd = await rss(proxy);
  results.soak = {
    ...soak,
    rssStartMiB: rssStart,
    rssEveryFiveSecondsMiB: rssSamples,
    rssEndMiB: rssEnd,
  };
  results.loadAverageAtEnd = loadavg();
} finally {
  await bench.stop();
  upstream.stop();
}

await mkdir('bench/results', { recursive: true });
await writeFile(
  `bench/results/proxy-${alternatives}.json`,
  `${JSON.stringify(results, null, 2)}\n`,
);
printTable(results);

async function load(options: { connections: number; seconds: number; next: () => string }) {
  const proxyCpuBefore = await cpuMs(proxy);
  const upstreamCpuBefore = await cpuMs(upstream.child);
  const result = await autocannon({
    url: `${base}/api/simulate`,
    connections: options.connections,
    duration: options.seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: options.next() }) }],
    // Longer than any simulation should take; the server's own limit is REQUEST_TIMEOUT_MS.
    timeout: 60,
  });
  const served = result['2xx'];
  const proxyCpu = (await cpuMs(proxy)) - proxyCpuBefore;
  const upstreamCpu = (await cpuMs(upstream.child)) - upstreamCpuBefore;
  return {
    connections: options.connections,
    seconds: options.seconds,
    perSecond: served / options.seconds,
    ok: served,
    non2xx: result.non2xx,
    status5xx: result['5xx'],
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    /** CPU per result served, of the proxy and of the test server, over the whole run. */
    proxyCpuMsPerResult: proxyCpu / Math.max(1, served),
    upstreamCpuMsPerResult: upstreamCpu / Math.max(1, served),
    /**
     * Results/s one core allows at the proxy's CPU per result: the bound when everything runs on
     * the main thread (ANSWER_THREADS=0); answer threads spread the reading over more cores.
     */
    proxyCpuBoundPerSecond: served ? (1000 * served) / proxyCpu : 0,
    /** Results/s the cores would allow the proxy and the test server, which share them. */
    sharedCpuBoundPerSecond: served ? (cores * 1000 * served) / (proxyCpu + upstreamCpu) : 0,
  };
}

function printTable(all: Record<string, unknown>) {
  const r = all as Record<string, Record<string, number>>;
  const f = (n: number | undefined, digits = 1) => (n === undefined ? '?' : n.toFixed(digits));
  const met = (ok: boolean | undefined) => (ok === undefined ? '?' : ok ? 'met' : 'NOT met');
  const bounds = (x: Record<string, number> | undefined) =>
    `CPU per result: proxy ${f(x?.proxyCpuMsPerResult)} ms, test server ${f(x?.upstreamCpuMsPerResult)} ms; ` +
    `one core allows ${f(x?.proxyCpuBoundPerSecond, 0)} /s (1000 ms / the proxy's CPU per result), the ${cores} cores ${f(x?.sharedCpuBoundPerSecond, 0)} /s (proxy and test server)`;
  const rss = (all.soak as { rssEveryFiveSecondsMiB?: number[] } | undefined)
    ?.rssEveryFiveSecondsMiB;
  const lines = [
    '| measure | target | result | |',
    '| --- | --- | --- | --- |',
    `| proxy overhead per simulation, median (p90) | <= 10 ms | ${f(r.overhead?.medianMs)} ms (${f(r.overhead?.p90Ms)} ms); proxy CPU ${f(r.overhead?.proxyCpuMsPerSimulation)} ms, test server ${f(r.overhead?.upstreamCpuMsPerSimulation)} ms per simulation | ${met(r.overhead && r.overhead.medianMs! <= 10)} |`,
    `| 64 clients, uncached, instant upstream | >= 100 simulations/s | ${f(r.uncached?.perSecond)} /s (${f((r.uncached?.perSecond ?? 0) * CALLS_PER_SIMULATION, 0)} upstream calls/s), p50 ${f(r.uncached?.latencyP50Ms, 0)} ms; ${bounds(r.uncached)} | ${met(r.uncached && r.uncached.perSecond! >= 100)} |`,
    `| 64 clients, uncached, upstream 20 ms, cap ${UPSTREAM_CONCURRENCY} | cap bound ${f(r.uncachedSlowUpstream?.boundSimulationsPerSecond, 0)} /s | ${f(r.uncachedSlowUpstream?.perSecond)} /s, p50 ${f(r.uncachedSlowUpstream?.latencyP50Ms, 0)} ms; ${bounds(r.uncachedSlowUpstream)} | ${met(r.uncachedSlowUpstream && r.uncachedSlowUpstream.perSecond! >= 0.9 * r.uncachedSlowUpstream.boundSimulationsPerSecond!)} |`,
    `| 64 clients, uncached, upstream without logprobs | >= 100 simulations/s | ${f(r.uncachedWithoutLogprobs?.perSecond)} /s, p50 ${f(r.uncachedWithoutLogprobs?.latencyP50Ms, 0)} ms; one client: overhead ${f(r.uncachedWithoutLogprobs?.overheadMedianMs)} ms (p90 ${f(r.uncachedWithoutLogprobs?.overheadP90Ms)} ms), proxy CPU ${f(r.uncachedWithoutLogprobs?.proxyCpuMsPerSimulationSerial)} ms per simulation; ${bounds(r.uncachedWithoutLogprobs)} | ${met(r.uncachedWithoutLogprobs && r.uncachedWithoutLogprobs.perSecond! >= 100)} |`,
    `| 64 clients, cached | >= 2,000 results/s | ${f(r.cached?.perSecond, 0)} /s, p50 ${f(r.cached?.latencyP50Ms)} ms; proxy CPU ${f(r.cached?.proxyCpuMsPerResult, 2)} ms per result | ${met(r.cached && r.cached.perSecond! >= 2000)} |`,
    `| cache hit, one client, median (p90) | <= 5 ms | ${f(r.cached?.hitMedianMs, 2)} ms (${f(r.cached?.hitP90Ms, 2)} ms) | ${met(r.cached && r.cached.hitMedianMs! <= 5)} |`,
    `| 200 clients for ${r.soak?.seconds ?? '?'} s, 1 in 5 new | no 5xx, memory flat | ${r.soak?.status5xx ?? '?'} 5xx, ${r.soak?.errors ?? '?'} errors, ${f(r.soak?.perSecond, 0)} /s; RSS ${r.soak?.rssStartMiB ?? '?'} -> ${rss?.join(' -> ') ?? '?'} -> ${r.soak?.rssEndMiB ?? '?'} MiB | ${r.soak?.status5xx === 0 && r.soak.errors === 0 ? 'no 5xx (memory: see RSS)' : 'NOT met'} |`,
  ];
  const loads = (x: unknown) =>
    JSON.stringify((x as number[] | undefined)?.map((v) => +v.toFixed(2)));
  process.stdout.write(
    `\nupstream alternatives per token: ${String(all.upstreamAlternativesPerToken)}, result size: ${String(all.resultBytes)} bytes\n${lines.join('\n')}\n\n` +
      `load average (1, 5, 15 min) at start ${loads((all.machine as { loadAverage: number[] }).loadAverage)}, at end ${loads(all.loadAverageAtEnd)} on ${cores} cores\n`,
  );
}
