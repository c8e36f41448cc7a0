/**
 * One of AnswerThreads' worker threads: turns a simulation answer's bytes into the record's
 * simulation, as the main thread would (readAnswer, then simulationFromAnswer). It loads answer.ts
 * only, not the OpenAI SDK.
 */
import { parentPort } from 'node:worker_threads';
import type { SequenceSimulation } from '../../core/format/types.ts';
import {
  AnswerFormatError,
  failureData,
  readAnswer,
  SIMULATION_ALTERNATIVES,
  simulationFromAnswer,
  type AnswerFailure,
} from './answer.ts';

export interface ThreadTask {
  id: number;
  /** The answer's body (moved here, not copied). */
  bytes: ArrayBuffer;
  tokens: string[];
  /** See ChatAnswer.greedy. */
  greedy: boolean;
}

/**
 * What failed, and where: `answer`, the answer is unusable (retried); `reader`, its lines are, or
 * its logprobs break the API's rules (passed on).
 */
export interface ThreadFailure {
  stage: 'answer' | 'reader';
  failure: AnswerFailure;
}

export type ThreadReply =
  { id: number; value: SequenceSimulation } | { id: number; failure: ThreadFailure };

export function readTask({ id, bytes, tokens, greedy }: ThreadTask): ThreadReply {
  let answer;
  try {
    answer = readAnswer(Buffer.from(bytes).toString('utf8'), SIMULATION_ALTERNATIVES, greedy);
  } catch (error) {
    // As on the main thread (ChatClient.call): a format error is passed on, not retried.
    const stage = error instanceof AnswerFormatError ? 'reader' : 'answer';
    return { id, failure: { stage, failure: failureData(error) } };
  }
  try {
    return { id, value: simulationFromAnswer(tokens, answer) };
  } catch (error) {
    return { id, failure: { stage: 'reader', failure: failureData(error) } };
  }
}

parentPort?.on('message', (task: ThreadTask) => parentPort!.postMessage(readTask(task)));
