/**
 * The first choice of a chat completion, read from the answer's JSON text: its content, refusal,
 * finish_reason and per-token logprobs, without the alternatives of tokens the caller does not
 * read.
 *
 * An answer with logprobs is mostly alternatives nobody reads (80 KB for a 64-token record, twenty
 * answers per simulation). JSON.parse builds every one of them as objects for the GC to clear,
 * which was most of the proxy's CPU. So answers of the usual shape are read in one pass that
 * checks the whole text as JSON.parse does and builds only the fields that are read. Anything else
 * (another shape, or text that is not JSON) goes to JSON.parse, which gives the same result or the
 * same SyntaxError; tests hold the two paths to that.
 */
import type { ChatTokenLogprob } from '../../core/simulation/types.ts';

export interface CompletionChoice {
  /** `message.content`, as sent (a string when the answer is usable). */
  content: unknown;
  refusal: unknown;
  finishReason: unknown;
  /** `logprobs.content` when it is an array, else null; the entries are not checked here. */
  logprobs: ChatTokenLogprob[] | null;
  /** What is wrong with `logprobs` when it is neither absent, null, nor holds a list. */
  malformedLogprobs?: string;
}

/** Which tokens' alternatives are read; the others' `top_logprobs` come back empty. */
export type KeepAlternatives = (token: string) => boolean;

/**
 * The first choice, or null when the answer has none. Throws a SyntaxError when the text is not
 * JSON.
 */
export function readCompletionChoice(
  text: string,
  keep: KeepAlternatives = () => true,
): CompletionChoice | null {
  const scanned = scanCompletionChoice(text, keep);
  return scanned === undefined ? parseCompletionChoice(text, keep) : scanned;
}

/** The general path: JSON.parse, then the alternatives that are not read are dropped. */
export function parseCompletionChoice(
  text: string,
  keep: KeepAlternatives = () => true,
): CompletionChoice | null {
  const completion = JSON.parse(text) as { choices?: unknown } | null;
  const choice = (completion?.choices as unknown[] | undefined)?.[0] as
    | {
        message?: { content?: unknown; refusal?: unknown } | null;
        logprobs?: { content?: unknown } | null;
        finish_reason?: unknown;
      }
    | null
    | undefined;
  if (!choice || typeof choice !== 'object') return null;
  const logprobs = Array.isArray(choice.logprobs?.content)
    ? (choice.logprobs.content as ChatTokenLogprob[])
    : null;
  if (logprobs) {
    for (const entry of logprobs) {
      if (entry && typeof entry.token === 'string' && !keep(entry.token)) entry.top_logprobs = [];
    }
  }
  const read: CompletionChoice = {
    content: choice.message?.content,
    refusal: choice.message?.refusal,
    finishReason: choice.finish_reason,
    logprobs,
  };
  const malformed = malformedLogprobs(choice.logprobs);
  if (malformed) read.malformedLogprobs = malformed;
  return read;
}

/** What is wrong with a choice's `logprobs` (absent, null, or {content: list or null} are fine). */
function malformedLogprobs(logprobs: unknown): string | undefined {
  if (logprobs == null) return undefined;
  if (typeof logprobs !== 'object' || Array.isArray(logprobs)) return 'logprobs is not an object';
  const content = (logprobs as { content?: unknown }).content;
  if (content != null && !Array.isArray(content)) return 'logprobs.content is not a list';
  return undefined;
}

/** Thrown inside the scanner when the text is not of the usual shape; never leaves it. */
const UNUSUAL = Symbol('unusual answer');

/**
 * The fast path: the first choice of an answer of the usual shape, or undefined for anything
 * else, including text that is not JSON. Alternatives come back as {token, logprob}.
 */
