import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from './breaker.ts';

describe('CircuitBreaker', () => {
  const breaker = () => {
    let now = 1000;
    const changes: BreakerState[] = [];
    const subject = new CircuitBreaker({
      failures: 3,
      cooldownMs: 500,
      now: () => now,
      onChange: (state) => changes.push(state),
    });
    return { subject, changes, advance: (ms: number) => (now += ms) };
  };

  it('opens after `failures` failures in a row, and refuses calls with the time left', () => {
    const { subject, changes, advance } = breaker();
    subject.failed('HTTP 500');
    subject.succeeded();
    subject.failed('HTTP 500');
    subject.failed('HTTP 500');
    expect(subject.refusal()).toBeNull();
    subject.failed('timeout');
    expect(subject.state).toBe('open');
    expect(subject.refusal()).toEqual({ retryAfterMs: 500, failures: 3, lastFailure: 'timeout' });
    advance(200);
    expect(subject.refusal()?.retryAfterMs).toBe(300);
    expect(changes).toEqual(['open']);
  });

  it('lets calls go after the pause: the first answer closes it, the first failure reopens it', () => {
    const { subject, changes, advance } = breaker();
    for (let i = 0; i < 3; i++) subject.failed('HTTP 500');
    advance(500);
    expect(subject.state).toBe('half-open');
    expect(subject.refusal()).toBeNull();
    subject.failed('HTTP 500');
    expect(subject.state).toBe('open');
    advance(500);
    subject.succeeded();
    expect(subject.state).toBe('closed');
    expect(changes).toEqual(['open', 'open', 'closed']);
  });

  it('pauses at least as long as the server asked (Retry-After)', () => {
    const { subject } = breaker();
    subject.failed('429');
    subject.failed('429');
    subject.failed('429', 5000);
    expect(subject.refusal()?.retryAfterMs).toBe(5000);
  });
});
