import type { FakeReply } from './core-test-kit.js';
import { squareError } from './replies.js';

/**
 * Random faults on `/v2` requests, each a probability 0..1 drawn per request from the fake's
 * seeded source. `rate429`, `rate500`, `rate503` and `rateReset` exclude each other (their sum is
 * at most 1); a request that draws none is served normally, delayed by `slowMs` with probability
 * `rateSlow` (default 1 when `slowMs` is set). `rateCursorExpiry` is drawn on its own: when it
 * hits, every cursor handed out so far expires before the request is served, so a walk in
 * progress meets `INVALID_CURSOR`.
 */
export interface SquareFaults {
  /** 429 `RATE_LIMIT_ERROR`/`RATE_LIMITED`, without `Retry-After`: Square documents no such header. */
  readonly rate429?: number;
  /** 500 `API_ERROR`/`INTERNAL_SERVER_ERROR`. */
  readonly rate500?: number;
  /** 503 `API_ERROR`/`SERVICE_UNAVAILABLE`. */
  readonly rate503?: number;
  /** The connection is reset without an answer. */
  readonly rateReset?: number;
  /** Every cursor expires just before this request is served. */
  readonly rateCursorExpiry?: number;
  /** A served request waits this long before its status line. */
  readonly slowMs?: number;
  readonly rateSlow?: number;
}

/** Which injected fault answered (or preceded) a request. */
export type SquareFaultKind = 'rate_limited' | 'internal_error' | 'unavailable' | 'reset' | 'scripted' | 'cursors_expired';

/** The plan's decision for one request: a fault reply before anything else, or how to serve it. */
export type FaultDecision =
  | { readonly kind: Exclude<SquareFaultKind, 'cursors_expired' | 'scripted'>; readonly reply: FakeReply }
  | { readonly kind: 'none'; readonly delayMs: number; readonly expireCursors: boolean };

interface Rates {
  readonly rate429: number;
  readonly rate500: number;
  readonly rate503: number;
  readonly rateReset: number;
  readonly rateCursorExpiry: number;
  readonly slowMs: number;
  readonly rateSlow: number;
}

function checkRate(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!(value >= 0 && value <= 1)) throw new RangeError(`fake square: ${name} is a probability in 0..1, got ${value}`);
  return value;
}

/**
 * A Square 429 as the spec's enums describe it; no `Retry-After` (Square sends none that it documents).
 * @example
 * rateLimited(); // { status: 429, json: { errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', … }] } }
 */
export const rateLimited = (): FakeReply => squareError('RATE_LIMIT_ERROR', 'RATE_LIMITED', 'Too many requests (injected by the fake)');
const internalError = (): FakeReply => squareError('API_ERROR', 'INTERNAL_SERVER_ERROR', 'Square had an internal error (injected by the fake)');
const unavailable = (): FakeReply => squareError('API_ERROR', 'SERVICE_UNAVAILABLE', 'Square is unavailable (injected by the fake)');

/**
 * Decides per `/v2` request whether a random fault answers it, drawn from the seeded source so a
 * run with the same seed and the same requests meets the same faults. (Scripted replies,
 * `failNext`, are core's fake-vendor fault queue, answered before this plan is asked.)
 * @example
 * const plan = new FaultPlan(seededRandom(7));
 * plan.set({ rate429: 0.1, rate500: 0.05, rateReset: 0.05 });
 * plan.decide(); // { kind: 'none', delayMs: 0, expireCursors: false } or a fault
 */
export class FaultPlan {
  readonly #random: () => number;
  #rates: Rates | undefined;

  constructor(random: () => number) {
    this.#random = random;
  }

  /** Replaces the random faults; undefined turns them off. Throws on rates outside 0..1 or exclusive ones summing past 1. */
  set(faults: SquareFaults | undefined): void {
    if (faults === undefined) {
      this.#rates = undefined;
      return;
    }
    const rates: Rates = {
      rate429: checkRate('rate429', faults.rate429),
      rate500: checkRate('rate500', faults.rate500),
      rate503: checkRate('rate503', faults.rate503),
      rateReset: checkRate('rateReset', faults.rateReset),
      rateCursorExpiry: checkRate('rateCursorExpiry', faults.rateCursorExpiry),
      slowMs: faults.slowMs ?? 0,
      rateSlow: checkRate('rateSlow', faults.rateSlow ?? 1),
    };
    if (rates.rate429 + rates.rate500 + rates.rate503 + rates.rateReset > 1) throw new RangeError('fake square: rate429 + rate500 + rate503 + rateReset must not exceed 1');
    if (!(rates.slowMs >= 0)) throw new RangeError(`fake square: slowMs must be >= 0, got ${rates.slowMs}`);
    this.#rates = rates;
  }

  decide(): FaultDecision {
    const rates = this.#rates;
    if (rates === undefined) return { kind: 'none', delayMs: 0, expireCursors: false };
    // Three draws per request whatever the outcome, so one fault's rate never shifts another's sequence.
    const draw = this.#random();
    const slowDraw = this.#random();
    const cursorDraw = this.#random();
    let bound = rates.rate429;
    if (draw < bound) return { kind: 'rate_limited', reply: rateLimited() };
    if (draw < (bound += rates.rate500)) return { kind: 'internal_error', reply: internalError() };
    if (draw < (bound += rates.rate503)) return { kind: 'unavailable', reply: unavailable() };
    if (draw < bound + rates.rateReset) return { kind: 'reset', reply: { fault: 'reset' } };
    const delayMs = rates.slowMs > 0 && slowDraw < rates.rateSlow ? rates.slowMs : 0;
    return { kind: 'none', delayMs, expireCursors: cursorDraw < rates.rateCursorExpiry };
  }
}
