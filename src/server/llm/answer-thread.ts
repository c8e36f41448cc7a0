/**
 * One of AnswerThreads' worker threads: turns a simulation answer's bytes into the record's
 * simulation, as the main thread would (readAnswer, then simulationFromAnswer). It loads answer.ts
 * only, not the OpenAI SDK.
 */
import { parentPort } from 'node:worker_threads';
import type { SequenceSimulation } from '../../core/format/types.ts';
import { SimulationFormatError } from '../../core/simulation/types.ts';
import {
  AnswerFormatError,
  readAnswer,
  SIMULATION_ALTERNATIVES,
  simulationFromAnswer,
  UpstreamError,
  type UpstreamErrorKind,
} from './answer.ts';

export interface ThreadTask {
  id: number;
  /** The answer's body (moved here, not copied). */
  bytes: ArrayBuffer;
  tokens: string[];
  /** See ChatAnswer.greedy. */
  greedy: boolean;
}

/** What failed, as plain data (errors lose their class between threads). */
export interface ThreadFailure {
  /**
   * `answer`: the answer is unusable (retried); `reader`: its lines are, or its logprobs break the
   * API's rules (passed on).
   */
  stage: 'answer' | 'reader';
  name: string;
  message: string;
  kind?: UpstreamErrorKind;
  retryable?: boolean;
  problem?: string;
  line?: number | null;
}

export type ThreadReply =
  { id: number; value: SequenceSimulation } | { id: number; failure: ThreadFailure };

export function readTask({ id, bytes, tokens, greedy }: ThreadTask): ThreadReply {
  let answer;
  try {
    answer = readAnswer(Buffer.from(bytes).toString('utf8'), SIMULATION_ALTERNATIVES, greedy);
  } catch (error) {
    // As on the main thread (ChatClient.call): a format error is passed on, not retried.
    return {
      id,
      failure: failureOf(error instanceof AnswerFormatError ? 'reader' : 'answer', error),
    };
  }
  try {
    return { id, value: simulationFromAnswer(tokens, answer) };
  } catch (error) {
    return { id, failure: failureOf('reader', error) };
  }
}

function failureOf(stage: ThreadFailure['stage'], error: unknown): ThreadFailure {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  if (error instanceof UpstreamError) {
    return { stage, name, message, kind: error.kind, retryable: error.retryable };
  }
  if (error instanceof SimulationFormatError) {
    return { stage, name, message, problem: error.problem, line: error.line };
  }
  return { stage, name, message };
}

parentPort?.on('message', (task: ThreadTask) => parentPort!.postMessage(readTask(task)));
