/**
 * The paper's explanation step for chat models: show top-activating records as token<TAB>activation
 * lines, activations scaled to whole numbers 0..10, and ask for a phrase that completes "the main
 * thing this neuron does is find".
 */
import type { ActivationRecord } from '../format/types.ts';
import { EXPLANATION_PREFIX } from './simulation-prompt.ts';
import { escapeToken } from './tokens.ts';
import { ExplanationFormatError, type ChatMessage } from './types.ts';

/**
 * Activations as whole numbers 0..10: negatives clipped to 0 (a resting GELU neuron), the largest
 * activation over all the records -> 10, the rest scaled and rounded down. All 0 when no activation
 * is positive.
 */
export function normalizeActivations(records: readonly ActivationRecord[]): number[][] {
  let max = 0;
  for (const record of records) for (const a of record.activations) if (a > max) max = a;
  return records.map((record) =>
    record.activations.map((a) =>
      max > 0 ? Math.min(10, Math.floor((10 * Math.max(0, a)) / max)) : 0,
    ),
  );
}

const SYSTEM = `You study single neurons inside a language model and describe what makes each one respond.

You will see excerpts of text split into tokens, one token per line, each followed by a tab and the neuron's activation on that token, scaled to a whole number from 0 (no response) to 10 (the neuron's strongest response in these excerpts). Tokens are shown with escapes: \\n is a newline, \\t a tab, \\\\ a backslash; a token may start with a space.

Look for what the tokens with high activations have in common: particular words, a kind of word, a topic, punctuation, or a position or context. Then reply with one short phrase, a few words long, that completes the sentence "${EXPLANATION_PREFIX} ...". Reply with the phrase only, without repeating the start of the sentence.`;

/** Chat messages asking a model to explain a neuron from its train records. */
export function buildExplanationMessages(trainRecords: readonly ActivationRecord[]): ChatMessage[] {
  if (trainRecords.length === 0) {
    throw new RangeError('an explanation needs at least one top-activating record');
  }
  const normalized = normalizeActivations(trainRecords);
  const excerpts = trainRecords
    .map((record, i) => {
      const lines = record.tokens.map((t, j) => `${escapeToken(t)}\t${normalized[i]![j]}`);
      return `Excerpt ${i + 1}:\n${lines.join('\n')}`;
    })
    .join('\n\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `${excerpts}\n\n${EXPLANATION_PREFIX} ...` },
  ];
}

/** Explanations longer than this are not the short phrase that was asked for. */
export const MAX_EXPLANATION_LENGTH = 400;

/**
 * The explanation in a chat model's reply, in the published form: a leading space, no final
 * period, without any label, quotes or repeated prompt the model wrapped it in.
 */
export function parseExplanationResponse(content: string): string {
  const line = content
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('```'));
  if (line === undefined) throw new ExplanationFormatError('the response holds no explanation');
  let text = line
    .replace(/^(?:\*\*)?explanation(?:\*\*)?\s*:\s*(?:\*\*)?/i, '')
    .replace(/^\*\*(.*)\*\*$/, '$1')
    .trim();
  const prefix = new RegExp(
    `^(?:\\.\\.\\.\\s*)?${EXPLANATION_PREFIX.replace(/ /g, '\\s+')}(?:\\s*\\.\\.\\.)?\\s*:?`,
    'i',
  );
  text = text.replace(prefix, '').trim();
  text = text.replace(/^\.\.\.\s*/, '');
  // Quotes around the whole phrase, not quotes that open and close inside it.
  text = text.replace(/\.+$/, '').trim();
  text = text.replace(/^["\u201c]([^"\u201c\u201d]*)["\u201d]$/, '$1').trim();
  text = text.replace(/\.+$/, '').trim();
  if (text === '') throw new ExplanationFormatError('the response holds no explanation');
  if (text.length > MAX_EXPLANATION_LENGTH) {
    throw new ExplanationFormatError(
      `the explanation is ${text.length} characters long; a phrase of at most ${MAX_EXPLANATION_LENGTH} was asked for`,
    );
  }
  return ` ${text}`;
}
