/**
 * The paper's simulation step adapted to chat models. The original read the probabilities of
 * "0".."10" at each token position of a completion prompt; a chat model instead writes the record
 * back, one token per line followed by a tab and its activation. When the API returns top_logprobs,
 * the expected value over the numbers at each activation is used; otherwise the written number.
 */
import type { SequenceSimulation } from '../format/types.ts';
import { escapeToken, quoteToken, tokenMatches, unescapeToken } from './tokens.ts';
import { SimulationFormatError, type ChatMessage, type ChatTokenLogprob } from './types.ts';

export const MAX_SIMULATED_ACTIVATION = 10;

/**
 * top_logprobs to ask for at each output token. A chat model writing a number puts nearly all its
 * probability on that number and one or two neighbours, so 5 capture nearly all the mass of 0..10
 * that the expected value needs. Servers return them at every token (the copied tokens too), so
 * more costs size and parsing: 15 (the paper's completion-API setting) triples a 64-token
 * answer to about 200 KB.
 */
export const SIMULATION_TOP_LOGPROBS = 5;

/** A generous completion budget for simulating these tokens (one short line per token). */
export function simulationMaxTokens(tokens: readonly string[]): number {
  return 64 + tokens.length * 12;
}

/** Explanations are phrases that complete this sentence (the paper's convention). */
export const EXPLANATION_PREFIX = 'the main thing this neuron does is find';

const SYSTEM = `You predict how strongly one neuron in a language model responds to each token of a text, using only a short description of what the neuron looks for.

Rate every token from 0 to 10: 0 means the neuron is silent (true of most tokens), 10 means it responds as strongly as it ever does. Tokens that only partly fit the description get values in between.

Answer format, which a program reads:
- exactly one line per token, in the order given, and no other lines (no heading, no remarks, no code fence);
- each line is the token copied exactly as shown, then a tab character, then one whole number from 0 to 10.
Tokens are shown with escapes: \\n is a newline, \\t a tab, \\r a carriage return, \\\\ a backslash. Copy them with the same escapes. A token that starts with a space keeps its space.`;

function formatTokens(tokens: readonly string[]): string {
  return tokens.map(escapeToken).join('\n');
}

function phrase(explanation: string): string {
  // Published explanations sometimes end with a period; the sentence gets its own.
  const trimmed = explanation.trim().replace(/\.+$/, '');
  return `${EXPLANATION_PREFIX} ${trimmed}`;
}

// A worked example in the requested format, so the model sees the format once before the task.
const EXAMPLE_TOKENS = ['The', ' sky', ' turned', ' red', ',', ' then', ' deep', ' violet', '.\n'];
const EXAMPLE_VALUES = [0, 0, 0, 9, 0, 0, 2, 10, 0];

function userMessage(explanation: string, tokens: readonly string[]): string {
  return `Neuron description: ${phrase(explanation)}.

Tokens (${tokens.length}):
${formatTokens(tokens)}`;
}

// The same for every call (20 or more per simulation), so made once.
const EXAMPLE_MESSAGES: readonly ChatMessage[] = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: userMessage(' names of colours', EXAMPLE_TOKENS) },
  {
    role: 'assistant',
    content: EXAMPLE_TOKENS.map((t, i) => `${escapeToken(t)}\t${EXAMPLE_VALUES[i]}`).join('\n'),
  },
];

/** Chat messages asking a model to rate each token 0..10 given the explanation. */
export function buildSimulationMessages(
  explanation: string,
  tokens: readonly string[],
): ChatMessage[] {
  return [
    ...EXAMPLE_MESSAGES.map((message) => ({ ...message })),
    { role: 'user', content: userMessage(explanation, tokens) },
  ];
}

interface Line {
  /** 1-based line number in the response. */
  number: number;
  text: string;
  /** Offset of the line's first character in the response. */
  offset: number;
}

function splitLines(content: string): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  const raws = content.split('\n');
  for (let index = 0; index < raws.length; index++) {
    const raw = raws[index]!;
    lines.push({ number: index + 1, text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, offset });
    offset += raw.length + 1;
  }
  return lines;
}

