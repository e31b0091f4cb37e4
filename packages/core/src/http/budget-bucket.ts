import type { RateLimitBudget } from '../connector/index.js';
import { checkDeclared, declaredCapacity, finiteAtLeast, LEVEL_EPSILON, resyncedLevel, vendorFigures } from './budget-math.js';
import type { RateLimiter, RateLimitPermit } from './rate-limiter.js';
import { sleep as realSleep, type Sleep } from './sleep.js';
import { LOW_BUDGET_RATIO } from './token-bucket.js';
import { WaiterQueue, type Waiter } from './waiter-queue.js';

export { VENDOR_ROUNDING_MARGIN } from './budget-math.js';

export interface BudgetBucketOptions {
  /** Declared sustained rate (units per second): the pace until the vendor reports its own. */
  readonly ratePerSecond?: number | undefined;
  /** Declared bucket size: the burst until the vendor reports its own; default one second's worth of the rate. */
  readonly burst?: number | undefined;
  /** Monotonic clock in ms; default `performance.now`. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

/** How far the bucket knows the vendor's budget. */
export type BudgetMode =
  /** Nothing declared, nothing reported yet: one request at a time until the first answer. */
  | 'probing'
  /** The answers carry no figures: requests are not paced (as without a rate limit). */
  | 'open'
  /** Capacity and restore rate known (declared or reported): every request waits for its cost. */
  | 'paced';

/** One granted request until its answer: what it cost and which requests were in flight with it. */
interface Flight {
  readonly cost: number;
  readonly overlap: Set<Flight>;
}

/**
 * A connection's budget kept in step with the vendor: a bucket of `capacity` units restored at a
 * rate, where each request costs what the rate-limit adapter says (`costOf`: 1, or a GraphQL
 * query's points). Before each request it waits, first come first served, until the request's
 * cost is available, so nothing is sent that the vendor would throttle; every answer that reports
 * the vendor's level re-synchronises the bucket (the vendor is authoritative), so refunds (actual
 * below requested cost) and other clients' spending are seen at once.
 *
 * Re-synchronising from an answer: the vendor measured its level at some point while the request
 * was in flight, so every other request in flight at any time during that flight may be missing
 * from the figure. The new level is `available − cost of those − VENDOR_ROUNDING_MARGIN`, a
 * lower bound of the vendor's real level (restoring since the measurement only adds): with one
 * request at a time (a stream's pages) it is the vendor's figure less the margin, with several it
 * errs on the slow side (their refunds are not counted until their own answers).
 *
 * Declared `rate`/`burst` pace it until the vendor reports, and stand in for a figure the vendor
 * does not report (a leak rate a header does not carry); the vendor's own figures win. Without
 * either, the first request goes alone and its answer sets the pace.
 * @example
 * const bucket = new BudgetBucket({});                        // learns the budget from the answers
 * const permit = await bucket.acquire(signal, 102);            // waits for 102 points
 * permit.observe?.({ available: 898, maximum: 1000, restorePerSecond: 50 });
 * permit.release?.();
 */
export class BudgetBucket implements RateLimiter {
  readonly #declaredPerMs: number | undefined;
  readonly #declaredBurst: number | undefined;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #queue = new WaiterQueue(() => this.#pump());
  readonly #flights = new Set<Flight>();
  #mode: BudgetMode;
  #tokens = 0;
  #last: number;
  #vendorMaximum: number | undefined;
  #vendorPerMs: number | undefined;
  #largestSeen: number | undefined;
  #wake: AbortController | undefined;

  constructor(options: BudgetBucketOptions = {}) {
    const rate = options.ratePerSecond;
    checkDeclared(rate, options.burst);
    this.#declaredPerMs = rate === undefined ? undefined : rate / 1000;
    this.#declaredBurst = options.burst;
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? realSleep;
    this.#last = this.#now();
    this.#mode = rate === undefined ? 'probing' : 'paced';
    // Before the vendor reports, a declared rate without a burst allows one second's worth (as TokenBucket).
    if (rate !== undefined) this.#tokens = declaredCapacity(rate, this.#declaredBurst) as number;
  }

  get mode(): BudgetMode {
    return this.#mode;
  }

