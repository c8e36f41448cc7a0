/**
 * The proxy against an OpenAI-compatible server that misbehaves in each of the ways of
 * tests/support/upstream-faults.ts: no fault yields a score, no secret (the API key, the
 * credentials in OPENAI_BASE_URL) appears in any response, event or log line, and once the server
 * behaves again the same request succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordsSimulationResult } from '../../core/api/simulate.ts';
import { SseParser } from '../../core/api/sse.ts';
import {
  expectFaultFails,
  startFaultyUpstream,
  type FaultyUpstream,
} from '../../../tests/support/faulty-upstream.ts';
import {
  CAT_NEURON,
  DATASET,
  expectedCatScore,
  simulationDataDir,
} from '../../../tests/support/simulation-fixture.ts';
import { UPSTREAM_FAULTS } from '../../../tests/support/upstream-faults.ts';

const SECRETS = {
  apiKey: 'sk-live-Zx81fQ2mN7pL0aB3cD4eF5gH6iJ7',
  urlUser: 'proxyuser',
  urlPassword: 'hunter2-proxy-pass',
};
const MAX_ANSWER_BYTES = 512 * 1024;

describe(`the proxy against ${UPSTREAM_FAULTS.length} ways an LLM server misbehaves`, () => {
  let data: Awaited<ReturnType<typeof simulationDataDir>>;
  let harness: FaultyUpstream;

  beforeAll(async () => {
    data = await simulationDataDir();
    harness = await startFaultyUpstream({
      dataDir: data.path,
      secrets: SECRETS,
      maxAnswerBytes: MAX_ANSWER_BYTES,
    });
  });
  afterAll(async () => {
    await harness.close();
    await data.remove();
  });

  const simulate = (explanation: string, accept: string) =>
    harness.server.app.inject({
      method: 'POST',
      url: '/api/simulate',
      headers: { accept, 'content-type': 'application/json' },
      payload: { dataset: DATASET, ...CAT_NEURON, explanation },
    });

  it.each(UPSTREAM_FAULTS.map((fault) => [fault.name, fault] as const))(
    '%s: an error, no secret, and a retry that succeeds once the server recovers',
    async (name, fault) => {
      const { upstream } = harness;
      const explanation = `the word "cat" (${name})`;
      upstream.reset({ fault: name });

      await expectFaultFails(harness, {
        fault,
        route: '/api/simulate',
        ask: (accept) => simulate(explanation, accept),
        events: (body) => new SseParser().push(body),
        result: /ev_correlation_score/,
      });
      // Reading stopped at the cap: a huge answer was not read to its end (what a call sends
      // before its connection closes is what the socket buffers take, a few MB at most).
      const calls = Math.max(1, upstream.requests.length);
      expect(upstream.faultBytesSent / calls).toBeLessThan(8 * 1024 * 1024);

      upstream.reset();
      const retried = await simulate(explanation, 'application/json');
      expect(retried.statusCode, retried.body.slice(0, 300)).toBe(200);
      expect(retried.json<RecordsSimulationResult>().ev_correlation_score).toBeCloseTo(
        expectedCatScore(true),
        10,
      );
    },
    20_000,
  );

  it('has at least 40 of them', () => {
    expect(UPSTREAM_FAULTS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(UPSTREAM_FAULTS.map((fault) => fault.name)).size).toBe(UPSTREAM_FAULTS.length);
  });
});
