/** The simulator and explainer that ask an OpenAI-compatible chat model, with core's prompts. */
import {
  buildExplanationMessages,
  parseExplanationResponse,
} from '../../core/simulation/explanation-prompt.ts';
import {
  buildSimulationMessages,
  mayBeActivation,
  parseSimulationResponse,
  SIMULATION_TOP_LOGPROBS,
  simulationMaxTokens,
} from '../../core/simulation/simulation-prompt.ts';
import type { Explainer, Simulator } from '../../core/simulation/types.ts';
import type { AnswerThreads } from './answer-threads.ts';
import type { ChatAnswer, ChatClient } from './chat.ts';

/** Longest explanation reply asked for: a phrase. */
const EXPLANATION_MAX_TOKENS = 120;

/**
 * `threads`: worker threads that can read the answers when many are in flight (see
 * ChatClientOptions.readElsewhereAbove); null to read every answer on the main thread.
 */
export function openAiSimulator(
  chat: ChatClient,
  model: string,
  threads: AnswerThreads | null = null,
): Simulator {
  return {
    id: 'openai',
    model,
    async simulateRecord(explanation, tokens, options) {
      return chat.read(
        {
          model,
          messages: buildSimulationMessages(explanation, tokens),
          maxTokens: simulationMaxTokens(tokens),
          topLogprobs: SIMULATION_TOP_LOGPROBS,
          keepAlternatives: SIMULATION_ALTERNATIVES,
          temperature: 0,
        },
        {
          read: (answer) => simulationFromAnswer(tokens, answer),
          ...(threads && { readElsewhere: (bytes) => threads.simulation(bytes, tokens) }),
        },
        options?.signal,
      );
    },
  };
}

/** Only the alternatives of the written numbers are read. */
export const SIMULATION_ALTERNATIVES = mayBeActivation;

/** A record's simulation from the simulator's answer (a SimulationFormatError if unreadable). */
export function simulationFromAnswer(tokens: readonly string[], answer: ChatAnswer) {
  return parseSimulationResponse(tokens, answer.content, answer.logprobs, {
    finishReason: answer.finishReason,
  });
}

export function openAiExplainer(chat: ChatClient, model: string): Explainer {
  return {
    id: 'openai',
    model,
    async explain(records, options) {
      const response = await chat.complete(
        {
          model,
          messages: buildExplanationMessages(records),
          maxTokens: EXPLANATION_MAX_TOKENS,
          temperature: 0,
        },
        options?.signal,
      );
      return parseExplanationResponse(response.content);
    },
  };
}
