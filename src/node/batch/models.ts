/**
 * The simulator, explainer and judge a batch job uses: the offline baselines, or an OpenAI-compatible
 * chat model (OpenAI, vLLM, llama.cpp server, Ollama) asked with core's prompts and read with
 * core's parsers, as the server does. For the model:
 *
 * - every HTTP request is counted (retries included) and the server's token usage added up, for
 *   the progress bar and the cost;
 * - at most `maxCalls` requests are in flight;
 * - failed calls (429, 408/409, 5xx, timeouts, dropped connections) are retried with exponential
 *   backoff that honours Retry-After, by the openai SDK (as the proxy retries the same statuses);
 *   a call that still fails fails its neuron with the server's reason, never a made-up score;
 * - answers are kept in an AnswerCache (per record and explanation), so a rerun, or a resumed job,
 *   asks nothing twice and produces the same bytes.
 *
 * Until the server's chat client moves to src/node (see the lead's notes), this is the CLI's own
 * small client; the batch code only sees the core Simulator, Explainer and Judge interfaces.
 */
import OpenAI from 'openai';
import pLimit from 'p-limit';
import { Agent, request } from 'undici';
import { NO_USAGE, type Usage } from '../../core/batch/cost.ts';
import type { BatchModels } from '../../core/batch/task.ts';
import { baselineJudge } from '../../core/scoring/baseline-judge.ts';
import {
  buildJudgeMessages,
  JUDGE_TOP_LOGPROBS,
  judgeMaxTokens,
  judgePromptVersion,
  parseJudgeResponse,
  type JudgeVerdict,
} from '../../core/scoring/judge-prompt.ts';
import type { Judge } from '../../core/scoring/judged.ts';
import { baselineExplainer, baselineSimulator } from '../../core/simulation/baseline.ts';
import {
  buildExplanationMessages,
  parseExplanationResponse,
} from '../../core/simulation/explanation-prompt.ts';
import {
  buildSimulationMessages,
  parseSimulationResponse,
  SIMULATION_TOP_LOGPROBS,
  simulationMaxTokens,
} from '../../core/simulation/simulation-prompt.ts';
import type {
  ChatMessage,
  ChatTokenLogprob,
  Explainer,
  Simulator,
} from '../../core/simulation/types.ts';
import type { SequenceSimulation } from '../../core/format/types.ts';
import type { AnswerCache } from './answer-cache.ts';

export interface ModelSettings {
  simulator: 'baseline' | 'openai';
  simulatorModel: string;
  explainer: 'baseline' | 'openai';
  explainerModel: string;
  /** Detection's and fuzzing's judge. */
  judge: 'baseline' | 'openai';
  judgeModel: string;
  baseURL: string;
  /** Read from the environment only; never printed. */
  apiKey: string | undefined;
  /** Requests in flight at most. */
  maxCalls: number;
  /** Retries of a failed request. */
  maxRetries: number;
  timeoutMs: number;
}

/** Upstream usage so far: requests made (retries included) and tokens the server reported. */
export class UsageMeter {
  private usage: Usage = { ...NO_USAGE };
  /** Requests whose answer came from the cache instead. */
  cached = 0;

  request(): void {
    this.usage.calls += 1;
  }

  tokens(prompt: number, completion: number): void {
    this.usage.promptTokens += prompt;
    this.usage.completionTokens += completion;
  }

  get total(): Usage {
    return { ...this.usage };
  }
}

const EXPLANATION_MAX_TOKENS = 120;

interface Answer {
  content: string;
  logprobs: ChatTokenLogprob[] | null;
  finishReason: string | null;
}

/**
 * `"bytes": [...]` of every logprobs entry and alternative: a third of an answer's size, which
 * nothing here reads. A JSON string cannot hold `,"bytes":` unescaped, so only keys match.
 */
const TOKEN_BYTES = /,"bytes":(?:\[[\d,\s]*\]|null)/g;

/** A whole response body, read at once (no web stream), its JSON without the token bytes. */
class AnswerResponse extends Response {
  constructor(
    private readonly content: Buffer,
    init: ResponseInit,
  ) {
    super(null, init);
  }

  override text(): Promise<string> {
    return Promise.resolve(this.content.toString('utf8'));
  }

