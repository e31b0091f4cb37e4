import type { RateLimitBudget } from '../connector/index.js';
import { HTTP_INVALID_POLICY } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { checkDeclared, declaredCapacity, finiteAtLeast, resyncedLevel, vendorFigures } from './budget-math.js';
import type { RateLimiter, RateLimitPermit } from './rate-limiter.js';
import { leasePlan, type LeasePlan } from './shared-lease.js';
import type { BudgetStore, BudgetTake, SharedStateKey } from './shared-state.js';
import { sleep as realSleep, type Sleep } from './sleep.js';
import { LOW_BUDGET_RATIO } from './token-bucket.js';
import { WaiterQueue, type Waiter } from './waiter-queue.js';

/** A flight without an answer for this long is taken as ended (its daemon died): longer than any attempt lasts. */
export const SHARED_FLIGHT_LIMIT_MS = 120_000;
/** While the first request probes a budget nobody knows yet, others look again this often at first (doubling to 1 s). */
export const PROBE_RETRY_MS = 50;
const PROBE_RETRY_MAX_MS = 1_000;

export interface SharedBucketOptions {
  readonly store: BudgetStore;
  readonly key: SharedStateKey;
  /**
   * `declared`: a token bucket at the declared rate, one token per request (as `TokenBucket`).
   * `vendor`: a budget kept in step with the vendor's answers, each request taking its cost (as
   * `BudgetBucket`).
   */
  readonly pacing: 'declared' | 'vendor';
  /** Declared rate (units per second); required for `declared`. */
  readonly ratePerSecond?: number | undefined;
  /** Declared bucket size; default one second's worth of the rate. */
  readonly burst?: number | undefined;
  /** Longest a leased token is kept (`declared` only); default `SHARED_LEASE_MS`. */
  readonly leaseMs?: number | undefined;
  readonly flightLimitMs?: number | undefined;
  /** Told when an answer could not be recorded (the budget stays conservative until the flight limit). */
  readonly log?: Logger | undefined;
  /** Monotonic clock in ms; default `performance.now`. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

/**
 * A connection's rate limiter shared by every daemon on one Postgres: the budget is a row the
 * database refills by its own clock (`BudgetStore`, store/repos/rate-budgets.ts), so N daemons
 * together send what one would. Requests wait here in arrival order; one round trip at a time
 * takes from the row, and when the budget is short the answer says how long until it is not, so
 * the daemon sleeps exactly that and asks again (another daemon may have taken it meanwhile: then
 * it sleeps again, never polls).
 *
 * - `declared`: each request needs one token; at high rates tokens are leased in batches
 *   (`leasePlan`), sized by the requests waiting and the demand of the last lease period.
 * - `vendor`: each request takes its cost and is a flight until its answer, whose figures
 *   re-synchronise the shared row (less every grant any daemon made since, so daemons answering
 *   in any order agree); see `BudgetAnswer` and store/repos/rate-budget-answers.ts.
 * @example
 * const limiter = new SharedBucket({ store: shared.budgets, key: { connector: 'storq', connectionId: 'acme' }, pacing: 'declared', ratePerSecond: 10 });
 * const permit = await limiter.acquire(signal);
 */
export class SharedBucket implements RateLimiter {
  readonly #store: BudgetStore;
  readonly #key: SharedStateKey;
  readonly #vendor: boolean;
  readonly #declaredRate: number | null;
  readonly #declaredCapacity: number | null;
  readonly #plan: LeasePlan;
  readonly #flightLimitMs: number;
  readonly #log: Logger | undefined;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  // The wait in progress was for the head's cost: when it gives up, the next one (or none) decides afresh.
  readonly #queue = new WaiterQueue((wasHead) => {
    if (wasHead) this.#wake?.abort();
  });
  /** Leased tokens not used yet, and until when they may be. */
  #pool = { tokens: 0, until: 0 };
  /** When recent requests were granted here: the demand a lease is sized by. */
  #recent: number[] = [];
  #running = false;
  /** Ends the current wait early (the request it was for gave up). */
  #wake: AbortController | undefined;
  /** The store's statements of this limiter run one after the other, in the order they were asked. */
  #chain: Promise<unknown> = Promise.resolve();

  constructor(options: SharedBucketOptions) {
    checkDeclared(options.ratePerSecond, options.burst);
    this.#store = options.store;
    this.#key = options.key;
    this.#vendor = options.pacing === 'vendor';
    this.#declaredRate = options.ratePerSecond ?? null;
    const capacity = declaredCapacity(options.ratePerSecond, options.burst);
    if (!this.#vendor && (options.ratePerSecond === undefined || capacity === undefined)) {
      throw HTTP_INVALID_POLICY({ option: 'rateLimit.rate', reason: 'a budget paced at the declared rate needs one' });
    }
    this.#plan =
      this.#vendor || options.ratePerSecond === undefined || capacity === undefined
        ? { batch: 1, leaseMs: 0, capacity: capacity ?? 0 }
        : leasePlan(options.ratePerSecond, capacity, options.leaseMs);
    this.#declaredCapacity = capacity === undefined ? null : this.#plan.capacity;
    this.#flightLimitMs = options.flightLimitMs ?? SHARED_FLIGHT_LIMIT_MS;
    this.#log = options.log;
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? realSleep;
  }

  /** How this limiter takes from the shared budget (batch, lease, the capacity it refills to). */
  get plan(): LeasePlan {
    return this.#plan;
  }

  acquire(signal?: AbortSignal, cost = 1): Promise<RateLimitPermit> {
    const permit = this.#queue.wait(this.#vendor ? (finiteAtLeast(cost, 0) ?? 1) : 1, this.#now(), signal);
    this.#serveFromPool();
    if (!this.#running && this.#queue.length > 0) void this.#run();
    return permit;
  }

  /** Takes from the shared budget while requests wait: one round trip at a time, sleeping as told when short. */
  async #run(): Promise<void> {
    this.#running = true;
    let probeRetryMs = PROBE_RETRY_MS;
    try {
      for (let head = this.#queue.head; head !== undefined; head = this.#queue.head) {
        const cost = this.#vendor ? head.cost : this.#wanted();
        // A request's price is all or nothing; a lease takes what is there once half of it is (fewer round trips than waiting for all of it).
        const minCost = this.#vendor ? cost : Math.ceil(cost / 2);
        const sentAt = this.#now();
        let take: BudgetTake;
        try {
          take = await this.#serial(() =>
            this.#store.take(this.#key, {
              cost,
              minCost,
              declaredCapacity: this.#declaredCapacity,
              declaredRatePerSecond: this.#declaredRate,
              initialTokens: this.#declaredCapacity ?? 0,
              recordFlight: this.#vendor,
              flightLimitMs: this.#flightLimitMs,
            }),
          );
        } catch (err) {
          // The database is the budget: without it no request may go. Each waiting call fails with the store's error.
          this.#queue.rejectAll(err);
          return;
        }
        if (take.granted) {
          probeRetryMs = PROBE_RETRY_MS;
          if (this.#vendor) this.#grantFlight(take, head);
          else {
            this.#pool = { tokens: take.cost, until: sentAt + this.#plan.leaseMs };
            this.#serveFromPool(true);
          }
          continue;
        }
        let waitMs = take.waitMs;
        if (waitMs === null) {
          waitMs = probeRetryMs;
          probeRetryMs = Math.min(PROBE_RETRY_MAX_MS, probeRetryMs * 2);
        }
        const wake = new AbortController();
        this.#wake = wake;
        await this.#sleep(waitMs, wake.signal).catch(() => undefined); // woken: the request waited for gave up
        this.#wake = undefined;
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * The vendor asked every request to wait `ms` (`Retry-After`): the shared budget is held for
   * every daemon, and the tokens leased here are dropped.
   */
  holdOff(ms: number): void {
    if (!(ms > 0)) return;
    this.#pool = { tokens: 0, until: 0 };
    this.#serial(() => this.#store.hold(this.#key, ms)).catch((err: unknown) => {
      this.#log?.warn({ err, connector: this.#key.connector, connection: this.#key.connectionId }, 'could not hold the shared rate budget as the vendor asked; the other daemons will hear it from the vendor');
    });
  }

  /** Tokens to ask for: the requests waiting, or the demand of the last lease period when higher, up to a batch. */
  #wanted(): number {
    if (this.#plan.batch <= 1) return 1;
    const since = this.#now() - this.#plan.leaseMs;
    this.#recent = this.#recent.filter((at) => at >= since);
    return Math.min(this.#plan.batch, Math.max(this.#queue.length, this.#recent.length));
  }

  /** Hands leased tokens to waiting requests; `fresh`: they just arrived, so even a lease of 0 ms serves the waiters. */
  #serveFromPool(fresh = false): void {
    if (this.#vendor) return;
    if (!fresh && this.#now() > this.#pool.until) this.#pool = { tokens: 0, until: 0 };
    while (this.#pool.tokens >= 1 && this.#queue.length > 0) {
      this.#pool.tokens -= 1;
      const now = this.#now();
      if (this.#plan.batch > 1) this.#recent.push(now);
      this.#queue.grantHead((waiter) => ({ waitedMs: now - waiter.start }));
    }
  }

  /** A granted flight goes to the request it was taken for, or to the next one that fits when that one gave up. */
  #grantFlight(take: BudgetTake, takenFor: Waiter): void {
    const waiter = this.#queue.head;
    if (waiter === undefined || (waiter !== takenFor && waiter.cost > take.cost)) {
      this.#end(take, undefined, false);
      return;
    }
    let answered = false;
    const now = this.#now();
    this.#queue.grantHead(() => ({
      waitedMs: now - waiter.start,
      observe: (budget) => {
        if (answered) return;
        answered = true;
        this.#end(take, budget, true);
      },
      release: () => {
        if (answered) return;
        answered = true;
        this.#end(take, undefined, false);
      },
    }));
  }

  /** Ends a flight in the shared row; `heard`: the vendor answered, with `budget` (or no figures). */
  #end(take: BudgetTake, budget: RateLimitBudget | undefined, heard: boolean): void {
    const { available, maximum, restorePerSecond, remainingRatio } = vendorFigures(budget);
    // What was in flight at this grant and what was granted since may be missing from the figure (BudgetBucket's rule).
    const resyncBase = available === undefined ? null : resyncedLevel(available, take.inFlightBefore - take.grantedBefore - take.cost, Number.POSITIVE_INFINITY);
    const answer = {
      grantId: take.grantId,
      heard,
      available: available ?? null,
      maximum: maximum ?? null,
      restorePerSecond: restorePerSecond ?? null,
      resyncBase,
      drain: available === undefined && remainingRatio !== undefined && remainingRatio < LOW_BUDGET_RATIO,
      declaredCapacity: this.#declaredCapacity,
      declaredRatePerSecond: this.#declaredRate,
    };
    this.#serial(() => this.#store.answer(this.#key, answer)).catch((err: unknown) => {
      this.#log?.warn({ err, connector: this.#key.connector, connection: this.#key.connectionId }, 'could not record a rate-limited answer in the shared budget; it stays conservative until the flight limit');
    });
  }

  #serial<T>(statement: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(statement, statement);
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