export function scanCompletionChoice(
  text: string,
  keep: KeepAlternatives,
): CompletionChoice | null | undefined {
  try {
    return new AnswerScanner(text, keep).answer();
  } catch {
    // UNUSUAL, or a RangeError from nesting deeper than the stack: JSON.parse decides.
    return undefined;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

/**
 * Reads objects and arrays as loops (`enterObject`, `key`, `moreMembers`; `enterArray`,
 * `moreElements`) rather than with callbacks, and skips unread values in one loop, so that reading
 * an answer costs little more than looking at each character once.
 */
class AnswerScanner {
  private at = 0;
  /** The last key read: where its text starts and how long it is. */
  private keyStart = 0;
  private keyLength = 0;
  /** Open containers of the value being skipped. */
  private readonly open: number[] = [];

  constructor(
    private readonly text: string,
    private readonly keep: KeepAlternatives,
  ) {}

  answer(): CompletionChoice | null {
    let choice: CompletionChoice | null = null;
    if (this.enterObject()) {
      do {
        this.key();
        if (this.keyIs('choices')) choice = this.choices();
        else this.skipValue();
      } while (this.moreMembers());
    }
    if (skipSpace(this.text, this.at) !== this.text.length) throw UNUSUAL;
    return choice;
  }

  private choices(): CompletionChoice | null {
    if (!this.enterArray()) return null;
    const first = this.choice();
    while (this.moreElements()) this.skipValue();
    return first;
  }

  private choice(): CompletionChoice {
    const choice: CompletionChoice = {
      content: undefined,
      refusal: undefined,
      finishReason: undefined,
      logprobs: null,
    };
    if (!this.enterObject()) return choice;
    do {
      this.key();
      if (this.keyIs('message')) {
        choice.content = undefined;
        choice.refusal = undefined;
        if (!this.enterObject()) continue;
        do {
          this.key();
          if (this.keyIs('content')) choice.content = this.stringOrNull();
          else if (this.keyIs('refusal')) choice.refusal = this.stringOrNull();
          else this.skipValue();
        } while (this.moreMembers());
      } else if (this.keyIs('logprobs')) {
        choice.logprobs = null;
        if (this.literal('null') || !this.enterObject()) continue;
        do {
          this.key();
          if (!this.keyIs('content')) this.skipValue();
          else choice.logprobs = this.literal('null') ? null : this.entries();
        } while (this.moreMembers());
      } else if (this.keyIs('finish_reason')) {
        choice.finishReason = this.stringOrNull();
      } else {
        this.skipValue();
      }
    } while (this.moreMembers());
    return choice;
  }

  private entries(): ChatTokenLogprob[] {
    const entries: ChatTokenLogprob[] = [];
    if (this.enterArray()) {
      do entries.push(this.usualEntry() ?? this.entry());
      while (this.moreElements());
    }
    return entries;
  }

  /** The entry here if it has the usual shape (USUAL_ENTRY), else null (nothing read). */
  private usualEntry(): ChatTokenLogprob | null {
    const at = skipSpace(this.text, this.at);
    let expression = USUAL_ENTRY;
    expression.lastIndex = at;
    let match = expression.exec(this.text);
    if (!match) {
      expression = USUAL_ENTRY_WITH_SPACES;
      expression.lastIndex = at;
      match = expression.exec(this.text);
      if (!match) return null;
    }
    this.at = expression.lastIndex;
    const token = stringValue(match[1]!);
    const bytes = match[3]!;
    let alternatives: { token: string; logprob: number }[] = [];
    if (this.keep(token)) {
      // The list ends the entry: searched for in the answer's own text, which is flat in memory.
      const end = this.text.lastIndexOf(']', this.at - 1) + 1;
      const start = end - match[4]!.length;
      alternatives = compactAlternatives(this.text, start, end) ?? this.alternativesAt(start);
    }
    return {
      token,
      logprob: Number(match[2]),
      bytes: bytes === 'null' ? null : integers(bytes),
      top_logprobs: alternatives,
    };
  }

  private entry(): ChatTokenLogprob {
    let token: string | undefined;
    let logprob: number | undefined;
    let bytes: number[] | null | undefined;
    let alternatives: ChatTokenLogprob['top_logprobs'];
    let seenAlternatives = false;
    if (this.enterObject()) {
      do {
        this.key();
        if (this.keyIs('token')) {
          // A second token after the alternatives were read (or not) could change that choice.
          if (seenAlternatives) throw UNUSUAL;
          token = this.string();
        } else if (this.keyIs('logprob')) {
          logprob = this.number();
        } else if (this.keyIs('bytes')) {
          bytes = this.literal('null') ? null : this.numbers();
        } else if (this.keyIs('top_logprobs')) {
          seenAlternatives = true;
          if (token !== undefined && !this.keep(token)) {
            this.skipValue();
            alternatives = [];
          } else {
            alternatives = this.alternatives();
          }
        } else {
          this.skipValue();
        }
      } while (this.moreMembers());
    }
    if (token === undefined || logprob === undefined) throw UNUSUAL;
    const entry: ChatTokenLogprob = { token, logprob };
    if (bytes !== undefined) entry.bytes = bytes;
    if (!this.keep(token)) entry.top_logprobs = [];
    else if (alternatives !== undefined) entry.top_logprobs = alternatives;
    return entry;
  }

  private alternatives(): NonNullable<ChatTokenLogprob['top_logprobs']> {
    const alternatives: NonNullable<ChatTokenLogprob['top_logprobs']> = [];
    if (!this.enterArray()) return alternatives;
    do {
      let token: string | undefined;
      let logprob: number | undefined;
      if (this.enterObject()) {
        do {
          this.key();
          if (this.keyIs('token')) token = this.string();
          else if (this.keyIs('logprob')) logprob = this.number();
          else this.skipValue();
        } while (this.moreMembers());
      }
      if (token === undefined || logprob === undefined) throw UNUSUAL;
      alternatives.push({ token, logprob });
    } while (this.moreElements());
    return alternatives;
  }

  /** The alternatives of the list at `start`, read by the scanner, which stays where it was. */
  private alternativesAt(start: number): NonNullable<ChatTokenLogprob['top_logprobs']> {
    const at = this.at;
    this.at = start;
    const alternatives = this.alternatives();
    this.at = at;
    return alternatives;
  }

  private numbers(): number[] {
    const numbers: number[] = [];
    if (this.enterArray()) {
      do numbers.push(this.number());
      while (this.moreElements());
    }
    return numbers;
  }

  // JSON grammar (RFC 8259), as JSON.parse reads it.

  /** Moves into the object here; false if it is empty (then moved past it). */
  private enterObject(): boolean {
    return this.enter(OPEN_BRACE, CLOSE_BRACE);
  }

  private enterArray(): boolean {
    return this.enter(OPEN_BRACKET, CLOSE_BRACKET);
  }

  private enter(open: number, close: number): boolean {
    const text = this.text;
    let at = skipSpace(text, this.at);
    if (text.charCodeAt(at) !== open) throw UNUSUAL;
    at = skipSpace(text, at + 1);
    const empty = text.charCodeAt(at) === close;
    this.at = empty ? at + 1 : at;
    return !empty;
  }

  /** Past a comma (true: another member follows) or the closing brace (false). */
  private moreMembers(): boolean {
    return this.more(CLOSE_BRACE);
  }

  private moreElements(): boolean {
    return this.more(CLOSE_BRACKET);
  }

  private more(close: number): boolean {
    const at = skipSpace(this.text, this.at);
    const c = this.text.charCodeAt(at);
    this.at = at + 1;
    if (c === COMMA) return true;
    if (c === close) return false;
    throw UNUSUAL;
  }

  /** Reads a member's key and its colon; compare it with keyIs. */
  private key(): void {
    const text = this.text;
    const start = skipSpace(text, this.at);
    const end = stringEnd(text, start);
    // A key written with escapes is not one of the usual keys.
    if (end < 0) throw UNUSUAL;
    this.keyStart = start + 1;
    this.keyLength = end - start - 2;
    const at = skipSpace(text, end);
    if (text.charCodeAt(at) !== COLON) throw UNUSUAL;
    this.at = at + 1;
  }

  private keyIs(name: string): boolean {
    return this.keyLength === name.length && this.text.startsWith(name, this.keyStart);
  }

  private string(): string {
    const text = this.text;
    const start = skipSpace(text, this.at);
    let end = stringEnd(text, start);
    if (end > 0) {
      this.at = end;
      return text.slice(start + 1, end - 1);
    }
    end = -end;
    this.at = end;
    return JSON.parse(text.slice(start, end)) as string;
  }

  private stringOrNull(): string | null {
    return this.literal('null') ? null : this.string();
  }

  private number(): number {
    const text = this.text;
    const start = skipSpace(text, this.at);
    const end = numberEnd(text, start);
    this.at = end;
    return Number(text.slice(start, end));
  }

  /** Whether the literal is here (then moved past). */
  private literal(word: 'true' | 'false' | 'null'): boolean {
    const at = skipSpace(this.text, this.at);
    if (!this.text.startsWith(word, at)) return false;
    this.at = at + word.length;
    return true;
  }

  /** Moves past the value here, checking its grammar, without building it. */
  private skipValue(): void {
    const text = this.text;
    const open = this.open;
    open.length = 0;
    let at = this.at;
    for (;;) {
      // A value starts here.
      at = skipSpace(text, at);
      const c = text.charCodeAt(at);
      if (c === QUOTE) {
        at = Math.abs(stringEnd(text, at));
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
        at = skipSpace(text, at + 1);
        if (text.charCodeAt(at) === close) {
          at++;
        } else {
          open.push(close);
          if (close === CLOSE_BRACE) at = memberValue(text, at);
          continue;
        }
      } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
        at = numberEnd(text, at);
      } else if (text.startsWith('null', at) || text.startsWith('true', at)) {
        at += 4;
      } else if (text.startsWith('false', at)) {
        at += 5;
      } else {
        throw UNUSUAL;
      }
      // A value ended: another follows in its container, or containers close.
      for (;;) {
        if (open.length === 0) {
          this.at = at;
          return;
        }
        at = skipSpace(text, at);
        const next = text.charCodeAt(at++);
        const close = open[open.length - 1];
        if (next === close) {
          open.pop();
          continue;
        }
        if (next !== COMMA) throw UNUSUAL;
        if (close === CLOSE_BRACE) at = memberValue(text, at);
        break;
      }
    }
  }
}

// The usual shape of a logprobs entry, as OpenAI and vLLM write it: matched by regular
// expressions, which V8 runs as machine code, several times faster than JSON.parse on the same
// text. They accept exactly what JSON.parse accepts in that shape (strings, numbers, whitespace).
// Answers come without whitespace (which the first expression expects, and matches in half the
// time) or, more rarely, pretty-printed.

/** An entry: token (its string body), logprob, bytes, and the list of alternatives. */
function usualEntryExpression(space: string): RegExp {
  const string = String.raw`"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;
  const number = String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`;
  const integer = String.raw`(?:0|[1-9]\d*)`;
  const member = (key: string, value: string) => `"${key}"${space}:${space}${value}`;
  const object = (...members: string[]) =>
    String.raw`\{${space}${members.join(`${space},${space}`)}${space}\}`;
  const list = (item: string) =>
    String.raw`\[${space}(?:${item}(?:${space},${space}${item})*)?${space}\]`;
  const bytes = `null|${list(integer)}`;
  const alternative = object(
    member('token', string),
    member('logprob', number),
    member('bytes', `(?:${bytes})`),
  );
  return new RegExp(
    object(
      member('token', `"(${string.slice(1, -1)})"`),
      member('logprob', `(${number})`),
      member('bytes', `(${bytes})`),
      member('top_logprobs', `(${list(alternative)})`),
    ),
    'y',
  );
}

const USUAL_ENTRY = usualEntryExpression('');
const USUAL_ENTRY_WITH_SPACES = usualEntryExpression(String.raw`[ \t\n\r]*`);

/** An alternative without whitespace, as USUAL_ENTRY has checked it: its token and logprob. */
const COMPACT_ALTERNATIVE = /\{"token":"((?:[^"\\]|\\.)*)","logprob":([-+.\deE]+)/y;

