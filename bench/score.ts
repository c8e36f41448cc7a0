/**
 * `npm run bench:score` (`-- --quick` for a short run): what a full score costs. The server under
 * test is `src/server/main.ts` in a child process, as `npm start` runs it, with SIMULATOR=openai
 * against the local OpenAI-compatible test server (in this process, answering at once, with
 * logprobs, as a right judge). One client asks POST /api/score for all three scorers on a neuron
 * shaped like the release's (64-token records: 10 + 10 simulated, 20 + 20 examples judged), with a
 * new explanation each time, so nothing comes from the cache.
 *
 *   calls     upstream calls per full score, per scorer (target: at most 30)
 *   tokens    prompt and completion tokens per scorer, counted with o200k_base (gpt-4o's
 *             tokenizer) over the requests sent and the answers the test server gives, with the
 *             chat format's few tokens per message; and the cost at a stated price
 *   CPU       the proxy's CPU time per full score (target: at most 30 ms), from /proc
 *
 * Prints a Markdown table and writes bench/results/score.json, with the load average at the start
 * and end. Wrap it in `flock /tmp/bench.lock` on a shared machine.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { cpuMs, startBenchProxy } from './harness.ts';
import { startOpenAiTestServer } from '../tests/support/openai-test-server.ts';
import { scoringNeuronRecord } from '../tests/support/scoring-fixture.ts';
import type { ChatBody } from '../tests/support/upstream-faults.ts';

const quick = process.argv.includes('--quick');
/** `--scorers simulation` (etc.): score with these only, to see what each costs the proxy. */
const scorersFlag = process.argv.indexOf('--scorers');
const SCORERS =
  scorersFlag > 0
    ? process.argv[scorersFlag + 1]!.split(',')
    : ['simulation', 'detection', 'fuzzing'];
const SCORES = quick ? 15 : 60;
const WARM_UP = quick ? 5 : 15;
/** gpt-4o-mini's list price (USD per million tokens), as OpenAI published it in 2024. */
const PRICE = { model: 'gpt-4o-mini', promptPerMillion: 0.15, completionPerMillion: 0.6 };
const TARGETS = { calls: 30, proxyCpuMs: 30 };

type Scorer = 'simulation' | 'detection' | 'fuzzing';

const loadAtStart = loadavg();
const llm = await startOpenAiTestServer({ mode: 'judge-right', latencyMs: 0 });
// The server as `npm start` starts it, simulating and judging with the test server.
const bench = await startBenchProxy({
  name: 'bench-score',
  neurons: 8,
  files: { 'collated-activations/0/3.json': scoringNeuronRecord(0, 3, 64) },
  upstreamURL: llm.baseURL,
  apiKey: 'bench',
});
const { base, child: proxy } = bench;

