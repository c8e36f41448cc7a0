import type { ActivationRecord, SequenceSimulation } from '../format/types.ts';

/** Which kind of simulator or explainer produced a result; "baseline" is the offline one. */
export type ModelKind = 'baseline' | 'openai';

export interface SimulateRecordOptions {
  signal?: AbortSignal;
  /** Who asked (a client address): a server shares its LLM capacity fairly between clients. */
  client?: string;
}

/**
 * Predicts a neuron's activation at every token from an explanation alone. Values are on the
 * 0..10 scale (activation_scale "simulated_normalized_activations"); distribution_values and
 * distribution_probabilities are filled when the simulator knows them.
 */
export interface Simulator {
  id: ModelKind;
  /** The model shown next to results, e.g. "baseline" or "gpt-4o-mini". */
  model: string;
  simulateRecord(
    explanation: string,
    tokens: string[],
    options?: SimulateRecordOptions,
  ): Promise<SequenceSimulation>;
}

/** Writes an explanation from top-activating records (the train split). */
export interface Explainer {
  id: ModelKind;
  model: string;
  explain(records: ActivationRecord[], options?: SimulateRecordOptions): Promise<string>;
}

/** A chat message as OpenAI's chat completions API takes it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One entry of `choices[0].logprobs.content` in an OpenAI chat completion. */
export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes?: number[] | null;
  top_logprobs?: { token: string; logprob: number; bytes?: number[] | null }[];
}

/**
 * A simulator's response that does not follow the requested format. It is a failed simulation,
 * never a simulation of zeros. `line` is 1-based in the response, when one line is at fault.
 */
export class SimulationFormatError extends Error {
  readonly problem: string;
  readonly line: number | null;
  constructor(problem: string, line: number | null = null) {
    super(line === null ? problem : `line ${line}: ${problem}`);
    this.name = 'SimulationFormatError';
    this.problem = problem;
    this.line = line;
  }
}

/** An explainer's response that holds no usable explanation. */
export class ExplanationFormatError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'ExplanationFormatError';
  }
}
