/** The judge and the reviser that ask an OpenAI-compatible chat model, with core's prompts. */
import {
  buildJudgeMessages,
  JUDGE_TOP_LOGPROBS,
  judgeMaxTokens,
  mayBeVerdict,
  parseJudgeResponse,
} from '../../core/scoring/judge-prompt.ts';
import type { Judge } from '../../core/scoring/judged.ts';
import { parseExplanationResponse } from '../../core/simulation/explanation-prompt.ts';
import { buildRevisionMessages, type Reviser } from '../../core/simulation/revise.ts';
import type { ChatClient } from './chat.ts';
import { redact } from '../redact.ts';

/** Longest revision asked for: a phrase. */
const REVISION_MAX_TOKENS = 120;

export function openAiJudge(chat: ChatClient, model: string): Judge {
  return {
    id: 'openai',
    model,
    judge(scorer, explanation, excerpts, options) {
      return chat.read(
        {
          model,
          messages: buildJudgeMessages(scorer, explanation, excerpts),
          maxTokens: judgeMaxTokens(excerpts.length),
          topLogprobs: JUDGE_TOP_LOGPROBS,
          keepAlternatives: mayBeVerdict,
          temperature: 0,
        },
        { read: (answer) => parseJudgeResponse(excerpts.length, answer.content, answer.logprobs) },
        { signal: options?.signal, client: options?.client },
      );
    },
  };
}

export function openAiReviser(chat: ChatClient, model: string): Reviser {
  return {
    id: 'openai',
    model,
    async revise(explanation, worst, maxActivation, options) {
      const response = await chat.complete(
        {
          model,
          messages: buildRevisionMessages(explanation, worst, maxActivation),
          maxTokens: REVISION_MAX_TOKENS,
          temperature: 0,
        },
        { signal: options?.signal, client: options?.client },
      );
      // The revision is sent to the browser: nothing secret may come back in it.
      return redact(parseExplanationResponse(response.content));
    },
  };
}
