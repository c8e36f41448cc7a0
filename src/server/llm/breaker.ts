/**
 * A circuit breaker for the LLM server. While it answers, every call goes (closed). After
 * `failures` calls in a row have failed (timeouts, refused connections, 5xx, 429, cut answers),
 * calls stop for `cooldownMs` (open): they fail at once with a 503 and Retry-After instead of each
 * waiting for its own timeout and retries. After the pause calls go again (half-open): the first
 * answer closes the breaker, the first failure opens it for another pause. So a server that stays
 * down gets at most a slot's worth of calls per pause, and a user's retry after it recovers
 * succeeds whole (a single probe call would fail the other records of that simulation).
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Ten failures in a row: a flaky server failing a third of its calls does that once in 60,000
 * calls; a dead one within the first round of calls. Ten seconds: long enough to spare a server
 * that is down, short enough that users hardly wait once it is back.
 */
export const BREAKER_DEFAULTS = { failures: 10, cooldownMs: 10_000 } as const;

export interface CircuitBreakerOptions {
  /** Failed calls in a row that open the breaker. */
  failures: number;
  /** How long calls pause once it opens. */
  cooldownMs: number;
  /** Told of every change of state (for the log). */
  onChange?: (state: BreakerState, detail: string) => void;
  now?: () => number;
}

/** Why a call may not go now, and when one may. */
export interface BreakerRefusal {
  retryAfterMs: number;
  failures: number;
  lastFailure: string;
}

export class CircuitBreaker {
  private readonly options: CircuitBreakerOptions & { now: () => number };
  private consecutive = 0;
  private opened = false;
  private openUntil = 0;
  private lastFailure = '';

  constructor(options: CircuitBreakerOptions) {
    this.options = { now: () => Date.now(), ...options };
  }

  get state(): BreakerState {
    if (!this.opened) return 'closed';
    return this.options.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** Why a call may not go now, or null when it may. */
  refusal(): BreakerRefusal | null {
    if (this.state !== 'open') return null;
    return {
      retryAfterMs: this.openUntil - this.options.now(),
      failures: this.consecutive,
      lastFailure: this.lastFailure,
    };
  }

  /** The server answered (whatever the answer's content). */
  succeeded(): void {
    this.consecutive = 0;
    if (this.opened) {
      this.opened = false;
      this.options.onChange?.('closed', 'the LLM server answered again; calls resume');
    }
  }

  /**
   * A call failed in a way that says the server is not answering; `retryAfterMs` is how long the
   * server asked us to wait, if it said (a pause is at least that long).
   */
  failed(description: string, retryAfterMs = 0): void {
    this.consecutive++;
    this.lastFailure = description;
    const state = this.state;
    if (state === 'open') return;
    if (state === 'half-open' || this.consecutive >= this.options.failures) {
      this.opened = true;
      const pause = Math.max(this.options.cooldownMs, retryAfterMs);
      this.openUntil = this.options.now() + pause;
      this.options.onChange?.(
        'open',
        `the LLM server failed ${this.consecutive} calls in a row (last: ${description}); ` +
          `calls pause for ${Math.ceil(pause / 1000)} s`,
      );
    }
  }
}
