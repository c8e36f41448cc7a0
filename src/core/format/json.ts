/**
 * Reading the JSON of a dataset file. Files written by Python's json module may hold the literals
 * `NaN`, `Infinity` and `-Infinity`, which JSON.parse rejects. The fast path is JSON.parse; only
 * when it fails does a strict JSON reader that also accepts those three literals run. That reader
 * is also what explains a failure: it names the line and column, and for a truncated file the
 * field it was reading when the text ran out, the same way in every JS engine.
 */

/** Why a text is not usable JSON; `message` is the sentence a user sees after the file name. */
export class JsonSyntaxError extends Error {
  readonly truncated: boolean;
  constructor(message: string, truncated: boolean) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.truncated = truncated;
  }
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new LenientJsonReader(text).readDocument();
  }
}

type PathKey = string | number;

/** Formats a field path as `a.b[0].c`. */
export function formatPath(keys: readonly PathKey[]): string {
  let out = '';
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class LenientJsonReader {
  private position = 0;
  private readonly keys: PathKey[] = [];

  constructor(private readonly text: string) {}

  readDocument(): unknown {
    if (this.text.charCodeAt(0) === 0xfeff) this.position = 1;
    this.skipWhitespace();
    if (this.position >= this.text.length) {
      throw new JsonSyntaxError('the file is empty', false);
    }
    const value = this.readValue();
    this.skipWhitespace();
    if (this.position < this.text.length) {
      throw new JsonSyntaxError(
        `not valid JSON: unexpected text after the end of the JSON value at ${this.where()}`,
        false,
      );
    }
    return value;
  }

  private where(position = this.position): string {
    let line = 1;
    let lineStart = 0;
    for (
      let i = this.text.indexOf('\n');
      i !== -1 && i < position;
      i = this.text.indexOf('\n', i + 1)
    ) {
      line += 1;
      lineStart = i + 1;
    }
    return `line ${line}, column ${position - lineStart + 1}`;
  }

  private fail(expected: string): never {
    if (this.position >= this.text.length) {
      const inside = this.keys.length > 0 ? `, inside ${formatPath(this.keys)}` : '';
      throw new JsonSyntaxError(
        `truncated: the text stops after ${this.text.length} characters${inside}`,
        true,
      );
    }
    const found = JSON.stringify(this.text.slice(this.position, this.position + 12));
    throw new JsonSyntaxError(
      `not valid JSON: expected ${expected} at ${this.where()}, found ${found}`,
      false,
    );
  }

  private skipWhitespace(): void {
    const text = this.text;
    let i = this.position;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i += 1;
      else break;
    }
    this.position = i;
  }

  private readValue(): unknown {
    const text = this.text;
    const c = text[this.position];
    switch (c) {
      case '{':
        return this.readObject();
      case '[':
        return this.readArray();
      case '"':
        return this.readString();
      case 't':
        return this.readLiteral('true', true);
      case 'f':
        return this.readLiteral('false', false);
      case 'n':
        return this.readLiteral('null', null);
      case 'N':
        return this.readLiteral('NaN', Number.NaN);
      case 'I':
        return this.readLiteral('Infinity', Number.POSITIVE_INFINITY);
      case '-':
        if (text[this.position + 1] === 'I') {
          this.position += 1;
          return -(this.readLiteral('Infinity', Number.POSITIVE_INFINITY) as number);
        }
        return this.readNumber();
      default:
        if (c !== undefined && c >= '0' && c <= '9') return this.readNumber();
        return this.fail('a value');
    }
  }

  private readLiteral(word: string, value: unknown): unknown {
    const start = this.position;
    for (let i = 0; i < word.length; i += 1) {
      if (this.text[start + i] !== word[i]) {
        // Cut off by the end of the text ("nu") is truncation; anything else is a bad value.
        this.position = start + i >= this.text.length ? this.text.length : start;
        this.fail('a value');
      }
    }
    this.position = start + word.length;
    return value;
  }

  private readNumber(): number {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (match) {
      const end = this.position + match[0].length;
      const next = this.text[end];
      if (next !== '.' && next !== 'e' && next !== 'E') {
        this.position = end;
        return Number(match[0]);
      }
    }
    // A number cut off by the end of the text ("1.", "-", "2e") is truncation, not a bad number.
    if (/^-?(?:0|[1-9]\d*)?(?:\.\d*)?(?:[eE][+-]?\d*)?$/.test(this.text.slice(this.position))) {
      this.position = this.text.length;
    }
    return this.fail('a number');
  }

  private readString(): string {
    const text = this.text;
    let i = this.position + 1;
    let out = '';
    let chunkStart = i;
    for (;;) {
      if (i >= text.length) {
        this.position = i;
        this.fail('the end of a string');
      }
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) {
        this.position = i;
        this.fail('an escaped control character');
      }
      if (c === 0x5c) {
        out += text.slice(chunkStart, i);
        const e = text[i + 1];
        if (e === undefined) {
          this.position = i + 1;
          this.fail('an escape sequence');
        }
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.position = Math.min(i + 2 + hex.length, text.length);
            if (hex.length < 4 && /^[0-9a-fA-F]*$/.test(hex)) this.fail('four hex digits');
            this.position = i;
            this.fail('a valid \\u escape');
          }
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
        } else {
          this.position = i;
          this.fail('a valid escape sequence');
        }
        chunkStart = i;
      } else {
        i += 1;
      }
    }
    out += text.slice(chunkStart, i);
    this.position = i + 1;
    return out;
  }

  private readArray(): unknown[] {
    const out: unknown[] = [];
    this.position += 1;
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position += 1;
      return out;
    }
    for (;;) {
      this.keys.push(out.length);
      this.skipWhitespace();
      out.push(this.readValue());
      this.keys.pop();
      this.skipWhitespace();
      const c = this.text[this.position];
      this.position += 1;
      if (c === ']') return out;
      if (c !== ',') {
        this.position -= 1;
        this.keys.push(out.length);
        this.fail('"," or "]"');
      }
    }
  }

  private readObject(): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    this.position += 1;
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position += 1;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') this.fail('a property name');
      const key = this.readString();
      this.skipWhitespace();
      this.keys.push(key);
      if (this.text[this.position] !== ':') this.fail('":"');
      this.position += 1;
      this.skipWhitespace();
      out[key] = this.readValue();
      this.skipWhitespace();
      const c = this.text[this.position];
      if (c === '}') {
        this.keys.pop();
        this.position += 1;
        return out;
      }
      if (c !== ',') this.fail('"," or "}"');
      this.keys.pop();
      this.position += 1;
    }
  }
}
