/**
 * Keeping secrets out of everything the server writes: API error bodies, server-sent events and
 * log lines. The secrets the server holds (the LLM API key, credentials in OPENAI_BASE_URL) are
 * kept here, process-wide, by the component that holds them (the chat client), because any
 * component may end up quoting them: an upstream 401 that repeats the key, a connection error that
 * prints the URL, a stack trace. Credential-like text that is not one of them (another `user:pass@`
 * in a URL, a bearer token, `api_key=...`) is redacted as well.
 *
 * Text from the LLM server is never passed on raw: `excerpt` makes it one short, redacted line.
 */

const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: redacting them would garble ordinary words. */
const MIN_SECRET_LENGTH = 6;

const secrets = new Set<string>();
/** The secrets, longest first (so that a secret containing another is replaced whole). */
let ordered: string[] = [];

/** Remembers a secret (and its percent-encoded form) so that redact() removes it. */
export function keepSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
  for (const form of forms) secrets.add(form);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** Keeps the credentials of a URL (user name and password) as secrets. */
export function keepUrlSecrets(url: string): void {
  try {
    const { username, password } = new URL(url);
    for (const part of [username, password]) {
      if (part) {
        keepSecret(part);
        keepSecret(safeDecode(part));
      }
    }
  } catch {
    // Not a URL: nothing to keep.
  }
}

/** Credential-like text, whatever its value. */
const CREDENTIAL_PATTERNS: readonly [RegExp, string][] = [
  // user:pass@ (or token@) in any URL.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi, `$1${REDACTED}@`],
  // Authorization header schemes.
  [/\b(bearer)\s+[\w.~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  [/\b(Basic)\s+[A-Za-z0-9+/]{12,}={0,2}/g, `$1 ${REDACTED}`],
  // Named credentials: `api_key=...`, `"x-api-key": "..."`, `authorization: ...`, `password=...`.
  [
    /\b((?:proxy-)?authorization|x-api-key|api[-_]?key|access[-_]?token|client[-_]?secret|password|passwd)(["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"',;&<>]+/gi,
    `$1$2${REDACTED}`,
  ],
  // OpenAI-style keys (sk-..., sk-proj-...).
  [/\bsk-[A-Za-z0-9_-]{16,}/g, `sk-${REDACTED}`],
];

/** The text without any kept secret or credential-like text. */
export function redact(text: string): string {
  let result = text;
  for (const secret of ordered) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) {
    result = result.replace(pattern, replacement);
  }
  return result;
}

/**
 * Redacted text cut to at most `max` characters (with an ellipsis). Redaction runs before the cut,
 * on a little more than will be kept, so that a secret cut in half cannot survive as a prefix.
 */
export function capped(text: string, max: number): string {
  const longestSecret = ordered[0]?.length ?? 0;
  const head =
    text.length > max + longestSecret + 64 ? text.slice(0, max + longestSecret + 64) : text;
  const clean = redact(head);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Text from elsewhere (an upstream error body, a refusal, an exception's message) as one short
 * line: control characters and runs of whitespace become one space, secrets are redacted, and it
 * is cut to `max` characters.
 */
export function excerpt(text: string, max = 200): string {
  // Only the start is kept, so only the start is cleaned.
  const head = text.length > 4 * max + 1024 ? text.slice(0, 4 * max + 1024) : text;
  // eslint-disable-next-line no-control-regex -- control characters are what it removes
  return capped(head.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim(), max);
}

/** A URL shown as its host (and port) only: no credentials, path or query. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || '(no host)';
  } catch {
    return '(invalid URL)';
  }
}

/** A URL's scheme and host (and port): no credentials, path or query. */
export function originOf(url: string): string {
  try {
    const { protocol, host } = new URL(url);
    return `${protocol}//${host}`;
  } catch {
    return '(invalid URL)';
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
