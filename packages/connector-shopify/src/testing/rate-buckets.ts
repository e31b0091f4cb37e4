/** REST Admin API: a leaky bucket of 40 calls per app and shop, leaking 2 a second (Basic plan). */
export const DEFAULT_SHOPIFY_REST_BUCKET_SIZE = 40;
export const DEFAULT_SHOPIFY_REST_LEAK_PER_SECOND = 2;
/** GraphQL Admin API: 1000 points, restored at 50 a second (the long-documented Standard figures). */
export const DEFAULT_SHOPIFY_GRAPHQL_MAXIMUM_AVAILABLE = 1000;
export const DEFAULT_SHOPIFY_GRAPHQL_RESTORE_RATE = 50;

/** A monotonic clock in milliseconds (`performance.now` by default). */
export type RateClock = () => number;

function checkRestLimits(size: number, leakPerSecond: number): void {
  if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`fake shopify: REST bucket size must be a positive integer, got ${size}`);
  if (!(leakPerSecond > 0)) throw new RangeError(`fake shopify: REST leak rate must be > 0, got ${leakPerSecond}`);
}

function checkPointLimits(maximumAvailable: number, restoreRate: number): void {
  if (!(maximumAvailable > 0)) throw new RangeError(`fake shopify: maximumAvailable must be > 0, got ${maximumAvailable}`);
  if (!(restoreRate > 0)) throw new RangeError(`fake shopify: restoreRate must be > 0, got ${restoreRate}`);
}

/** The outcome of one REST call against the bucket. */
export type RestTake = { readonly ok: true; readonly used: number } | { readonly ok: false; readonly used: number; readonly retryAfterSeconds: number };

/**
 * Seconds as Shopify writes `Retry-After`: a decimal with at least one place (`"1.0"`, `"0.5"`),
 * rounded up to the tenth so that waiting exactly that long is enough.
 * @example
 * retryAfterText(0.46); // '0.5'
 * retryAfterText(2); // '2.0'
 */
export function retryAfterText(seconds: number): string {
  return Math.max(0.1, Math.ceil(seconds * 10 - 1e-9) / 10).toFixed(1);
}

/**
 * The REST leaky bucket of one shop and app: each call adds one; the bucket leaks continuously.
 * A call that would overflow it is refused with the wait until one call fits. `used` is the
 * level after the call rounded up, as `X-Shopify-Shop-Api-Call-Limit: used/size` reports it.
 * @example
 * const bucket = new LeakyBucket(performance.now.bind(performance), 40, 2);
 * bucket.take(); // { ok: true, used: 1 }
 */
export class LeakyBucket {
  readonly #clock: RateClock;
  #size: number;
  #leakPerSecond: number;
  #level = 0;
  #at: number;

  constructor(clock: RateClock, size: number, leakPerSecond: number) {
    checkRestLimits(size, leakPerSecond);
    this.#clock = clock;
    this.#at = clock();
    this.#size = size;
    this.#leakPerSecond = leakPerSecond;
  }

  get size(): number {
    return this.#size;
  }

  configure(limits: { readonly size?: number; readonly leakPerSecond?: number }): void {
    const size = limits.size ?? this.#size;
    const leak = limits.leakPerSecond ?? this.#leakPerSecond;
    checkRestLimits(size, leak);
    this.#drain();
    this.#size = size;
    this.#leakPerSecond = leak;
  }

  #drain(): void {
    const now = this.#clock();
    this.#level = Math.max(0, this.#level - ((now - this.#at) / 1000) * this.#leakPerSecond);
    this.#at = now;
  }

  take(): RestTake {
    this.#drain();
    if (this.#level + 1 > this.#size + 1e-9) {
      return { ok: false, used: this.#size, retryAfterSeconds: (this.#level + 1 - this.#size) / this.#leakPerSecond };
    }
    this.#level += 1;
    return { ok: true, used: Math.min(this.#size, Math.ceil(this.#level - 1e-9)) };
  }

  /** The level now, unrounded. */
  level(): number {
    this.#drain();
    return this.#level;
  }
}

/** `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  readonly maximumAvailable: number;
  readonly currentlyAvailable: number;
  readonly restoreRate: number;
}

/**
 * The GraphQL points bucket of one shop and app: a query needs its requested cost available
 * before it runs; it is charged the requested cost, then refunded the difference to its actual
 * cost. Points restore continuously up to the maximum.
 * @example
 * const points = new PointsBucket(clock, 1000, 50);
 * points.charge(52); // true
 * points.refund(30);
 */
export class PointsBucket {
  readonly #clock: RateClock;
  #maximum: number;
  #restoreRate: number;
  #available: number;
  #at: number;

  constructor(clock: RateClock, maximumAvailable: number, restoreRate: number) {
    checkPointLimits(maximumAvailable, restoreRate);
    this.#clock = clock;
    this.#maximum = maximumAvailable;
    this.#restoreRate = restoreRate;
    this.#available = maximumAvailable;
    this.#at = clock();
  }

  get maximumAvailable(): number {
    return this.#maximum;
  }

  configure(limits: { readonly maximumAvailable?: number; readonly restoreRate?: number }): void {
    const maximum = limits.maximumAvailable ?? this.#maximum;
    const rate = limits.restoreRate ?? this.#restoreRate;
    checkPointLimits(maximum, rate);
    this.#restore();
    this.#maximum = maximum;
    this.#restoreRate = rate;
    this.#available = Math.min(this.#available, maximum);
  }

  #restore(): void {
    const now = this.#clock();
    this.#available = Math.min(this.#maximum, this.#available + ((now - this.#at) / 1000) * this.#restoreRate);
    this.#at = now;
  }

  /** Takes `points` if that many are available now; false (nothing taken) otherwise. */
  charge(points: number): boolean {
    this.#restore();
    if (this.#available + 1e-9 < points) return false;
    this.#available -= points;
    return true;
  }

  refund(points: number): void {
    this.#restore();
    this.#available = Math.min(this.#maximum, this.#available + points);
  }

  /** Empties the bucket (a test hook, for THROTTLED on the next query). */
  drain(points?: number): void {
    this.#restore();
    this.#available = points === undefined ? 0 : Math.max(0, this.#available - points);
  }

  /** As Shopify reports it; `currentlyAvailable` rounded down, so it never promises a point that is not there. */
  status(): ThrottleStatus {
    this.#restore();
    return { maximumAvailable: this.#maximum, currentlyAvailable: Math.floor(this.#available + 1e-9), restoreRate: this.#restoreRate };
  }
}
