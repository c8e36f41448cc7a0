import { describe, expect, it } from 'vitest';
import { capped, excerpt, hostOf, keepSecret, keepUrlSecrets, originOf, redact } from './redact.ts';

describe('redaction', () => {
  it('removes kept secrets, also percent-encoded and JSON-escaped', () => {
    keepSecret('k3y-Value/With"Quote');
    expect(redact('key k3y-Value/With"Quote, encoded k3y-Value%2FWith%22Quote')).toBe(
      'key [redacted], encoded [redacted]',
    );
    expect(redact(JSON.stringify({ key: 'k3y-Value/With"Quote' }))).toBe('{"key":"[redacted]"}');
  });

  it("removes a URL's credentials, wherever the URL is quoted", () => {
    keepUrlSecrets('https://svc-user:p%40ss-w0rd-long@llm.example.com/v1');
    expect(redact('user svc-user, password p@ss-w0rd-long')).toBe(
      'user [redacted], password [redacted]',
    );
    expect(redact('fetch http://someone:other-pass@host:8080/v1 failed')).toBe(
      'fetch http://[redacted]@host:8080/v1 failed',
    );
  });

  it('removes credential-like text that is not a kept secret', () => {
    expect(redact('Authorization: Bearer abc.def-ghi_123')).toBe(
      'Authorization: [redacted] [redacted]',
    );
    expect(redact('{"api_key": "zzz-123", "x-api-key":"q"}')).toBe(
      '{"api_key": "[redacted]", "x-api-key":"[redacted]"}',
    );
    expect(redact('key sk-proj-abcdefghijklmnop1234 is wrong')).toBe('key sk-[redacted] is wrong');
    expect(redact('https://h/v1?api-key=secret123&x=1')).toBe(
      'https://h/v1?api-key=[redacted]&x=1',
    );
  });

  it('leaves ordinary text, and short keys, alone', () => {
    keepSecret('x');
    expect(redact('line 3: wrong token: expected "x" (token 2), found "basic"')).toBe(
      'line 3: wrong token: expected "x" (token 2), found "basic"',
    );
  });

  it('cuts text after redacting it, so that no part of a secret survives the cut', () => {
    keepSecret('SECRET-abcdefghij');
    const text = `${'a'.repeat(95)}SECRET-abcdefghij${'b'.repeat(100)}`;
    const cut = capped(text, 100);
    expect(cut).toHaveLength(100);
    expect(cut).not.toContain('SECRET');
    expect(cut.endsWith('…')).toBe(true);
  });

  it('makes upstream text one short line', () => {
    expect(excerpt('first\nsecond\t\u0000third', 200)).toBe('first second third');
    expect(excerpt('e'.repeat(10_000), 50)).toHaveLength(50);
  });

  it('shows a URL as its host, or scheme and host', () => {
    expect(hostOf('http://u:p@example.com:8080/v1?key=1')).toBe('example.com:8080');
    expect(originOf('https://u:p@api.example.com/v1?key=1')).toBe('https://api.example.com');
    expect(hostOf('not a url')).toBe('(invalid URL)');
  });
});
