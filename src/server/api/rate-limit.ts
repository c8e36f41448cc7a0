/**
 * The rate limit of the POST /api/* routes: one budget per client over all four routes, spent in
 * LLM calls, so that what a client may ask of the LLM server is bounded whichever route it uses.
 * A request costs the calls it would make on a miss (cache hits are not known before it runs):
 * one simulation of a neuron's records is 20, a full score 28, so a client cannot get around the
 * limit by asking for scores instead of simulations. The budget is RATE_LIMIT_MAX simulations'
 * worth per RATE_LIMIT_WINDOW_MS (so the setting keeps its meaning), counted by client address
 * (IPv6 by /64, the block one subscriber is usually given).
 *
 * With REDIS_URL the count is shared by every instance. While Redis does not answer, each
 * instance counts its clients in its own memory (the same budget, per instance) rather than let
 * everything through or fail requests, and says so once in the log; once Redis answers again the
 * shared count is used again (and that is logged once too).
 */
import { Address6 } from 'ip-address';
import { isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { requestedScorers } from '../../core/api/score.ts';
import type { ScorerName } from '../../core/scoring/basis.ts';
import { EXAMPLES_PER_KIND } from '../../core/scoring/examples.ts';
import { JUDGE_BATCH_SIZE } from '../../core/scoring/judged.ts';
import { RECORDS_PER_SPLIT } from '../../core/scoring/splits.ts';
import { ApiError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Settings } from '../settings.ts';
import { REDIS_PREFIX, type SharedRedis } from '../shared-redis.ts';

/**
 * LLM calls of one simulation of a neuron's records: one per record, 5 top-activating and 5
 * random held-out records, and as many calibration records (see core/scoring/splits.ts).
 */
const SIMULATION_CALLS = 2 * (2 * RECORDS_PER_SPLIT);
/** A judged scorer (detection, fuzzing): its examples of both kinds, a batch of them a call. */
const JUDGE_CALLS = Math.ceil((2 * EXAMPLES_PER_KIND) / JUDGE_BATCH_SIZE);
/** Improve simulates the test split's records (as many as the held-out ones), then revises. */
const REVISION_CALLS = 2 * RECORDS_PER_SPLIT + 1;
/**
 * A request whose body is refused calls nothing upstream, but its cost is unknown (the body does
 * not say what it asks) and a client sending many is up to no good: it counts as a simulation,
 * as every request did before requests were weighed.
 */
export const REFUSED_REQUEST_CALLS = SIMULATION_CALLS;

/** What each route's request costs, in LLM calls, from its (valid) body. */
export const requestCalls = {
  simulate: (body: { texts?: readonly unknown[] | undefined }) =>
    body.texts ? body.texts.length : SIMULATION_CALLS,
  explain: () => 1 + SIMULATION_CALLS,
  score: (body: { scorers?: readonly ScorerName[] | undefined }) =>
    requestedScorers(body.scorers).reduce(
      (calls, scorer) => calls + (scorer === 'simulation' ? SIMULATION_CALLS : JUDGE_CALLS),
      0,
    ),
  improve: (body: { scorers?: readonly ScorerName[] | undefined }) =>
    REVISION_CALLS + requestCalls.score(body),
};

/** The key a client is counted under: its address, an IPv6 one by its /64. */
export function clientKey(address: string): string {
  if (!isIPv6(address)) return address.toLowerCase();
  const ip = new Address6(address);
  if (ip.is4()) return ip.to4().correctForm();
  return new Address6(`${ip.correctForm()}/64`).startAddress().correctForm();
}

export class ClientBudget {
  private readonly windowSeconds: number;
  private readonly simulations: number;
  private readonly local: RateLimiterMemory;
  private readonly shared: RateLimiterRedis | null;
  private readonly redisHost: string;
  private readonly logger: Logger;
  /** Redis has failed and this instance counts alone, until a shared count answers. */
  private alone = false;

  constructor(settings: Settings, shared: SharedRedis | null | undefined, logger: Logger) {
    // The Redis counter's expiry is in whole seconds; the setting's minimum is one.
    this.windowSeconds = Math.max(1, Math.round(settings.RATE_LIMIT_WINDOW_MS / 1000));
    this.simulations = settings.RATE_LIMIT_MAX;
    const limits = {
      points: settings.RATE_LIMIT_MAX * SIMULATION_CALLS,
      duration: this.windowSeconds,
    };
    this.local = new RateLimiterMemory(limits);
    this.shared = shared
      ? new RateLimiterRedis({
          ...limits,
          storeClient: shared.redis,
          keyPrefix: `${REDIS_PREFIX}rate-limit`,
          // A connection that is down fails at once (to the local count) instead of per request.
          rejectIfRedisNotReady: true,
        })
      : null;
    this.redisHost = shared?.host ?? '';
    this.logger = logger;
  }

  /** Spends `calls` of the client's budget, or throws the 429 that says when to come back. */
  async charge(address: string, calls: number): Promise<void> {
    try {
      await this.consume(clientKey(address), calls);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ApiError(
        429,
        'rate_limited',
        `Too many requests from this client: at most ${this.simulations} simulations per ` +
          `${this.windowSeconds} s, or their worth in LLM calls (this request counts as ` +
          `${formatSimulations(calls)}). Try again in ${seconds} s.`,
        { retryable: true, retryAfter: seconds },
      );
    }
  }

  private async consume(key: string, calls: number): Promise<RateLimiterRes> {
    if (this.shared) {
      try {
        const counted = await this.shared.consume(key, calls);
        this.sharedAgain();
        return counted;
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          this.sharedAgain();
          throw error;
        }
        this.sharedFailed(error);
      }
    }
    return this.local.consume(key, calls);
  }

  private sharedFailed(error: unknown) {
    if (this.alone) return;
    this.alone = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `rate limit: redis at ${this.redisHost} does not answer (${reason}); ` +
        'this instance counts its clients alone until it does',
    );
  }

  private sharedAgain() {
    if (!this.alone) return;
    this.alone = false;
    this.logger.info(
      `rate limit: redis at ${this.redisHost} answers again; clients are counted over all instances`,
    );
  }
}

/** 28 calls as "1.4 simulations"; 20 as "1 simulation". */
function formatSimulations(calls: number): string {
  const simulations = Math.round((calls / SIMULATION_CALLS) * 100) / 100;
  return `${simulations} simulation${simulations === 1 ? '' : 's'}`;
}
