import type { FakeReply } from './core-test-kit.js';

/**
 * Random faults on Admin API requests (REST and GraphQL), each a probability 0..1 drawn per
 * request from the fake's seeded source; `rate500`, `rate502`, `rate503` and `rateReset` exclude
 * each other (their sum is at most 1). A request that draws none is served, delayed by `slowMs`
 * with probability `rateSlow` (default 1 when `slowMs` is set). Faulted requests are answered
 * before authentication and cost nothing from either rate-limit bucket.
 */
export interface ShopifyFaults {
  /** 500 `{"errors":"Internal Server Error"}`. */
  readonly rate500?: number;
  /** 502 with an HTML body, as from Shopify's edge. */
  readonly rate502?: number;
  /** 503 `{"errors":"Service Unavailable"}`. */
  readonly rate503?: number;
  /** The connection is reset without an answer. */
  readonly rateReset?: number;
  readonly slowMs?: number;
  readonly rateSlow?: number;
}

/** Which injected fault answered (or slowed) a request. */
export type ShopifyFaultKind = 'internal_error' | 'bad_gateway' | 'unavailable' | 'reset' | 'slow' | 'scripted' | 'dropped';

export type FaultDecision = { readonly kind: Exclude<ShopifyFaultKind, 'slow' | 'dropped' | 'scripted'>; readonly reply: FakeReply } | { readonly kind: 'none'; readonly delayMs: number };

interface Rates {
  readonly rate500: number;
  readonly rate502: number;
  readonly rate503: number;
  readonly rateReset: number;
  readonly slowMs: number;
  readonly rateSlow: number;
}

function checkRate(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!(value >= 0 && value <= 1)) throw new RangeError(`fake shopify: ${name} is a probability in 0..1, got ${value}`);
  return value;
}

const internalError = (): FakeReply => ({ status: 500, json: { errors: 'Internal Server Error' } });
const badGateway = (): FakeReply => ({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
const unavailable = (): FakeReply => ({ status: 503, json: { errors: 'Service Unavailable' } });

/**
 * Decides per Admin API request whether a seeded random fault answers it, and per token request
 * whether its answer is dropped after the request was processed (the tokens issued, the client
 * never told). (Scripted replies, `failNext` and `failNextTokenRequest`, are core's fake-vendor
 * fault queue, answered before this plan is asked.)
 * @example
 * const plan = new FaultPlan(seededRandom(7));
 * plan.set({ rate503: 0.1, rateReset: 0.05 });
 * plan.decide(); // { kind: 'none', delayMs: 0 } or a fault
 */
export class FaultPlan {
  readonly #random: () => number;
  #tokenDrops = 0;
  #rates: Rates | undefined;

  constructor(random: () => number) {
    this.#random = random;
  }

  set(faults: ShopifyFaults | undefined): void {
    if (faults === undefined) {
      this.#rates = undefined;
      return;
    }
    const rates: Rates = {
      rate500: checkRate('rate500', faults.rate500),
      rate502: checkRate('rate502', faults.rate502),
      rate503: checkRate('rate503', faults.rate503),
      rateReset: checkRate('rateReset', faults.rateReset),
      slowMs: faults.slowMs ?? 0,
      rateSlow: checkRate('rateSlow', faults.rateSlow ?? 1),
    };
    if (rates.rate500 + rates.rate502 + rates.rate503 + rates.rateReset > 1) throw new RangeError('fake shopify: rate500 + rate502 + rate503 + rateReset must not exceed 1');
    if (!(rates.slowMs >= 0)) throw new RangeError(`fake shopify: slowMs must be >= 0, got ${rates.slowMs}`);
    this.#rates = rates;
  }

  dropTokenAnswers(count: number): void {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError('fake shopify: dropTokenAnswers count is a positive integer');
    this.#tokenDrops += count;
  }

  /** For a token request: whether to drop the answer of serving it. */
  dropTokenAnswer(): boolean {
    if (this.#tokenDrops === 0) return false;
    this.#tokenDrops -= 1;
    return true;
  }

  decide(): FaultDecision {
    const rates = this.#rates;
    if (rates === undefined) return { kind: 'none', delayMs: 0 };
    // Two draws per request whatever the outcome, so one rate never shifts another's sequence.
    const draw = this.#random();
    const slowDraw = this.#random();
    let bound = rates.rate500;
    if (draw < bound) return { kind: 'internal_error', reply: internalError() };
    if (draw < (bound += rates.rate502)) return { kind: 'bad_gateway', reply: badGateway() };
    if (draw < (bound += rates.rate503)) return { kind: 'unavailable', reply: unavailable() };
    if (draw < bound + rates.rateReset) return { kind: 'reset', reply: { fault: 'reset' } };
    return { kind: 'none', delayMs: rates.slowMs > 0 && slowDraw < rates.rateSlow ? rates.slowMs : 0 };
  }
}
