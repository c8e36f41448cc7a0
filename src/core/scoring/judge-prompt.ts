/**
 * What a judge model is asked for detection and fuzzing, and how its answer is read. The judge
 * sees an explanation and a numbered batch of excerpts (for fuzzing, with some tokens marked) and
 * answers one line per excerpt: its number, a colon and yes or no. An answer that is not in that
 * form is a JudgeFormatError (a refusal is named as one), never a verdict.
 */
import { EXPLANATION_PREFIX } from '../simulation/simulation-prompt.ts';
import { tokenPositions } from '../simulation/logprob-positions.ts';
import { escapeToken, quoteToken } from '../simulation/tokens.ts';
import type { ChatMessage, ChatTokenLogprob } from '../simulation/types.ts';
import { hashString } from '../random/random.ts';

export type JudgedScorer = 'detection' | 'fuzzing';

/** What the judge is shown of one example: its tokens and, for fuzzing, the marked ones. */
export interface JudgeExcerpt {
  tokens: readonly string[];
  /** Token indices marked for fuzzing; null for detection. */
  marked: readonly number[] | null;
}

/** The judge's answer about one excerpt. */
export interface JudgeVerdict {
  /** The excerpt fits the explanation (detection), or its marks do (fuzzing). */
  fits: boolean;
  /** Probability of "yes" from the answer's log-probabilities; null when there were none. */
  probability: number | null;
}

/** Top log-probabilities asked for: "yes", "no" and their spellings fit in a few. */
export const JUDGE_TOP_LOGPROBS = 5;

export const MARK_OPEN = '«';
export const MARK_CLOSE = '»';

/** A judge's answer that is not a verdict for every excerpt. */
export class JudgeFormatError extends Error {
  /** "refusal" when the judge declined to answer rather than answering in another form. */
  readonly kind: 'format' | 'refusal';
  readonly line: number | null;
  constructor(
    problem: string,
    options: { line?: number | null; kind?: 'format' | 'refusal' } = {},
  ) {
    const line = options.line ?? null;
    super(line === null ? problem : `line ${line}: ${problem}`);
    this.name = 'JudgeFormatError';
    this.kind = options.kind ?? 'format';
    this.line = line;
  }
}

const FORMAT = `Answer format, which a program reads: one line per excerpt, in the order given, and nothing else (no heading, no reasons, no code fence). Each line is the excerpt's number, a colon, a space, then yes or no. For three excerpts:
1: no
2: yes
3: no`;

const SYSTEM: Record<JudgedScorer, string> = {
  detection: `You test descriptions of single neurons inside a language model. A description says what kind of text makes one neuron respond. You get a description and a numbered list of short excerpts of text. The neuron responds somewhere in some of the excerpts and nowhere in the others.

For each excerpt, decide whether it contains what the description names, so that the neuron would respond to it: yes or no. Judge every excerpt on its own; any number of them may be yes, from none to all.

In the excerpts, \\n stands for a line break and \\t for a tab.

${FORMAT}`,
  fuzzing: `You test descriptions of single neurons inside a language model. A description says what kind of text makes one neuron respond. You get a description and a numbered list of short excerpts of text in which some tokens are marked, each marked stretch written between ${MARK_OPEN} and ${MARK_CLOSE}. In some excerpts the marks sit on exactly the tokens the neuron responds to; in the others they were put on tokens picked at random.

For each excerpt, decide whether the marked tokens are what the description names, so that the neuron would respond to them: yes or no. Look at the marked tokens and their context, not at the rest of the excerpt. Judge every excerpt on its own; any number of them may be yes, from none to all.

In the excerpts, \\n stands for a line break and \\t for a tab.

${FORMAT}`,
};

