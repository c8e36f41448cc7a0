import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulationFormatError } from '../../core/simulation/types.ts';
import {
  startOpenAiTestServer,
  testChatOptions,
  type OpenAiTestServer,
  type TestServerMode,
} from '../../../tests/support/openai-test-server.ts';
import { AnswerThreads } from './answer-threads.ts';
import {
  readAnswer,
  SIMULATION_ALTERNATIVES,
  simulationFromAnswer,
  UpstreamError,
} from './answer.ts';
import { ChatClient, type ChatClientOptions } from './chat.ts';
import { openAiSimulator } from './openai.ts';
import { buildSimulationMessages } from '../../core/simulation/simulation-prompt.ts';

const tokens = ['The', ' cat', ' sat', ' on', ' the', ' mat'];
const explanation = 'the word "cat"';

describe('answers read by worker threads', () => {
  let upstream: OpenAiTestServer;
  let threads: AnswerThreads;
  beforeAll(async () => {
    upstream = await startOpenAiTestServer();
    threads = new AnswerThreads(2);
  });
  afterAll(async () => {
    await threads.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  /** The test server's answer, as bytes. */
  async function answer(mode: TestServerMode): Promise<Buffer> {
    upstream.configure({ mode });
    const response = await upstream.ask({
      model: 'm',
      messages: buildSimulationMessages(explanation, tokens),
      logprobs: true,
      top_logprobs: 5,
    });
    return Buffer.from(await response.arrayBuffer());
  }

  it('give the simulation the main thread would, for each thread in turn', async () => {
    const bytes = await answer('correct');
    const expected = simulationFromAnswer(
      tokens,
      readAnswer(bytes.toString('utf8'), SIMULATION_ALTERNATIVES),
    );
    expect(expected.expected_activations[1]).toBeGreaterThan(5);
    for (let turn = 0; turn < 4; turn++) {
      expect(await threads.simulation(Buffer.from(bytes), tokens)).toEqual({ value: expected });
    }
  });

  it('fail what they were reading when stopped, as worth a retry, and start again when asked', async () => {
    const bytes = await answer('correct');
    // A thread that is still starting (loading its modules) cannot have answered yet.
    const starting = new AnswerThreads(1);
    const reading = starting.simulation(Buffer.from(bytes), tokens);
    await starting.close();
    const outcome = await reading;
    expect(outcome).toMatchObject({ failure: 'answer', error: expect.any(UpstreamError) });
    expect((outcome as { error: UpstreamError }).error).toMatchObject({
      retryable: true,
      message: expect.stringMatching(/^An answer-reading thread stopped/),
    });
    expect(await starting.simulation(Buffer.from(bytes), tokens)).toHaveProperty('value');
    await starting.close();
  });

  it('give back the errors the main thread would throw, each at its stage', async () => {
    const wrong = await threads.simulation(await answer('wrong-tokens'), tokens);
    expect(wrong).toMatchObject({ failure: 'reader' });
    const format = (wrong as { error: unknown }).error;
    expect(format).toBeInstanceOf(SimulationFormatError);
    expect(format).toMatchObject({
      line: 1,
      message: expect.stringMatching(/^line 1: wrong token/),
    });

    const cut = await threads.simulation(await answer('truncated-json'), tokens);
    expect(cut).toMatchObject({ failure: 'answer', error: expect.any(SyntaxError) });

    const empty = await threads.simulation(Buffer.from('{"choices":[]}'), tokens);
    expect(empty).toMatchObject({ failure: 'answer', error: expect.any(UpstreamError) });
    expect((empty as { error: UpstreamError }).error).toMatchObject({
      kind: 'bad_response',
      retryable: true,
      message: 'The LLM server answered without any choice.',
    });
  });

  describe('through the simulator, reading every answer elsewhere', () => {
    const chat = (options: Partial<ChatClientOptions> = {}) =>
      new ChatClient({ ...testChatOptions(upstream), ...options });
    const simulator = () => openAiSimulator(chat({ readElsewhereAbove: 0 }), 'test-model', threads);
    const inline = () => openAiSimulator(chat(), 'test-model');

    it('simulates as the main thread does', async () => {
      const records = [tokens, tokens.slice(1), tokens.slice(2)];
      const elsewhere = await Promise.all(
        records.map((t) => simulator().simulateRecord(explanation, t)),
      );
      expect(elsewhere).toEqual(
        await Promise.all(records.map((t) => inline().simulateRecord(explanation, t))),
      );
    });

    it('retries a cut answer, and names a wrong one without retrying it', async () => {
      upstream.reset({ mode: 'truncated-json', failFirst: 1 });
      await expect(simulator().simulateRecord(explanation, tokens)).resolves.toMatchObject({
        tokens,
      });
      expect(upstream.requests).toHaveLength(2);

      upstream.reset({ mode: 'wrong-tokens' });
      await expect(simulator().simulateRecord(explanation, tokens)).rejects.toThrow(
        SimulationFormatError,
      );
      expect(upstream.requests).toHaveLength(1);
    });
  });
});
