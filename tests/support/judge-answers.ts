/**
 * The test LLM server playing the judge of detection and fuzzing (see openai-test-server.ts, which
 * hands judge prompts here). Modes:
 *
 *   judge-right     says yes exactly for the excerpts that truly fit
 *   judge-wrong     says the opposite every time
 *   judge-half      right on the 1st, 3rd, 5th ... excerpt of each batch, wrong on the others
 *   judge-format    answers in a form the parser must refuse ("1 - yes", "2: probably")
 *   judge-refusal   declines in words, with no verdict at all
 *
 * What "truly fits" is comes from `truth` when the test gives one (excerpt line as the prompt
 * shows it -> true or false; the e2e tests compute it from the neuron's records with core's own
 * example selection), else from the test server's neuron: it fires on the words the explanation
 * names (rateToken), so an excerpt fits when it holds one, a marked one when every mark does.
 */
import { MARK_CLOSE, MARK_OPEN } from '../../src/core/scoring/judge-prompt.ts';

export const JUDGE_MODES = [
  'judge-right',
  'judge-wrong',
  'judge-half',
  'judge-format',
  'judge-refusal',
] as const;
export type JudgeMode = (typeof JUDGE_MODES)[number];

export function isJudgeMode(mode: string): mode is JudgeMode {
  return (JUDGE_MODES as readonly string[]).includes(mode);
}

/** The excerpts of a judge prompt, as shown there (one line each); null for other prompts. */
export function promptExcerpts(prompt: string): string[] | null {
  const match = /Excerpts \((\d+)\):\n/.exec(prompt);
  if (!match) return null;
  const lines = prompt.slice(match.index + match[0].length).split('\n');
  return lines.slice(0, Number(match[1])).map((line) => line.replace(/^\d+\. /, ''));
}

/** Whether the excerpt fits, by the test server's own neuron (words the explanation names). */
function fitsByWords(
  excerpt: string,
  explanation: string,
  rateToken: (token: string, explanation: string) => number,
): boolean {
  const marked = [
    ...excerpt.matchAll(new RegExp(`${MARK_OPEN}([^${MARK_CLOSE}]*)${MARK_CLOSE}`, 'gu')),
  ];
  const words = (text: string) => text.replace(/\\[ntr]/g, ' ').match(/\p{L}+/gu) ?? [];
  if (marked.length === 0) return words(excerpt).some((w) => rateToken(w, explanation) > 0);
  return marked.every((m) => words(m[1]!).some((w) => rateToken(w, explanation) > 0));
}

export interface JudgeAnswerOptions {
  mode: JudgeMode;
  /** The prompt's explanation (lower case, without the sentence start). */
  explanation: string;
  truth: ((excerpt: string) => boolean | undefined) | undefined;
  rateToken: (token: string, explanation: string) => number;
  /** Probability the judge puts on the answer it writes (the rest on the other word). */
  confidence: number;
}

/** The judge's answer text, and one {token, p} per answer line's verdict word. */
export function judgeAnswer(
  excerpts: readonly string[],
  options: JudgeAnswerOptions,
): { content: string; pieces: { text: string; verdict: boolean | null }[] } {
  if (options.mode === 'judge-refusal') {
    const text = "I'm sorry, but I can't help with judging these excerpts.";
    return { content: text, pieces: [{ text, verdict: null }] };
  }
  if (options.mode === 'judge-format') {
    const text = excerpts
      .map((_, i) => (i === 1 ? `${i + 1}: probably` : `${i + 1} - yes`))
      .join('\n');
    return { content: text, pieces: [{ text, verdict: null }] };
  }
  const pieces: { text: string; verdict: boolean | null }[] = [];
  excerpts.forEach((excerpt, i) => {
    const truth =
      options.truth?.(excerpt) ?? fitsByWords(excerpt, options.explanation, options.rateToken);
    const right = options.mode === 'judge-right' || (options.mode === 'judge-half' && i % 2 === 0);
    const says = right ? truth : !truth;
    pieces.push({ text: `${i > 0 ? '\n' : ''}${i + 1}:`, verdict: null });
    pieces.push({ text: says ? ' yes' : ' no', verdict: says });
  });
  return { content: pieces.map((p) => p.text).join(''), pieces };
}