/**
 * The alternatives in text[start, end), a list USUAL_ENTRY matched, or null when it has
 * whitespace (the scanner reads those).
 */
function compactAlternatives(
  text: string,
  start: number,
  end: number,
): { token: string; logprob: number }[] | null {
  const alternatives: { token: string; logprob: number }[] = [];
  let at = start + 1;
  while (at < end - 1) {
    COMPACT_ALTERNATIVE.lastIndex = at;
    const match = COMPACT_ALTERNATIVE.exec(text);
    if (!match) return null;
    alternatives.push({ token: stringValue(match[1]!), logprob: Number(match[2]) });
    // The next alternative's brace: only numbers (this one's bytes) come before it.
    const next = text.indexOf('{', COMPACT_ALTERNATIVE.lastIndex);
    if (next < 0 || next >= end) break;
    at = next;
  }
  return alternatives;
}

/** A string's value from its body (between the quotes), which a regular expression checked. */
function stringValue(body: string): string {
  if (!body.includes('\\')) return body;
  // Tabs and newlines, a token each, are half the entries of an answer.
  if (body.length === 2) {
    const escaped = ONE_ESCAPE[body.charCodeAt(1)];
    if (escaped !== undefined) return escaped;
  }
  return JSON.parse(`"${body}"`) as string;
}