interface DataLine {
  line: Line;
  /** False when the line had no tab and was split at its last space instead. */
  tabbed: boolean;
  echoed: string;
  valueText: string;
  /** Offset of the value's first character in the response. */
  valueOffset: number;
}

/** Token and value of a line: split at the last tab, or at the last space run when there is none. */
function splitDataLine(line: Line): DataLine | null {
  const text = line.text.trimEnd();
  let at = text.lastIndexOf('\t');
  let width = 1;
  if (at < 0) {
    const match = /\s+(\S+)$/.exec(text);
    if (!match) return null;
    at = match.index;
    width = match[0].length - match[1]!.length;
  }
  const rest = text.slice(at + width);
  const valueText = rest.trimStart();
  return {
    line,
    tabbed: width === 1 && text[at] === '\t',
    echoed: text.slice(0, at),
    valueText,
    valueOffset: line.offset + at + width + (rest.length - valueText.length),
  };
}

const FENCE = /^\s*```/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const BOLD_NUMBER = /^(\*\*)?[+-]?(\d+(\.\d*)?|\.\d+)(\*\*)?$/;

/**
 * Whether a response token could be a line's whole value, the only place whose top_logprobs
 * parseSimulationResponse reads: a caller may drop the alternatives of every other token.
 */
export function mayBeActivation(token: string): boolean {
  return BOLD_NUMBER.test(token.trim());
}

function parseValue(data: DataLine): number {
  const text = data.valueText;
  const cleaned = text.startsWith('**') ? text.replace(/^\*\*(.*)\*\*$/, '$1') : text;
  if (!NUMBER.test(cleaned)) {
    throw new SimulationFormatError(
      `expected a number from 0 to 10 after the token, found ${quoteToken(data.valueText)}`,
      data.line.number,
    );
  }
  const value = Number(cleaned);
  if (value < 0 || value > MAX_SIMULATED_ACTIVATION) {
    throw new SimulationFormatError(`activation ${value} is outside 0..10`, data.line.number);
  }
  return value;
}

export interface ParseSimulationOptions {
  /** The choice's finish_reason: "length" tells a truncated response from a short one. */
  finishReason?: string | null;
  /**
   * The model was asked for its most likely tokens (temperature 0): each written number must then
   * be the most likely token at its place, or the logprobs contradict it.
   */
  greedy?: boolean;
}

/**
 * Read a chat model's simulation. Every token must come back, in order, with a number; anything
 * else throws a SimulationFormatError that says which line is wrong and how. With `logprobs`
 * (`choices[0].logprobs.content`), each value is the expected value over the 0..10 numbers among
 * the top_logprobs where the number was written.
 */
export function parseSimulationResponse(
  tokens: readonly string[],
  content: string,
  logprobs?: readonly ChatTokenLogprob[] | null,
  options: ParseSimulationOptions = {},
): SequenceSimulation {
  if (content.trim() === '') throw new SimulationFormatError('the response is empty');
  // Blank lines and code fences are dropped; a fence with a tab is the token "```" rated.
  const all = splitLines(content).filter(
    (l) => l.text.trim() !== '' && !(FENCE.test(l.text) && !l.text.includes('\t')),
  );
  // A model may open with a sentence before the lines; when the lines have tabs, skip what does not.
  const firstTab = all.findIndex((l) => l.text.includes('\t'));
  const lines = firstTab > 0 ? all.slice(firstTab) : all;

  const values: number[] = [];
  const data: DataLine[] = [];
  const truncated = options.finishReason === 'length';
  for (let i = 0; i < tokens.length; i++) {
    const line = lines[i];
    if (!line) {
      throw new SimulationFormatError(
        truncated
          ? `the response was cut off (length limit) after ${i} of ${tokens.length} tokens`
          : `missing lines: the response rates ${i} of ${tokens.length} tokens`,
      );
    }
    // The last line of a response that stops short, without its number: the output was cut off.
    const cutOff = i === lines.length - 1 && (truncated || lines.length < tokens.length);
    const split = splitDataLine(line);
    if (cutOff && (!split || !split.tabbed || split.valueText === '')) {
      throw new SimulationFormatError(
        `the response ends mid-line after ${i} of ${tokens.length} tokens (truncated)`,
        line.number,
      );
    }
    if (!split) {
      throw new SimulationFormatError(
        'no activation after the token (expected token, tab, number)',
        line.number,
      );
    }
    if (!tokenMatches(tokens[i]!, split.echoed)) {
      throw new SimulationFormatError(
        split.tabbed
          ? `wrong token: expected ${quoteToken(tokens[i]!)} (token ${i + 1}), found ${quoteToken(unescapeToken(split.echoed))}`
          : `expected token ${i + 1} (${quoteToken(tokens[i]!)}), a tab and a number; found ${quoteToken(line.text)}`,
        line.number,
      );
    }
    values.push(parseValue(split));
    data.push(split);
  }
  const extra = lines.slice(tokens.length).find((l) => l.text.includes('\t'));
  if (extra) {
    throw new SimulationFormatError(
      `more lines than the ${tokens.length} tokens (${quoteToken(extra.text)})`,
      extra.number,
    );
  }

  const distributions = logprobs
    ? readDistributions(content, logprobs, data, options.greedy ?? false)
    : null;
  const known = distributions?.some((d) => d !== null) ?? false;
  return {
    tokens: [...tokens],
    expected_activations: values.map((value, i) => {
      const distribution = distributions?.[i];
      if (!distribution) return value;
      return distribution.values.reduce((sum, v, j) => sum + v * distribution.probabilities[j]!, 0);
    }),
    activation_scale: 'simulated_normalized_activations',
    distribution_values: known ? distributions!.map((d) => d?.values ?? []) : [],
    distribution_probabilities: known ? distributions!.map((d) => d?.probabilities ?? []) : [],
    uncalibrated_simulation: null,
  };
}

