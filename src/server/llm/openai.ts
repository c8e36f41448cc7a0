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
import type { ChatClient } from './chat.ts';

/** Longest explanation reply asked for: a phrase. */
const EXPLANATION_MAX_TOKENS = 120;

export function openAiSimulator(chat: ChatClient, model: string): Simulator {
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
          // Only the alternatives of the written numbers are read.
          keepAlternatives: mayBeActivation,
          temperature: 0,
        },
        (answer) =>
          parseSimulationResponse(tokens, answer.content, answer.logprobs, {
            finishReason: answer.finishReason,
          }),
        options?.signal,
      );
    },
  };
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