let serial = 0;
async function scoreOnce(): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${base}/api/score`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      dataset: 'bench',
      layer: 0,
      neuron: 3,
      explanation: `the word "cat" (variant ${process.pid}-${serial++})`,
      scorers: SCORERS,
    }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  const result = JSON.parse(text) as { cached: boolean; scores: Record<string, unknown> };
  if (result.cached || Object.keys(result.scores).length !== SCORERS.length) {
    throw new Error(`expected ${SCORERS.length} fresh scores`);
  }
  return { ms: performance.now() - started, bytes: text.length };
}

/** Which scorer sent a request, from its prompt. */
function scorerOf(body: ChatBody): Scorer {
  const last = body.messages?.at(-1)?.content ?? '';
  if (/Tokens \(\d+\):\n/.test(last)) return 'simulation';
  return /marked/.test(body.messages?.[0]?.content ?? '') ? 'fuzzing' : 'detection';
}

/** Tokens of a chat request as OpenAI counts them: each message's text and a few more. */
function promptTokens(body: ChatBody): number {
  return (body.messages ?? []).reduce((sum, m) => sum + encode(m.content).length + 3, 3);
}

try {
  for (let i = 0; i < WARM_UP; i++) await scoreOnce();

  llm.requests.length = 0;
  const cpuBefore = await cpuMs(proxy);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SCORES; i++) {
    const { ms, bytes: size } = await scoreOnce();
    times.push(ms);
    bytes = size;
  }
  const proxyCpuMs = ((await cpuMs(proxy)) - cpuBefore) / SCORES;
  const requests = [...llm.requests];

  // Calls per score and scorer; tokens from the last score's requests (every score is the same
  // but for the explanation's variant number), answered again by the test server for their text.
  const callsPerScore = requests.length / SCORES;
  const last = requests.slice(-Math.round(callsPerScore));
  const perScorer = Object.fromEntries(
    (['simulation', 'detection', 'fuzzing'] as const).map((scorer) => [
      scorer,
      { calls: 0, promptTokens: 0, completionTokens: 0 },
    ]),
  ) as Record<Scorer, { calls: number; promptTokens: number; completionTokens: number }>;
  for (const body of last) {
    const entry = perScorer[scorerOf(body)];
    entry.calls++;
    entry.promptTokens += promptTokens(body);
    const answer = (await (await llm.ask(body)).json()) as {
      choices: { message: { content: string } }[];
    };
    entry.completionTokens += encode(answer.choices[0]!.message.content).length;
  }
  const total = Object.values(perScorer).reduce(
    (sum, s) => ({
      calls: sum.calls + s.calls,
      promptTokens: sum.promptTokens + s.promptTokens,
      completionTokens: sum.completionTokens + s.completionTokens,
    }),
    { calls: 0, promptTokens: 0, completionTokens: 0 },
  );
  const cost = (s: { promptTokens: number; completionTokens: number }) =>
    (s.promptTokens * PRICE.promptPerMillion + s.completionTokens * PRICE.completionPerMillion) /
    1e6;

  const sorted = [...times].sort((a, b) => a - b);
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg() },
    node: process.version,
    scores: SCORES,
    scorers: SCORERS,
    resultBytes: bytes,
    callsPerScore,
    perScorer,
    total,
    price: PRICE,
    costPerScoreUsd: cost(total),
    costPerScorerUsd: Object.fromEntries(
      Object.entries(perScorer).map(([name, s]) => [name, cost(s)]),
    ),
    proxyCpuMsPerScore: proxyCpuMs,
    medianMsPerScore: sorted[Math.floor(sorted.length / 2)],
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/score.json', `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
} finally {
  await bench.stop();
  await llm.close();
}

function printTable(r: {
  callsPerScore: number;
  perScorer: Record<Scorer, { calls: number; promptTokens: number; completionTokens: number }>;
  total: { calls: number; promptTokens: number; completionTokens: number };
  costPerScoreUsd: number;
  costPerScorerUsd: Record<string, number>;
  proxyCpuMsPerScore: number;
  medianMsPerScore: number | undefined;
  resultBytes: number;
  machine: { loadAverageAtStart: number[]; loadAverageAtEnd: number[]; cpus: number };
}) {
  const usd = (n: number) => `$${n.toFixed(5)}`;
  const rows = (['simulation', 'detection', 'fuzzing'] as const).map(
    (name) =>
      `| ${name} | ${r.perScorer[name].calls} | ${r.perScorer[name].promptTokens} | ${r.perScorer[name].completionTokens} | ${usd(r.costPerScorerUsd[name]!)} |`,
  );
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const loads = (x: number[]) => x.map((v) => v.toFixed(2)).join(', ');
  process.stdout.write(
    [
      '',
      `| scorer | upstream calls | prompt tokens | completion tokens | cost at ${PRICE.model} prices ($${PRICE.promptPerMillion} / $${PRICE.completionPerMillion} per million) |`,
      '| --- | --- | --- | --- | --- |',
      ...rows,
      `| full score | ${r.total.calls} (target <= ${TARGETS.calls}: ${met(r.callsPerScore <= TARGETS.calls)}) | ${r.total.promptTokens} | ${r.total.completionTokens} | ${usd(r.costPerScoreUsd)} |`,
      '',
      `proxy CPU per full score: ${r.proxyCpuMsPerScore.toFixed(1)} ms (target <= ${TARGETS.proxyCpuMs} ms: ${met(r.proxyCpuMsPerScore <= TARGETS.proxyCpuMs)}); median ${r.medianMsPerScore?.toFixed(1)} ms per score end to end; result ${r.resultBytes} bytes`,
      `load average (1, 5, 15 min) at start ${loads(r.machine.loadAverageAtStart)}, at end ${loads(r.machine.loadAverageAtEnd)} on ${r.machine.cpus} cores`,
      '',
    ].join('\n'),
  );
}