interface Distribution {
  values: number[];
  probabilities: number[];
}

function utf8Length(text: string): number {
  let length = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    length += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return length;
}

/**
 * Where each logprob token starts, in the units `locate` uses: characters when the tokens spell
 * the response, else UTF-8 bytes (a token may end inside a multi-byte character). Null when
 * neither lines up with the response, so the logprobs cannot be trusted.
 */
function tokenPositions(
  content: string,
  logprobs: readonly ChatTokenLogprob[],
): { starts: number[]; ends: number[]; locate: (offset: number) => number } | null {
  const starts: number[] = [];
  const ends: number[] = [];
  let position = 0;
  if (logprobs.map((l) => l.token).join('') === content) {
    for (const entry of logprobs) {
      starts.push(position);
      position += entry.token.length;
      ends.push(position);
    }
    return { starts, ends, locate: (offset) => offset };
  }
  if (logprobs.every((l) => Array.isArray(l.bytes))) {
    for (const entry of logprobs) {
      starts.push(position);
      position += entry.bytes!.length;
      ends.push(position);
    }
    if (position !== utf8Length(content)) return null;
    return { starts, ends, locate: (offset) => utf8Length(content.slice(0, offset)) };
  }
  return null;
}

function readDistributions(
  content: string,
  logprobs: readonly ChatTokenLogprob[],
  data: readonly DataLine[],
  greedy: boolean,
): (Distribution | null)[] {
  const positions = tokenPositions(content, logprobs);
  if (!positions) return data.map(() => null);
  let entry = 0;
  return data.map((line) => {
    const at = positions.locate(line.valueOffset);
    while (entry < logprobs.length && positions.ends[entry]! <= at) entry++;
    const token = logprobs[entry];
    // Only when the number is exactly one token can its alternatives be read as other numbers.
    if (!token || token.token.trim() !== line.valueText) return null;
    checkNumberLogprobs(token, line.line.number, greedy);
    // Probability mass by value 0..10; NaN where no alternative named the value. (This runs for
    // every token of every record, so it avoids a Map, a regular expression per alternative and
    // closures made per token.)
    const mass = new Array<number>(MAX_SIMULATED_ACTIVATION + 1).fill(NaN);
    let named = 0;
    const alternatives = token.top_logprobs ?? [];
    for (const alternative of alternatives) {
      if (addMass(mass, alternative.token, alternative.logprob)) named++;
    }
    if (named === 0) addMass(mass, token.token, token.logprob);
    let total = 0;
    for (const m of mass) if (!Number.isNaN(m)) total += m;
    if (!(total > 0)) return null;
    const values: number[] = [];
    const probabilities: number[] = [];
    for (let value = 0; value < mass.length; value++) {
      const m = mass[value]!;
      if (Number.isNaN(m)) continue;
      values.push(value);
      probabilities.push(m / total);
    }
    return { values, probabilities };
  });
}

