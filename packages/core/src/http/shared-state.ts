/*
 * What several daemons on one database share about a connection's vendor: its rate budget and
 * its circuit breaker. http/ defines these ports (it consumes them); persist/ implements them over
 * store/'s statements; the daemon hands them to every connection's runtime when the store is
 * Postgres. On the embedded store (one process) nothing is shared: the in-memory `TokenBucket`,
 * `BudgetBucket` and `ConnectionBreaker` do the same job without a database.
 *
 * Every time in these answers is a duration measured by the database's clock (`waitMs`,
 * `probeInMs`), never a timestamp: daemons' clocks may disagree, durations do not.
 */

/** One connection's shared state: a connector's connection id. */
export interface SharedStateKey {
  readonly connector: string;
  readonly connectionId: string;
}

export interface BudgetTakeRequest {
  /** Units wanted; a cost above the capacity in use is taken as a full bucket. */
  readonly cost: number;
  /** Units that must be there for a grant: `cost` for all or nothing, lower for a lease of what is there (whole units, up to `cost`). */
  readonly minCost: number;
  /** Bucket size until the vendor reports one; null when nothing is declared. */
  readonly declaredCapacity: number | null;
  /** Refill rate (units per second) until the vendor reports one; null when nothing is declared. */
  readonly declaredRatePerSecond: number | null;
  /** Level of a budget taken from for the first time. */
  readonly initialTokens: number;
  /** Keep the grant as a flight until `answer` (budgets kept in step with the vendor). */
  readonly recordFlight: boolean;
  /** Flights granted longer ago are taken as ended (their daemon died). */
  readonly flightLimitMs: number;
}

/** The answer to a take: granted, or how long until it can be. */
export interface BudgetTake {
  readonly granted: boolean;
  /** Units taken, or (not granted) waited for; a cost above the capacity counts as the capacity. */
  readonly cost: number;
  /** Not granted: ms until a take can succeed (a vendor's hold, then the refill), by the database's clock. Null: unknown (probing). */
  readonly waitMs: number | null;
  readonly mode: 'paced' | 'open' | 'probing';
  /** The grant's number among the budget's grants (its flight). */
  readonly grantId: number;
  /** Cost granted before this grant, by every daemon. */
  readonly grantedBefore: number;
  /** Cost granted and not answered yet when this grant was made, by every daemon. */
  readonly inFlightBefore: number;
}

/** What the answer to one granted request reported (for `BudgetStore.answer`). */
export interface BudgetAnswer {
  readonly grantId: number;
  /** The vendor answered (even without figures); false when the request ended without an answer. */
  readonly heard: boolean;
  readonly available: number | null;
  readonly maximum: number | null;
  readonly restorePerSecond: number | null;
  /**
   * The level the vendor's figure proves as of this grant: `available` less the rounding margin
   * and the cost in flight at the grant, plus the cost granted up to and including this grant. The
   * store subtracts everything granted up to now, on every daemon.
   */
  readonly resyncBase: number | null;
  /** Only a low fraction left was reported: drop the saved-up burst. */
  readonly drain: boolean;
  readonly declaredCapacity: number | null;
  readonly declaredRatePerSecond: number | null;
}

/**
 * A connection's rate budget in the database, shared by every daemon: a token bucket refilled by
 * the database's clock, taken from in one round trip.
 * @example
 * const take = await budgets.take(key, { cost: 1, minCost: 1, declaredCapacity: 10, declaredRatePerSecond: 10,
 *   initialTokens: 10, recordFlight: false, flightLimitMs: 120_000 });
 */
export interface BudgetStore {
  take(key: SharedStateKey, request: BudgetTakeRequest): Promise<BudgetTake>;
  /** Nothing is granted to any daemon for `ms` (the vendor said `Retry-After`). */
  hold(key: SharedStateKey, ms: number): Promise<void>;
  /** Ends a recorded flight; its figures, if any, re-synchronise the budget. */
  answer(key: SharedStateKey, answer: BudgetAnswer): Promise<void>;
}

/** A connection's breaker as the database holds it. */
export interface SharedBreakerView {
  readonly state: 'closed' | 'open';
  /** While open: ms until the trial may be claimed (0: now), by the database's clock. */
  readonly probeInMs: number | null;
  /** A daemon holds the trial (its lease has not run out). */
  readonly trialInFlight: boolean;
}

/**
 * A connection's circuit breaker in the database: open for every daemon once one opens it; after
 * the cooldown one daemon claims the trial (a lease), and its outcome closes or re-opens it for all.
 * @example
 * const { won } = await breakers.claimTrial(key, randomUUID(), 70_000);
 */
export interface BreakerStore {
  read(key: SharedStateKey): Promise<SharedBreakerView>;
  /** Opens it for `cooldownMs`, unless it is open already (the first opening stands). */
  open(key: SharedStateKey, cooldownMs: number): Promise<SharedBreakerView>;
  /** Claims the trial of an open breaker whose cooldown is over; one claimant wins. */
  claimTrial(key: SharedStateKey, token: string, leaseMs: number): Promise<{ readonly won: boolean; readonly view: SharedBreakerView }>;
  /** Settles the trial `token` holds: closed for all, or open again for `cooldownMs`. */
  settleTrial(key: SharedStateKey, token: string, outcome: { readonly succeeded: true } | { readonly succeeded: false; readonly cooldownMs: number }): Promise<SharedBreakerView>;
}

/** A connection's breaker in the database, as a client is given it (`ConnectionClientOptions.sharedBreaker`). */
export interface SharedBreaker {
  readonly store: BreakerStore;
  readonly key: SharedStateKey;
  /** How long a read of the row is trusted; default `SHARED_BREAKER_CACHE_MS`. */
  readonly cacheMs?: number | undefined;
  /** How long a claimed trial keeps the others out (a daemon that dies mid-trial frees it after this); default: as long as one attempt may last. */
  readonly trialLeaseMs?: number | undefined;
}

/**
 * The shared state the daemon hands to every connection runtime on Postgres.
 * @example
 * const shared = sharedHttpStateOf(store.db); // persist/: undefined on the embedded store
 * const limiter = createRateLimiter({ rate: '10/s' }, undefined, shared && { store: shared.budgets, key: { connector: 'storq', connectionId: 'acme' } });
 */
export interface SharedHttpState {
  readonly budgets: BudgetStore;
  readonly breakers: BreakerStore;
}