  /** Units available now (paced mode; negative after the vendor reported an overdraft), else undefined. */
  get tokens(): number | undefined {
    if (this.#mode !== 'paced') return undefined;
    this.#refill(this.#now());
    return this.#tokens;
  }

  /** The bucket size in use: the vendor's maximum, else the declared burst, else the most it ever reported available. */
  get capacity(): number | undefined {
    const declared = declaredCapacity(this.#declaredPerMs === undefined ? undefined : this.#declaredPerMs * 1000, this.#declaredBurst);
    return this.#vendorMaximum ?? declared ?? this.#largestSeen;
  }

  /** The restore rate in use, units per second: the vendor's, else the declared one. */
  get ratePerSecond(): number | undefined {
    const perMs = this.#perMs;
    return perMs === undefined ? undefined : perMs * 1000;
  }

  get #perMs(): number | undefined {
    return this.#vendorPerMs ?? this.#declaredPerMs;
  }

  /**
   * Waits until `cost` units are available (requests are served in arrival order) and takes them.
   * A cost above the capacity waits for a full bucket. Rejects with the signal's reason on abort.
   */
  acquire(signal?: AbortSignal, cost = 1): Promise<RateLimitPermit> {
    const permit = this.#queue.wait(finiteAtLeast(cost, 0) ?? 1, this.#now(), signal);
    this.#pump();
    return permit;
  }

  /**
   * The vendor's budget as a fraction only (older adapters): below `LOW_BUDGET_RATIO` the saved-up
   * burst is dropped, as `TokenBucket` does.
   */
  observe(remainingRatio: number): void {
    if (!(remainingRatio < LOW_BUDGET_RATIO) || this.#mode !== 'paced') return;
    this.#refill(this.#now());
    this.#tokens = Math.min(this.#tokens, 0);
    this.#pump();
  }

  #refill(now: number): void {
    const capacity = this.capacity;
    const perMs = this.#perMs;
    if (this.#mode === 'paced' && capacity !== undefined && perMs !== undefined) {
      this.#tokens = Math.min(capacity, this.#tokens + (now - this.#last) * perMs);
    }
    this.#last = now;
  }

  /** Grants waiting requests in order while their cost is there; otherwise sleeps until it will be. */
  #pump(): void {
    this.#wake?.abort();
    this.#wake = undefined;
    const now = this.#now();
    this.#refill(now);
    for (let head = this.#queue.head; head !== undefined; head = this.#queue.head) {
      let cost = head.cost;
      if (this.#mode === 'probing' && this.#flights.size > 0) return;
      if (this.#mode === 'paced') {
        cost = Math.min(cost, this.capacity ?? cost);
        if (this.#tokens + LEVEL_EPSILON < cost) {
          this.#wakeIn((cost - this.#tokens) / (this.#perMs as number));
          return;
        }
        this.#tokens -= cost;
      }
      this.#queue.grantHead((waiter) => this.#permit(waiter, cost, now));
    }
  }

  #wakeIn(ms: number): void {
    const wake = new AbortController();
    this.#wake = wake;
    this.#sleep(ms, wake.signal).then(
      () => {
        if (this.#wake === wake) this.#pump();
      },
      () => undefined, // cancelled: a newer plan replaced this one
    );
  }

  /** The granted request's permit: a flight until its answer or release. */
  #permit(waiter: Waiter, cost: number, now: number): RateLimitPermit {
    const flight: Flight = { cost, overlap: new Set(this.#flights) };
    for (const other of this.#flights) other.overlap.add(flight);
    this.#flights.add(flight);
    let released = false;
    return {
      waitedMs: now - waiter.start,
      observe: (budget) => this.#answered(flight, budget),
      release: () => {
        if (released) return;
        released = true;
        this.#flights.delete(flight);
        if (this.#mode === 'probing') this.#pump(); // the probe failed without an answer: probe again
      },
    };
  }

  /** The answer to `flight` reported `budget` (undefined: the adapter found no figures in it). */
  #answered(flight: Flight, budget: RateLimitBudget | undefined): void {
    const { available, maximum, restorePerSecond: restore, remainingRatio: ratio } = vendorFigures(budget);
    if (maximum !== undefined) this.#vendorMaximum = maximum;
    if (restore !== undefined) this.#vendorPerMs = restore / 1000;
    if (available !== undefined) this.#largestSeen = Math.max(this.#largestSeen ?? 0, available);
    const capacity = this.capacity;
    if (available === undefined || capacity === undefined || this.#perMs === undefined) {
      if (this.#mode === 'probing') this.#mode = 'open';
      this.#pump();
      if (ratio !== undefined) this.observe(ratio);
      return;
    }
    let others = 0;
    for (const other of new Set([...flight.overlap, ...this.#flights])) if (other !== flight) others += other.cost;
    this.#mode = 'paced';
    this.#tokens = resyncedLevel(available, others, capacity);
    this.#last = this.#now();
    this.#pump();
  }
}