/** Probabilities of one place may add up to a little more than 1 by rounding, not more. */
const PROBABILITY_TOLERANCE = 1e-3;
/** Logprobs printed for the same token at the same place may differ by rounding, not more. */
const LOGPROB_ROUNDING = 0.01;
/**
 * How much more likely (as a log-probability difference, ln 4) another token may be than the
 * number a greedy model wrote, before the logprobs contradict it. A model decoding greedily writes
 * its most likely token; near-ties can swap between runs, a factor of 4 cannot.
 */
const GREEDY_MARGIN = Math.log(4);

/**
 * The logprobs of a written number, checked against each other and against the number: the
 * alternatives' probabilities (with the number's own) add up to at most 1, the number's logprob is
 * the one its alternatives give it, and for a greedy model no alternative is much more likely than
 * what it wrote. Anything else is a SimulationFormatError: the expected value would be made of
 * numbers the server invented.
 */
function checkNumberLogprobs(token: ChatTokenLogprob, line: number, greedy: boolean): void {
  const alternatives = token.top_logprobs ?? [];
  let total = 0;
  let best: { token: string; logprob: number } | null = null;
  let listed = false;
  let agrees = false;
  for (const alternative of alternatives) {
    total += Math.exp(alternative.logprob);
    if (best === null || alternative.logprob > best.logprob) best = alternative;
    if (alternative.token === token.token) {
      listed = true;
      if (Math.abs(alternative.logprob - token.logprob) <= LOGPROB_ROUNDING) agrees = true;
    }
  }
  if (!listed) total += Math.exp(token.logprob);
  const written = quoteToken(token.token);
  if (total > 1 + PROBABILITY_TOLERANCE) {
    throw new SimulationFormatError(
      `the logprobs at the number ${written} give probabilities that add up to ${total.toFixed(3)}, more than 1`,
      line,
    );
  }
  if (listed && !agrees) {
    throw new SimulationFormatError(
      `the logprobs give the number ${written} two different probabilities (logprob ${token.logprob} and, among its alternatives, another)`,
      line,
    );
  }
  if (greedy && best !== null && best.logprob - token.logprob > GREEDY_MARGIN) {
    throw new SimulationFormatError(
      `the logprobs contradict the number ${written}: they make ${quoteToken(best.token)} more likely ` +
        `(${Math.exp(best.logprob).toFixed(3)} against ${Math.exp(token.logprob).toFixed(3)}), which a model asked for its most likely answer does not write`,
      line,
    );
  }
}

/** Adds a token's probability to the mass of the number it spells; false if it spells none. */
function addMass(mass: number[], text: string, logprob: number): boolean {
  const value = smallNumber(text);
  if (value < 0) return false;
  mass[value] = (Number.isNaN(mass[value]!) ? 0 : mass[value]!) + Math.exp(logprob);
  return true;
}

/** The whole number 0..10 a token spells (one or two digits, spaces around), else -1. */
function smallNumber(text: string): number {
  const trimmed = text.trim();
  const first = trimmed.charCodeAt(0) - 48;
  if (!(first >= 0 && first <= 9)) return -1;
  if (trimmed.length === 1) return first;
  const second = trimmed.charCodeAt(1) - 48;
  if (trimmed.length !== 2 || !(second >= 0 && second <= 9)) return -1;
  const value = first * 10 + second;
  return value <= MAX_SIMULATED_ACTIVATION ? value : -1;
}