/** The excerpt as one line: tokens joined, marked stretches wrapped, control characters escaped. */
export function excerptText(excerpt: JudgeExcerpt): string {
  const marked = new Set(excerpt.marked ?? []);
  let text = '';
  excerpt.tokens.forEach((token, i) => {
    const open = marked.has(i) && !marked.has(i - 1);
    const close = marked.has(i) && !marked.has(i + 1);
    text += `${open ? MARK_OPEN : ''}${escapeToken(token)}${close ? MARK_CLOSE : ''}`;
  });
  return text;
}

function phrase(explanation: string): string {
  return `${EXPLANATION_PREFIX} ${explanation.trim().replace(/\.+$/, '')}`;
}

function userMessage(explanation: string, excerpts: readonly JudgeExcerpt[]): string {
  const lines = excerpts.map((excerpt, i) => `${i + 1}. ${excerptText(excerpt)}`);
  return `Neuron description: ${phrase(explanation)}.

Excerpts (${excerpts.length}):
${lines.join('\n')}`;
}

// One worked exchange per scorer, so the model sees the answer format once before its task.
const EXAMPLE_EXPLANATION = ' names of colours';
const EXAMPLE_EXCERPTS: Record<JudgedScorer, { excerpts: JudgeExcerpt[]; answer: string }> = {
  detection: {
    excerpts: [
      { tokens: ['The', ' wall', ' was', ' painted', ' pale', ' green', '.'], marked: null },
      { tokens: ['Prices', ' rose', ' again', ' in', ' March', '.'], marked: null },
    ],
    answer: '1: yes\n2: no',
  },
  fuzzing: {
    excerpts: [
      { tokens: ['She', ' wore', ' a', ' red', ' scarf', '.'], marked: [3] },
      { tokens: ['A', ' blue', ' car', ' turned', ' left', '.'], marked: [3] },
    ],
    answer: '1: yes\n2: no',
  },
};

const EXAMPLE_MESSAGES: Record<JudgedScorer, readonly ChatMessage[]> = {
  detection: exampleMessages('detection'),
  fuzzing: exampleMessages('fuzzing'),
};

function exampleMessages(scorer: JudgedScorer): ChatMessage[] {
  const example = EXAMPLE_EXCERPTS[scorer];
  return [
    { role: 'system', content: SYSTEM[scorer] },
    { role: 'user', content: userMessage(EXAMPLE_EXPLANATION, example.excerpts) },
    { role: 'assistant', content: example.answer },
  ];
}

/** Chat messages asking a judge about a batch of excerpts. */
export function buildJudgeMessages(
  scorer: JudgedScorer,
  explanation: string,
  excerpts: readonly JudgeExcerpt[],
): ChatMessage[] {
  return [
    ...EXAMPLE_MESSAGES[scorer].map((message) => ({ ...message })),
    { role: 'user', content: userMessage(explanation, excerpts) },
  ];
}

/** A completion budget for answering `count` excerpts (a short line each). */
export function judgeMaxTokens(count: number): number {
  return 16 + count * 8;
}

/** A short name of a prompt's text: changes whenever the prompt does. */
export function promptVersion(name: string, messages: readonly ChatMessage[]): string {
  return `${name}-${hashString(JSON.stringify(messages)).toString(16).padStart(8, '0')}`;
}

const judgePromptVersions: Partial<Record<JudgedScorer, string>> = {};

/** The version of the judge's prompt for a scorer, as a score's basis names it. */
export function judgePromptVersion(scorer: JudgedScorer): string {
  // The same for the life of the process, and asked for by every score and cache key.
  return (judgePromptVersions[scorer] ??= promptVersion(
    scorer,
    buildJudgeMessages(scorer, '{explanation}', [{ tokens: ['{token}'], marked: [0] }]),
  ));
}

/** Whether a token of the answer could be the word of a verdict, whose alternatives are read. */
export function mayBeVerdict(token: string): boolean {
  return /^\s*(?:yes|no)\s*$/i.test(token);
}

