/**
 * The simulator, explainer and judge a batch job uses: the offline baselines, or an OpenAI-compatible
 * chat model (OpenAI, vLLM, llama.cpp server, Ollama) asked through the proxy's own chat client
 * (src/node/llm), so a job gets what the proxy gets: retries of 429, 5xx, timeouts and dropped
 * connections with backoff that honours Retry-After; a cap on calls in flight; a cap on an
 * answer's size; answers checked (impossible logprobs are a format error, never a score); a
 * circuit breaker while the server fails every call (a job's calls wait for its pause to end);
 * and no secret in any failure reason. Here:
 *
 * - every HTTP request is counted (retries included) and the server's token usage added up, for
 *   the progress bar and the cost;
 * - a call that still fails fails its neuron with the client's reason, never a made-up score;
 * - answers are kept in an AnswerCache (per record and explanation), so a rerun, or a resumed job,
 *   asks nothing twice and produces the same bytes.
 */
import { NO_USAGE, type Usage } from '../../core/batch/cost.ts';
import type { BatchModels } from '../../core/batch/task.ts';
import { baselineJudge } from '../../core/scoring/baseline-judge.ts';
import { judgePromptVersion, type JudgeVerdict } from '../../core/scoring/judge-prompt.ts';
import type { Judge } from '../../core/scoring/judged.ts';
import { baselineExplainer, baselineSimulator } from '../../core/simulation/baseline.ts';
import type { Explainer, Simulator } from '../../core/simulation/types.ts';
import type { SequenceSimulation } from '../../core/format/types.ts';
import { ChatClient, type CallMeter } from '../llm/chat.ts';
import { openAiJudge } from '../llm/judge.ts';
import { openAiExplainer, openAiSimulator } from '../llm/openai.ts';
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
  /**
   * Failed calls in a row after which calls pause, and for how long (default: the proxy's,
   * UPSTREAM_BREAKER_FAILURES and UPSTREAM_BREAKER_COOLDOWN_MS).
   */
  breaker?: { failures: number; cooldownMs: number } | undefined;
}

/** Upstream usage so far: requests made (retries included) and tokens the server reported. */
export class UsageMeter implements CallMeter {
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

/**
 * The chat client for these settings (also the CLI's score command's): one per job, its calls
 * counted by `meter`. Its notices (the breaker opening) are not printed: they would break the
 * progress bar, and every failed neuron is listed with its reason.
 */
export function modelChatClient(
  settings: Pick<
    ModelSettings,
    'baseURL' | 'apiKey' | 'maxCalls' | 'maxRetries' | 'timeoutMs' | 'breaker'
  >,
  meter: CallMeter,
): ChatClient {
  return new ChatClient({
    baseURL: settings.baseURL,
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    concurrency: Math.max(1, settings.maxCalls),
    // No user waits on a job: while the server fails every call, its calls wait, not fail.
    waitWhilePaused: true,
    ...(settings.breaker && {
      breakerFailures: settings.breaker.failures,
      breakerCooldownMs: settings.breaker.cooldownMs,
    }),
    meter,
  });
}

/** The simulator, its answers kept in the cache (a hit is counted, and makes no call). */
export function cachedSimulator(
  simulator: Simulator,
  cache: AnswerCache | null,
  meter: UsageMeter,
): Simulator {
  if (!cache) return simulator;
  return {
    id: simulator.id,
    model: simulator.model,
    async simulateRecord(explanation, tokens, options) {
      const key = cache.key(['simulation', simulator.model, explanation, tokens]);
      const hit = cache.get<SequenceSimulation>(key);
      if (hit !== undefined) {
        meter.cached += 1;
        return hit;
      }
      const simulation = await simulator.simulateRecord(explanation, tokens, options);
      cache.put(key, simulation);
      return simulation;
    },
  };
}

/** The explainer, its answers kept in the cache. */
export function cachedExplainer(
  explainer: Explainer,
  cache: AnswerCache | null,
  meter: UsageMeter,
): Explainer {
  if (!cache) return explainer;
  return {
    id: explainer.id,
    model: explainer.model,
    async explain(records, options) {
      const key = cache.key(['explanation', explainer.model, records]);
      const hit = cache.get<string>(key);
      if (hit !== undefined) {
        meter.cached += 1;
        return hit;
      }
      const explanation = await explainer.explain(records, options);
      cache.put(key, explanation);
      return explanation;
    },
  };
}

/**
 * The judge, its answers kept in the cache per batch of excerpts as they were shown (marks
 * included), by model and the judge prompt's version. A wrong-format answer or a refusal throws
 * (core's parser) and is not kept.
 */
export function cachedJudge(judge: Judge, cache: AnswerCache | null, meter: UsageMeter): Judge {
  if (!cache) return judge;
  return {
    id: judge.id,
    model: judge.model,
    async judge(scorer, explanation, excerpts, options) {
      const key = cache.key([
        'judge',
        judge.model,
        judgePromptVersion(scorer),
        explanation,
        excerpts,
      ]);
      const hit = cache.get<JudgeVerdict[]>(key);
      if (hit !== undefined) {
        meter.cached += 1;
        return hit;
      }
      const verdicts = await judge.judge(scorer, explanation, excerpts, options);
      cache.put(key, verdicts);
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
  const chat = needsClient ? modelChatClient(settings, meter) : null;
  return {
    models: {
      simulator:
        settings.simulator === 'openai' && chat
          ? cachedSimulator(openAiSimulator(chat, settings.simulatorModel), cache, meter)
          : baselineSimulator,
      explainer:
        settings.explainer === 'openai' && chat
          ? cachedExplainer(openAiExplainer(chat, settings.explainerModel), cache, meter)
          : baselineExplainer,
      judge:
        settings.judge === 'openai' && chat
          ? cachedJudge(openAiJudge(chat, settings.judgeModel), cache, meter)
          : baselineJudge,
    },
    meter,
    offline: {
      simulator: settings.simulator === 'baseline',
      explainer: settings.explainer === 'baseline',
      judge: settings.judge === 'baseline',
    },
    close: async () => {
      await chat?.close();
    },
  };
}
