import type { FakeAnswer, FakeReply } from './core-test-kit.js';
import { storqError } from './replies.js';

/** `Retry-After` of injected 429s unless the faults say otherwise. */
export const DEFAULT_STORQ_RETRY_AFTER_SECONDS = 1;

/**
 * Random faults on API requests, each a probability 0..1 drawn per request from the fake's seeded
 * source. `rate429`, `rate500` and `rateReset` exclude each other (their sum is at most 1); a
 * request that draws none is served normally, and then delayed by `slowMs` with probability
 * `rateSlow` (default 1 when `slowMs` is set).
 */
export interface StorqFaults {
  /** 429 `rate_limit_error` with `Retry-After: retryAfterSeconds`. */
  readonly rate429?: number;
  /** Default {@link DEFAULT_STORQ_RETRY_AFTER_SECONDS}. */
  readonly retryAfterSeconds?: number;
  /** 500 `api_error`. */
  readonly rate500?: number;
  /** The connection is reset without an answer. */
  readonly rateReset?: number;
  /** A served request waits this long before its status line (state changes happen on arrival). */
  readonly slowMs?: number;
  readonly rateSlow?: number;
}

/** Which injected fault answered a request. */
export type StorqFaultKind = 'rate_limit' | 'server_error' | 'reset' | 'scripted' | 'create_then_hang';

/** What the plan decided for one request: a fault answered before any state change, or a delay for the real answer. */
export type FaultDecision = { readonly kind: Exclude<StorqFaultKind, 'scripted' | 'create_then_hang'>; readonly reply: FakeReply } | { readonly kind: 'none'; readonly delayMs: number };

function checkRate(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!(value >= 0 && value <= 1)) throw new RangeError(`fake storq: ${name} is a probability in 0..1, got ${value}`);
  return value;
}

/**
 * Decides per request whether a random fault answers it, drawn from the seeded source so a run
 * with the same seed and the same requests gets the same faults. (Scripted replies, `failNext`,
 * are core's fake-vendor fault queue, answered before this plan is asked.)
 * @example
 * const plan = new FaultPlan(seededRandom(7));
 * plan.set({ rate429: 0.1, rate500: 0.1, rateReset: 0.05 });
 * plan.decide(); // { kind: 'none', delayMs: 0 } or a 429 / 500 / reset reply
 */
export class FaultPlan {
  readonly #random: () => number;
  #faults: Required<StorqFaults> | undefined;

  constructor(random: () => number) {
    this.#random = random;
  }

  /** Replaces the random faults; undefined turns them off. Throws on rates outside 0..1 or summing past 1. */
  set(faults: StorqFaults | undefined): void {
    if (faults === undefined) {
      this.#faults = undefined;
      return;
    }
    const rate429 = checkRate('rate429', faults.rate429);
    const rate500 = checkRate('rate500', faults.rate500);
    const rateReset = checkRate('rateReset', faults.rateReset);
    if (rate429 + rate500 + rateReset > 1) throw new RangeError('fake storq: rate429 + rate500 + rateReset must not exceed 1');
    const slowMs = faults.slowMs ?? 0;
    if (!(slowMs >= 0)) throw new RangeError(`fake storq: slowMs must be >= 0, got ${slowMs}`);
    const retryAfterSeconds = faults.retryAfterSeconds ?? DEFAULT_STORQ_RETRY_AFTER_SECONDS;
    if (!(Number.isInteger(retryAfterSeconds) && retryAfterSeconds >= 0)) throw new RangeError('fake storq: retryAfterSeconds is a whole number of seconds');
    this.#faults = { rate429, rate500, rateReset, retryAfterSeconds, slowMs, rateSlow: checkRate('rateSlow', faults.rateSlow ?? 1) };
  }

  decide(): FaultDecision {
    const faults = this.#faults;
    if (faults === undefined) return { kind: 'none', delayMs: 0 };
    // Two draws per request whatever the outcome, so one fault's rate never shifts the others' sequence.
    const draw = this.#random();
    const slowDraw = this.#random();
    if (draw < faults.rate429) return { kind: 'rate_limit', reply: rateLimited(faults.retryAfterSeconds) };
    if (draw < faults.rate429 + faults.rate500) return { kind: 'server_error', reply: storqError('api_error', 'storq had an internal error (injected)') };
    if (draw < faults.rate429 + faults.rate500 + faults.rateReset) return { kind: 'reset', reply: { fault: 'reset' } };
    return { kind: 'none', delayMs: faults.slowMs > 0 && slowDraw < faults.rateSlow ? faults.slowMs : 0 };
  }
}

/**
 * A storq 429: `rate_limit_error` with `Retry-After` in seconds.
 * @example
 * rateLimited(1); // { status: 429, headers: { 'retry-after': '1' }, json: { error: { type: 'rate_limit_error', … } } }
 */
export function rateLimited(retryAfterSeconds: number): FakeAnswer {
  return storqError('rate_limit_error', 'Too many requests; retry after the Retry-After delay', { headers: { 'retry-after': String(retryAfterSeconds) } });
}