const ANSWER = /^\s*(?:\*\*)?(?:excerpt\s*)?#?(\d+)(?:\*\*)?\s*[:.)\]-]\s*(.*?)\s*$/i;
const VERDICT = /^(?:\*\*)?(yes|no)(?:\*\*)?\.?$/i;
const REFUSAL =
  /\b(?:sorry|apologi[sz]e|can(?:not|'t|’t)|unable to|won(?:'t|’t)|not able to|as an ai)\b/i;

/**
 * Read a judge's answer about `count` excerpts: exactly one yes or no for each number from 1 to
 * `count`, in any order; lines that are not answers (a heading, a blank line) are skipped. With
 * `logprobs`, each verdict gets the probability of "yes" against "no" where the word was written.
 */
export function parseJudgeResponse(
  count: number,
  content: string,
  logprobs?: readonly ChatTokenLogprob[] | null,
): JudgeVerdict[] {
  if (content.trim() === '') throw new JudgeFormatError('the answer is empty');
  const found: ({ fits: boolean; offset: number; word: string } | undefined)[] = Array.from(
    { length: count },
    () => undefined,
  );
  let offset = 0;
  let answers = 0;
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!;
    const lineStart = offset;
    offset += raw.length + 1;
    const match = ANSWER.exec(raw);
    if (!match) continue;
    const number = Number(match[1]);
    const rest = match[2]!;
    const line = index + 1;
    if (number < 1 || number > count) {
      throw new JudgeFormatError(`an answer for excerpt ${number}, but there are ${count}`, {
        line,
      });
    }
    const verdict = VERDICT.exec(rest);
    if (!verdict) {
      throw new JudgeFormatError(
        `expected yes or no for excerpt ${number}, found ${quoteToken(rest)}`,
        { line },
      );
    }
    if (found[number - 1]) {
      throw new JudgeFormatError(`excerpt ${number} is answered twice`, { line });
    }
    const word = verdict[1]!;
    found[number - 1] = {
      fits: word.toLowerCase() === 'yes',
      offset: lineStart + raw.lastIndexOf(word),
      word,
    };
    answers++;
  }
  if (answers === 0) {
    const quoted = quoteToken(content.trim().slice(0, 160));
    if (REFUSAL.test(content)) {
      throw new JudgeFormatError(`the judge refused to answer: ${quoted}`, { kind: 'refusal' });
    }
    throw new JudgeFormatError(`no answer in the form "1: yes" was found in ${quoted}`);
  }
  const missing = found.flatMap((answer, i) => (answer ? [] : [i + 1]));
  if (missing.length > 0) {
    throw new JudgeFormatError(
      `no answer for excerpt${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count}`,
    );
  }
  const probabilities = logprobs
    ? readProbabilities(content, logprobs, found as { offset: number; word: string }[])
    : null;
  return found.map((answer, i) => ({
    fits: answer!.fits,
    probability: probabilities?.[i] ?? null,
  }));
}

/** P(yes) / (P(yes) + P(no)) at each verdict's word, from its alternatives; null where unknown. */
function readProbabilities(
  content: string,
  logprobs: readonly ChatTokenLogprob[],
  answers: readonly { offset: number; word: string }[],
): (number | null)[] {
  const positions = tokenPositions(content, logprobs);
  if (!positions) return answers.map(() => null);
  return answers.map(({ offset, word }) => {
    const at = positions.locate(offset);
    const entry = positions.ends.findIndex((end) => end > at);
    const token = logprobs[entry];
    // Only a token that is the whole word can have other words as its alternatives.
    if (!token || token.token.trim().toLowerCase() !== word.toLowerCase()) return null;
    let yes = 0;
    let no = 0;
    const alternatives = token.top_logprobs?.length ? token.top_logprobs : [token];
    for (const alternative of alternatives) {
      const text = alternative.token.trim().toLowerCase();
      if (text === 'yes') yes += Math.exp(alternative.logprob);
      else if (text === 'no') no += Math.exp(alternative.logprob);
    }
    return yes + no > 0 ? yes / (yes + no) : null;
  });
}
