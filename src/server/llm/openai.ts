/** The simulator and explainer that ask an OpenAI-compatible chat model, with core's prompts. */
import {
  buildExplanationMessages,
  parseExplanationResponse,
} from '../../core/simulation/explanation-prompt.ts';
import {
  buildSimulationMessages,
  SIMULATION_TOP_LOGPROBS,
  simulationMaxTokens,
} from '../../core/simulation/simulation-prompt.ts';
import type { Explainer, SimulateRecordOptions, Simulator } from '../../core/simulation/types.ts';
import { redact } from '../redact.ts';
import { SIMULATION_ALTERNATIVES, simulationFromAnswer } from './answer.ts';
import type { AnswerThreads } from './answer-threads.ts';
import type { CallOptions, ChatClient } from './chat.ts';

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
          ...(threads && {
            readElsewhere: (bytes, context) => threads.simulation(bytes, tokens, context),
          }),
        },
        callOptions(options),
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
        callOptions(options),
      );
      // The explanation is sent to the browser: nothing secret may come back in it.
      return redact(parseExplanationResponse(response.content));
    },
  };
}

function callOptions(options: SimulateRecordOptions | undefined): CallOptions {
  return { signal: options?.signal, client: options?.client };
}
