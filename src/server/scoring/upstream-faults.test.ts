/**
 * /api/score against an OpenAI-compatible server that misbehaves in the ways of
 * tests/support/upstream-faults.ts that break any answer, a judge's too (a status, the transport,
 * the body's form, prose, a refusal), as the proxy's own test holds /api/simulate to all of them:
 * with all three scorers and with the judge alone, each fails the request with the error a
 * simulation gets. Never a score, no secret in any response, event or log line, and once the
 * server behaves again the same request is scored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_EVENT_SCHEMAS, type ScoreResult } from '../../core/api/score.ts';
import { SseParser } from '../../core/api/sse.ts';
import { manifestFor, temporaryDirectory, writeDataset } from '../../../tests/support/datasets.ts';
import {
  expectFaultFails,
  startFaultyUpstream,
  type FaultyUpstream,
} from '../../../tests/support/faulty-upstream.ts';
import { scoringNeuronRecord } from '../../../tests/support/scoring-fixture.ts';
import { UPSTREAM_FAULTS, type Fault } from '../../../tests/support/upstream-faults.ts';

const SECRETS = {
  apiKey: 'sk-live-Qy72hR3nM8pK1bA4cD5eF6gH7iJ8',
  urlUser: 'scoreuser',
  urlPassword: 'hunter3-score-pass',
};
const NEURON = { dataset: 'scored', layer: 0, neuron: 3 };

/**
 * Faults that break a judge's answer too. The others rewrite the numbers or lines of a
 * simulation's answer (a judge's "3: yes" lines pass through them unchanged, so its answer may
 * still be a right one) or the log-probabilities of its first number (a judge's answer has none:
 * the test server cannot apply them); /api/simulate's own test covers those.
 */
const BREAKS_ANY_ANSWER = new Set([
  'prose',
  'content-echoing-key',
  'cut-content',
  'empty-content',
  'null-content',
  'content-not-text',
  'refusal-echoing-key',
  'no-choices',
  'choices-not-list',
  'not-an-object',
  'error-body-200',
  'html-200',
  'empty-200',
  'event-stream',
  'truncated-json',
  'deep-nesting',
]);
const judgeFaults = UPSTREAM_FAULTS.filter(
  (fault) => fault.outcome.code === 'upstream_error' || BREAKS_ANY_ANSWER.has(fault.name),
);

describe(`/api/score against ${judgeFaults.length} ways an LLM server misbehaves`, () => {
  let data: Awaited<ReturnType<typeof temporaryDirectory>>;
  let harness: FaultyUpstream;

  beforeAll(async () => {
    data = await temporaryDirectory('ne-score-faults-');
    await writeDataset(data.path, manifestFor('scored', [{ layer: 0, neurons: 8 }]), {
      'collated-activations/0/3.json': scoringNeuronRecord(0, 3),
    });
    harness = await startFaultyUpstream({
      dataDir: data.path,
      secrets: SECRETS,
      upstream: { mode: 'judge-right' },
      env: { SIMULATOR_MODEL: 'test-simulator', JUDGE_MODEL: 'test-judge' },
      maxAnswerBytes: 512 * 1024,
    });
  });
  afterAll(async () => {
    await harness.close();
    await data.remove();
  });

  const score = (explanation: string, scorers: string[], accept: string) =>
    harness.server.app.inject({
      method: 'POST',
      url: '/api/score',
      headers: { accept, 'content-type': 'application/json' },
      payload: { ...NEURON, explanation, scorers },
    });

  async function expectFailure(fault: Fault, scorers: string[]) {
    const explanation = `the word "cat" (${fault.name}, ${scorers.join(' ')})`;
    harness.upstream.reset({ fault: fault.name });

    await expectFaultFails(harness, {
      fault,
      route: '/api/score',
      ask: (accept) => score(explanation, scorers, accept),
      events: (body) => new SseParser(SCORE_EVENT_SCHEMAS).push(body),
      result: /balanced_accuracy|ev_correlation_score/,
    });

    harness.upstream.reset({ mode: 'judge-right' });
    const retried = await score(explanation, scorers, 'application/json');
    expect(retried.statusCode, retried.body.slice(0, 300)).toBe(200);
    const result = retried.json<ScoreResult>();
    for (const scorer of scorers) expect(result.scores).toHaveProperty(scorer);
  }

  it.each(judgeFaults.map((fault) => [fault.name, fault] as const))(
    'all three scorers, %s: the error a simulation gets, no secret, then a score once it recovers',
    (_name, fault) => expectFailure(fault, ['simulation', 'detection', 'fuzzing']),
    30_000,
  );

  it.each(judgeFaults.map((fault) => [fault.name, fault] as const))(
    'the judge alone, %s: an error, never a score, no secret, then a score once it recovers',
    (_name, fault) => expectFailure(fault, ['detection', 'fuzzing']),
    30_000,
  );

  it('covers the judge with most of the faults', () => {
    expect(judgeFaults.length).toBeGreaterThanOrEqual(30);
  });
});
