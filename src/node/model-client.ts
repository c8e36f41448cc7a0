/**
 * A simulator and a judge that ask an OpenAI-compatible chat model, for the command line: one
 * user, one run, so the OpenAI SDK's own retries are enough (the server has its own client, with a
 * cap on calls over all users, Retry-After handling and answer threads). Prompts and the reading
 * of answers are core's, the same as the server's.
 */
import OpenAI from 'openai';
import {
  buildJudgeMessages,
  JUDGE_TOP_LOGPROBS,
  judgeMaxTokens,
  parseJudgeResponse,
} from '../core/scoring/judge-prompt.ts';
import type { Judge } from '../core/scoring/judged.ts';
import {
  buildSimulationMessages,
  parseSimulationResponse,
  SIMULATION_TOP_LOGPROBS,
  simulationMaxTokens,
} from '../core/simulation/simulation-prompt.ts';
import type { ChatMessage, ChatTokenLogprob, Simulator } from '../core/simulation/types.ts';

export interface ModelClientOptions {
  baseURL: string;
  apiKey: string | undefined;
  /** Retries of failed calls (429, 5xx, timeouts), by the SDK. */
  maxRetries?: number;
  timeoutMs?: number;
}

interface Answer {
  content: string;
  logprobs: ChatTokenLogprob[] | null;
  finishReason: string | null;
}

/** Asks the chat model; a server that rejects logprobs is asked again without, and remembered. */
export function modelClient(options: ModelClientOptions) {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? 'no-key',
    maxRetries: options.maxRetries ?? 3,
    timeout: options.timeoutMs ?? 60_000,
  });
  let logprobs = true;

  async function ask(
    model: string,
    messages: ChatMessage[],
    maxTokens: number,
    topLogprobs: number,
    signal?: AbortSignal,
  ): Promise<Answer> {
    for (;;) {
      try {
        const completion = await client.chat.completions.create(
          {
            model,
            messages,
            max_tokens: maxTokens,
            temperature: 0,
            ...(logprobs && { logprobs: true, top_logprobs: topLogprobs }),
          },
          signal ? { signal } : undefined,
        );
        const choice = completion.choices[0];
        const content = choice?.message.content;
        if (!choice || typeof content !== 'string' || content === '') {
          const refusal = choice?.message.refusal;
          throw new Error(
            refusal ? `The model refused: ${refusal}` : 'The model answered with no text.',
          );
        }
        return {
          content,
          logprobs: (choice.logprobs?.content as ChatTokenLogprob[] | null | undefined) ?? null,
          finishReason: choice.finish_reason ?? null,
        };
      } catch (error) {
        const rejected =
          error instanceof OpenAI.APIError &&
          (error.status === 400 || error.status === 422) &&
          /logprobs/i.test(error.message);
        if (!logprobs || !rejected) throw error;
        logprobs = false;
      }
    }
  }

  const simulator = (model: string): Simulator => ({
    id: 'openai',
    model,
    async simulateRecord(explanation, tokens, runOptions) {
      const answer = await ask(
        model,
        buildSimulationMessages(explanation, tokens),
        simulationMaxTokens(tokens),
        SIMULATION_TOP_LOGPROBS,
        runOptions?.signal,
      );
      return parseSimulationResponse(tokens, answer.content, answer.logprobs, {
        finishReason: answer.finishReason,
      });
    },
  });

  const judge = (model: string): Judge => ({
    id: 'openai',
    model,
    async judge(scorer, explanation, excerpts, runOptions) {
      const answer = await ask(
        model,
        buildJudgeMessages(scorer, explanation, excerpts),
        judgeMaxTokens(excerpts.length),
        JUDGE_TOP_LOGPROBS,
        runOptions?.signal,
      );
      return parseJudgeResponse(excerpts.length, answer.content, answer.logprobs);
    },
  });

  return { simulator, judge };
}