  override json(): Promise<unknown> {
    try {
      return Promise.resolve(JSON.parse(this.content.toString('utf8').replace(TOKEN_BYTES, '')));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
}

/**
 * The fetch the SDK calls: undici's request API over a keep-alive pool, which costs about a
 * millisecond of CPU less per call than Node's fetch (the proxy measured the same; its client,
 * src/server/llm, does this too and is to move to src/node, when this one gives way to it).
 */
function answerFetch(connections: number, meter: UsageMeter) {
  const agent = new Agent({
    connections,
    keepAliveTimeout: 30_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const fetchAnswer = async (input: string | URL | Request, init: RequestInit = {}) => {
    if (input instanceof Request) throw new TypeError('answerFetch takes a URL, not a Request');
    meter.request();
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = init.body;
    if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError('answerFetch sends string or byte bodies only');
    }
    const response = await request(input, {
      method: (init.method ?? 'GET') as 'GET',
      headers,
      body: body ?? null,
      signal: init.signal ?? undefined,
      dispatcher: agent,
    });
    const bytes = Buffer.from(await response.body.arrayBuffer());
    const responseHeaders: [string, string][] = [];
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) for (const item of value) responseHeaders.push([name, item]);
      else if (value !== undefined) responseHeaders.push([name, value]);
    }
    const empty = [101, 204, 205, 304].includes(response.statusCode);
    return new AnswerResponse(empty ? Buffer.alloc(0) : bytes, {
      status: response.statusCode,
      headers: responseHeaders,
    });
  };
  return { fetch: fetchAnswer, close: () => agent.close() };
}

/** The chat client: `ask` a model with messages (also used by the CLI's score command). */
export function openAiClient(
  settings: Pick<ModelSettings, 'baseURL' | 'apiKey' | 'maxCalls' | 'maxRetries' | 'timeoutMs'>,
  meter: UsageMeter,
) {
  const upstream = answerFetch(settings.maxCalls, meter);
  const client = new OpenAI({
    baseURL: settings.baseURL,
    apiKey: settings.apiKey ?? 'no-key',
    maxRetries: settings.maxRetries,
    timeout: settings.timeoutMs,
    fetch: upstream.fetch,
  });
  const limit = pLimit(Math.max(1, settings.maxCalls));
  let logprobs = true;

  async function ask(
    model: string,
    messages: ChatMessage[],
    maxTokens: number,
    topLogprobs: number | null,
    signal: AbortSignal | undefined,
  ): Promise<Answer> {
    return limit(async () => {
      for (;;) {
        const withLogprobs = logprobs && topLogprobs !== null;
        try {
          // No abort signal is handed to the SDK: one listener per call on the job's signal
          // costs more than it saves. An interrupted job starts no new call; calls in flight end
          // within their timeout.
          signal?.throwIfAborted();
          const completion = await client.chat.completions.create({
            model,
            messages,
            max_tokens: maxTokens,
            temperature: 0,
            ...(withLogprobs && { logprobs: true, top_logprobs: topLogprobs }),
          });
          meter.tokens(
            completion.usage?.prompt_tokens ?? 0,
            completion.usage?.completion_tokens ?? 0,
          );
          const choice = completion.choices[0];
          const content = choice?.message.content;
          if (!choice || typeof content !== 'string' || content === '') {
            const refusal = choice?.message.refusal;
            throw new Error(
              refusal
                ? `the model refused: ${refusal}`
                : `the model answered with no text (finish_reason ${JSON.stringify(choice?.finish_reason ?? null)})`,
            );
          }
          return {
            content,
            logprobs: (choice.logprobs?.content as ChatTokenLogprob[] | null | undefined) ?? null,
            finishReason: choice.finish_reason ?? null,
          };
        } catch (error) {
          // A server that rejects logprobs is asked again without them, and remembered.
          const rejected =
            error instanceof OpenAI.APIError &&
            (error.status === 400 || error.status === 422) &&
            /logprobs/i.test(error.message);
          if (withLogprobs && rejected) {
            logprobs = false;
            continue;
          }
          throw describe(error, settings.baseURL);
        }
      }
    });
  }
  return { ask, close: upstream.close };
}

/** A failed call as one sentence naming the server (never the key). */
function describe(error: unknown, server: string): Error {
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new Error(`the LLM server at ${server} did not answer in time (retries exhausted)`);
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new Error(`could not reach the LLM server at ${server} (retries exhausted)`);
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    return new Error(
      `the LLM server answered HTTP ${error.status}${error.status === 429 || error.status >= 500 ? ' (retries exhausted)' : ''}: ${error.message.slice(0, 200)}`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function modelSimulator(
  ask: ReturnType<typeof openAiClient>['ask'],
  model: string,
  cache: AnswerCache | null,
  meter: UsageMeter,
): Simulator {
  return {
    id: 'openai',
    model,
    async simulateRecord(explanation, tokens, options) {
      const key = cache?.key(['simulation', model, explanation, tokens]);
      const hit = key === undefined ? undefined : cache?.get<SequenceSimulation>(key);
      if (hit !== undefined) {
        meter.cached += 1;
        return hit;
      }
      const answer = await ask(
        model,
        buildSimulationMessages(explanation, tokens),
        simulationMaxTokens(tokens),
        SIMULATION_TOP_LOGPROBS,
        options?.signal,
      );
      const simulation = parseSimulationResponse(tokens, answer.content, answer.logprobs, {
        finishReason: answer.finishReason,
      });
      if (key !== undefined) cache?.put(key, simulation);
      return simulation;
    },
  };
}

function modelExplainer(
  ask: ReturnType<typeof openAiClient>['ask'],
  model: string,
  cache: AnswerCache | null,
  meter: UsageMeter,
): Explainer {
  return {
    id: 'openai',
    model,
    async explain(records, options) {
      const key = cache?.key(['explanation', model, records]);
      const hit = key === undefined ? undefined : cache?.get<string>(key);
      if (hit !== undefined) {
        meter.cached += 1;
        return hit;
      }
      const answer = await ask(
        model,
        buildExplanationMessages(records),
        EXPLANATION_MAX_TOKENS,
        null,
        options?.signal,
      );
      const explanation = parseExplanationResponse(answer.content);
      if (key !== undefined) cache?.put(key, explanation);
      return explanation;
    },
  };
}

/**
 * A judge asking a chat model with core's judge prompt (also the score command's). Its answers are
 * cached per batch of excerpts, as they were shown (marks included), by model and prompt version;
 * a wrong-format answer or a refusal throws (core's parser), and is not cached.
 */
export function modelJudge(
  ask: ReturnType<typeof openAiClient>['ask'],
  model: string,
  cache: AnswerCache | null,
  meter: UsageMeter,
): Judge {
  return {
    id: 'openai',
    model,
    async judge(scorer, explanation, excerpts, options) {
      const key = cache?.key(['judge', model, judgePromptVersion(scorer), explanation, excerpts]);
      const hit = key === undefined ? undefined : cache?.get<JudgeVerdict[]>(key);
      if (hit !== undefined) {
        meter.cached += 1;
        return hit;
      }
      const answer = await ask(
        model,
        buildJudgeMessages(scorer, explanation, excerpts),
        judgeMaxTokens(excerpts.length),
        JUDGE_TOP_LOGPROBS,
        options?.signal,
      );
      const verdicts = parseJudgeResponse(excerpts.length, answer.content, answer.logprobs);
      if (key !== undefined) cache?.put(key, verdicts);
      return verdicts;
    },
  };
}

export interface BatchModelSet {
  models: BatchModels;
  meter: UsageMeter;
  /** Whether each side runs offline (no upstream calls, nothing to cache). */
  offline: { simulator: boolean; explainer: boolean; judge: boolean };
  /** Closes the kept-alive connections to the LLM server. */
  close(): Promise<void>;
}

export function batchModels(settings: ModelSettings, cache: AnswerCache | null): BatchModelSet {
  const meter = new UsageMeter();
  const needsClient =
    settings.simulator === 'openai' ||
    settings.explainer === 'openai' ||
    settings.judge === 'openai';
  const client = needsClient ? openAiClient(settings, meter) : null;
  const ask = client?.ask ?? null;
  return {
    models: {
      simulator:
        settings.simulator === 'openai' && ask
          ? modelSimulator(ask, settings.simulatorModel, cache, meter)
          : baselineSimulator,
      explainer:
        settings.explainer === 'openai' && ask
          ? modelExplainer(ask, settings.explainerModel, cache, meter)
          : baselineExplainer,
      judge:
        settings.judge === 'openai' && ask
          ? modelJudge(ask, settings.judgeModel, cache, meter)
          : baselineJudge,
    },
    meter,
    offline: {
      simulator: settings.simulator === 'baseline',
      explainer: settings.explainer === 'baseline',
      judge: settings.judge === 'baseline',
    },
    close: async () => {
      await client?.close();
    },
  };
}
