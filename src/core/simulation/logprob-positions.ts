/**
 * Lining up an answer's log-probabilities with its text, shared by every reader of answers whose
 * alternatives matter (simulated numbers, a judge's yes or no).
 */
import type { ChatTokenLogprob } from './types.ts';

function utf8Length(text: string): number {
  let length = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    length += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return length;
}

export interface TokenPositions {
  starts: number[];
  ends: number[];
  /** A character offset in the answer, in the units of starts and ends. */
  locate: (offset: number) => number;
}

/**
 * Where each logprob token starts, in the units `locate` uses: characters when the tokens spell
 * the response, else UTF-8 bytes (a token may end inside a multi-byte character). Null when
 * neither lines up with the response, so the logprobs cannot be trusted.
 */
export function tokenPositions(
  content: string,
  logprobs: readonly ChatTokenLogprob[],
): TokenPositions | null {
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