/** What a backslash and a character after it stand for, by that character's code. */
const ONE_ESCAPE: Record<number, string> = {
  34: '"',
  47: '/',
  92: '\\',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

/** The numbers of a list of integers a regular expression checked, such as [32,99,97]. */
function integers(text: string): number[] {
  const numbers: number[] = [];
  let value = -1;
  for (let at = 1; at < text.length; at++) {
    const digit = text.charCodeAt(at) - 48;
    if (digit >= 0 && digit <= 9) {
      value = value < 0 ? digit : value * 10 + digit;
    } else if (value >= 0) {
      numbers.push(value);
      value = -1;
    }
  }
  return numbers;
}

/** Past a member's key and colon, where its value starts. */
function memberValue(text: string, at: number): number {
  at = skipSpace(text, at);
  at = skipSpace(text, Math.abs(stringEnd(text, at)));
  if (text.charCodeAt(at) !== COLON) throw UNUSUAL;
  return at + 1;
}

/**
 * Where the string that starts at `at` ends (past its closing quote), negated when it has escapes;
 * checked as JSON.parse checks it.
 */
function stringEnd(text: string, at: number): number {
  if (text.charCodeAt(at) !== QUOTE) throw UNUSUAL;
  let escaped = false;
  for (at++; ; at++) {
    const c = text.charCodeAt(at);
    if (c === QUOTE) break;
    // Also the end of the text (NaN).
    if (!(c >= 32)) throw UNUSUAL;
    if (c === BACKSLASH) {
      escaped = true;
      const e = text.charCodeAt(++at);
      if (e === 117 /* u */) {
        for (let k = 1; k <= 4; k++) if (!isHexDigit(text.charCodeAt(at + k))) throw UNUSUAL;
        at += 4;
      } else if (
        // " \ / b f n r t
        e !== QUOTE &&
        e !== BACKSLASH &&
        e !== 47 &&
        e !== 98 &&
        e !== 102 &&
        e !== 110 &&
        e !== 114 &&
        e !== 116
      ) {
        throw UNUSUAL;
      }
    }
  }
  return escaped ? -(at + 1) : at + 1;
}

/** Where the number at `at` ends: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
function numberEnd(text: string, at: number): number {
  if (text.charCodeAt(at) === 45 /* - */) at++;
  if (text.charCodeAt(at) === 48 /* 0 */) at++;
  else if (isDigit(text.charCodeAt(at))) while (isDigit(text.charCodeAt(at))) at++;
  else throw UNUSUAL;
  if (text.charCodeAt(at) === 46 /* . */) {
    at++;
    if (!isDigit(text.charCodeAt(at))) throw UNUSUAL;
    while (isDigit(text.charCodeAt(at))) at++;
  }
  const e = text.charCodeAt(at);
  if (e === 101 /* e */ || e === 69 /* E */) {
    at++;
    const sign = text.charCodeAt(at);
    if (sign === 43 /* + */ || sign === 45 /* - */) at++;
    if (!isDigit(text.charCodeAt(at))) throw UNUSUAL;
    while (isDigit(text.charCodeAt(at))) at++;
  }
  return at;
}

function skipSpace(text: string, at: number): number {
  for (;;) {
    const c = text.charCodeAt(at);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return at;
    at++;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
