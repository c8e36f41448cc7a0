/**
 * What a batch job costs upstream: calls, prompt and completion tokens, and money at a price per
 * million tokens. Estimated before a run (--dry-run) from the very prompts the job will send,
 * counted by an injected tokenizer (core stays free of the tokenizer's tables), and added up from
 * the server's own usage reports while it runs.
 */
import type { ActivationRecord, NeuronRecord } from '../format/types.ts';
import { buildJudgeMessages, type JudgedScorer } from '../scoring/judge-prompt.ts';
import { planJudging } from '../scoring/judged.ts';
import { buildExplanationMessages } from '../simulation/explanation-prompt.ts';
import { buildSimulationMessages } from '../simulation/simulation-prompt.ts';
import { escapeToken } from '../simulation/tokens.ts';
import type { ChatMessage } from '../simulation/types.ts';

export interface Usage {
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

export const NO_USAGE: Usage = { calls: 0, promptTokens: 0, completionTokens: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    calls: a.calls + b.calls,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
  };
}

/** US dollars per million tokens. */
export interface Price {
  input: number;
  output: number;
}

/**
 * List prices of a few common models (USD per million tokens, as published by OpenAI in 2025);
 * any other model needs --price. A price is an estimate's input, not a bill.
 */
export const KNOWN_PRICES: Readonly<Record<string, Price>> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
};

/** "0.15,0.6" (input, output per million tokens). */
export function parsePrice(text: string): Price {
  const parts = text.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new RangeError(
      `expected the input and output prices per million tokens, e.g. 0.15,0.6, not ${JSON.stringify(text)}`,
    );
  }
  return { input: parts[0] as number, output: parts[1] as number };
}

export function costOf(usage: Usage, price: Price): number {
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1e6;
}

export type CountTokens = (text: string) => number;

function messageTokens(messages: readonly ChatMessage[], count: CountTokens): number {
  // About 4 tokens of framing per message in OpenAI's chat format, and 3 to prime the answer.
  return messages.reduce((n, m) => n + 4 + count(m.content), 3);
}

/** One simulation call per record: the prompt, and an answer of one line per token. */
export function simulationUsage(
  explanation: string,
  records: readonly { tokens: readonly string[] }[],
  count: CountTokens,
): Usage {
  let promptTokens = 0;
  let completionTokens = 0;
  for (const record of records) {
    promptTokens += messageTokens(buildSimulationMessages(explanation, record.tokens), count);
    completionTokens += count(record.tokens.map((t) => `${escapeToken(t)}\t0`).join('\n'));
  }
  return { calls: records.length, promptTokens, completionTokens };
}

/** One explanation call on the train records; the answer is a phrase (about 20 tokens). */
export function explanationUsage(
  trainRecords: readonly ActivationRecord[],
  count: CountTokens,
): Usage {
  return {
    calls: 1,
    promptTokens: messageTokens(buildExplanationMessages(trainRecords), count),
    completionTokens: 20,
  };
}

/**
 * A judged scorer's calls on a neuron: the very batches it will send (a function of the records
 * and the seed), each answered with one `n: yes` line per excerpt.
 */
export function judgeUsage(
  scorer: JudgedScorer,
  explanation: string,
  record: NeuronRecord,
  seed: number,
  count: CountTokens,
): Usage {
  const { excerpts, batches } = planJudging(scorer, record, { seed });
  let promptTokens = 0;
  let completionTokens = 0;
  for (const batch of batches) {
    const shown = batch.map((i) => excerpts[i]!);
    promptTokens += messageTokens(buildJudgeMessages(scorer, explanation, shown), count);
    completionTokens += count(shown.map((_, i) => `${i + 1}: yes`).join('\n'));
  }
  return { calls: batches.length, promptTokens, completionTokens };
}

/** The estimate for `total` neurons from a sample of them (per-neuron mean times total). */
export function extrapolate(sample: readonly Usage[], total: number): Usage {
  if (sample.length === 0) return NO_USAGE;
  const sum = sample.reduce(addUsage, NO_USAGE);
  const scale = total / sample.length;
  return {
    calls: Math.round(sum.calls * scale),
    promptTokens: Math.round(sum.promptTokens * scale),
    completionTokens: Math.round(sum.completionTokens * scale),
  };
}
