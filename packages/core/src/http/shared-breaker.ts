import { randomUUID } from 'node:crypto';
import { CircuitState, type IBreaker } from 'cockatiel';
import { HTTP_BREAKER_OPEN } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { ConnectionBreaker, failureDetector, type Breaker, type ConnectionBreakerOptions } from './breaker.js';
import type { BreakerPolicy } from './policies.js';
import type { BreakerStore, SharedBreaker, SharedBreakerView, SharedStateKey } from './shared-state.js';
import type { BreakerState, HttpMetrics } from './types.js';

/**
 * How long a daemon trusts its last read of a shared breaker. Another daemon's opening is honoured
 * here within this long plus one read (the promise is "within a second"); reads happen only when
 * calls are made, at most once per this period per connection.
 */
export const SHARED_BREAKER_CACHE_MS = 500;
/** The lease of a trial when the client does not say: longer than one attempt may last. */
export const DEFAULT_TRIAL_LEASE_MS = 70_000;
/** Added to a trial's lease beyond one attempt's timeouts: its wait for a rate-limit permit, the store's round trips. */
const TRIAL_LEASE_MARGIN_MS = 10_000;

export interface SharedBreakerOptions<R> extends ConnectionBreakerOptions<R>, SharedBreaker {}

interface View {
  readonly state: 'closed' | 'open';
  /** `performance.now()` from which the trial may be claimed. */
  readonly probeDueAt: number;
  /** The same as epoch ms, for errors and status. */
  readonly probeAt: number;
  readonly trialInFlight: boolean;
}

const CLOSED_VIEW: View = Object.freeze({ state: 'closed', probeDueAt: 0, probeAt: 0, trialInFlight: false });

/**
 * A connection's circuit breaker shared by every daemon on one Postgres (`BreakerStore`,
 * store/repos/breaker-states.ts). Each daemon counts the outcomes of its own calls as the
 * in-memory breaker does (`failureDetector`); the daemon whose count trips opens the shared row
 * for the cooldown. Every daemon reads the row before a call, at most every
 * `SHARED_BREAKER_CACHE_MS`, and fails fast while it is open. After the cooldown one daemon claims
 * the trial (a claim with a lease in the row); the others keep failing fast until its outcome
 * closes the breaker for all, or opens it again for another cooldown. An error the breaker is not
 * told to count ends a trial as a success, as cockatiel's half-open state does.
 * @example
 * const breaker = new SharedConnectionBreaker({ connection: 'storq:acme', policy, log, isFailedError, isFailedResult,
 *   store: shared.breakers, key: { connector: 'storq', connectionId: 'acme' } });
 * const res = await breaker.execute((probe) => sendWithRetries(request, probe ? 1 : policy.maxAttempts));
 */
export class SharedConnectionBreaker<R> implements Breaker<R> {
  readonly #connection: string;
  readonly #policy: BreakerPolicy;
  readonly #log: Logger;
  readonly #metrics: HttpMetrics | undefined;
  readonly #isFailedError: (err: unknown) => boolean;
  readonly #isFailedResult: (result: R) => boolean;
  readonly #store: BreakerStore;
  readonly #key: SharedStateKey;
  readonly #cacheMs: number;
  readonly #trialLeaseMs: number;
  #detector: IBreaker;
  #view: View = CLOSED_VIEW;
  #readAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | undefined;
  /** This daemon holds the trial. */
  #trial = false;
  #reported: BreakerState = 'closed';
  #storeDown = false;

  constructor(options: SharedBreakerOptions<R>) {
    this.#connection = options.connection;
    this.#policy = options.policy;
    this.#log = options.log;
    this.#metrics = options.metrics;
    this.#isFailedError = options.isFailedError;
    this.#isFailedResult = options.isFailedResult;
    this.#store = options.store;
    this.#key = options.key;
    this.#cacheMs = options.cacheMs ?? SHARED_BREAKER_CACHE_MS;
    this.#trialLeaseMs = options.trialLeaseMs ?? DEFAULT_TRIAL_LEASE_MS;
    this.#detector = failureDetector(options.policy);
    this.#metrics?.breakerState({ connection: this.#connection, state: 'closed' });
  }

  get state(): BreakerState {
    if (this.#view.state === 'closed') return 'closed';
    return this.#trial || this.#view.trialInFlight ? 'half_open' : 'open';
  }

  get probeAt(): number | undefined {
    return this.#view.state === 'open' ? this.#view.probeAt : undefined;
  }

  async execute(fn: (probe: boolean) => Promise<R>): Promise<R> {
    await this.#refresh();
    if (this.#view.state === 'closed') return this.#closedCall(fn);
    if (this.#trial || this.#view.trialInFlight || performance.now() < this.#view.probeDueAt) throw this.#openError();
    const token = randomUUID();
    let claim: { readonly won: boolean; readonly view: SharedBreakerView };
    try {
      claim = await this.#store.claimTrial(this.#key, token, this.#trialLeaseMs);
    } catch (err) {
      this.#storeFailed(err);
      throw this.#openError(err);
    }
    this.#storeDown = false;
    if (!claim.won) {
      this.#see(claim.view);
      if (claim.view.state === 'closed') return this.#closedCall(fn);
      throw this.#openError();
    }
    return this.#trialCall(fn, token, claim.view);
  }

  async beforeRetry(): Promise<void> {
    await this.#refresh();
    if (this.#view.state === 'open' && !this.#trial) throw this.#openError();
  }

  async #closedCall(fn: (probe: boolean) => Promise<R>): Promise<R> {
    let result: R;
    try {
      result = await fn(false);
    } catch (err) {
      if (this.#isFailedError(err)) await this.#failed(causeOfError(err));
      throw err;
    }
    if (this.#isFailedResult(result)) await this.#failed(causeOfResult(result));
    else this.#detector.success(CircuitState.Closed);
    return result;
  }

  /** A counted failure: when it trips the count, the breaker opens for every daemon (unless it is open already). */
  async #failed(cause: string): Promise<void> {
    if (!this.#detector.failure(CircuitState.Closed) || this.#view.state === 'open') return;
    this.#see({ state: 'open', probeInMs: this.#policy.cooldownMs, trialInFlight: false }, cause);
    try {
      this.#see(await this.#store.open(this.#key, this.#policy.cooldownMs));
      this.#storeDown = false;
    } catch (err) {
      this.#storeFailed(err); // open here at least, for the cooldown
    }
  }

  async #trialCall(fn: (probe: boolean) => Promise<R>, token: string, claimed: SharedBreakerView): Promise<R> {
    this.#trial = true;
    this.#see(claimed);
    this.#log.info({ connection: this.#connection, breaker: 'half_open' }, 'circuit breaker half-open: sending one probe');
    let result: R;
    try {
      result = await fn(true);
    } catch (err) {
      // An error the breaker does not count (an abort, a refused credential) says nothing against the vendor.
      await this.#settle(token, this.#isFailedError(err) ? causeOfError(err) : undefined);
      throw err;
    }
    await this.#settle(token, this.#isFailedResult(result) ? causeOfResult(result) : undefined);
    return result;
  }

  /** Ends this daemon's trial: closed for all (no `failure`), or open again for another cooldown. */
  async #settle(token: string, failure: string | undefined): Promise<void> {
    const outcome = failure === undefined ? ({ succeeded: true } as const) : ({ succeeded: false, cooldownMs: this.#policy.cooldownMs } as const);
    let view: SharedBreakerView;
    try {
      view = await this.#store.settleTrial(this.#key, token, outcome);
      this.#storeDown = false;
    } catch (err) {
      this.#storeFailed(err);
      view = failure === undefined ? { state: 'closed', probeInMs: null, trialInFlight: false } : { state: 'open', probeInMs: this.#policy.cooldownMs, trialInFlight: false };
    }
    this.#trial = false;
    if (failure !== undefined) this.#view = CLOSED_VIEW; // log the re-opening as an opening
    this.#see(view, failure);
  }

  /** Reads the shared row unless the last read is recent; concurrent calls share one read. */
  async #refresh(): Promise<void> {
    if (this.#trial || performance.now() - this.#readAt < this.#cacheMs) return;
    if (this.#reading === undefined) {
      const sentAt = performance.now();
      this.#reading = this.#store.read(this.#key).then(
        (view) => {
          this.#storeDown = false;
          this.#see(view);
        },
        (err: unknown) => this.#storeFailed(err),
      );
      void this.#reading.finally(() => {
        this.#readAt = sentAt;
        this.#reading = undefined;
      });
    }
    await this.#reading;
  }

  /** Takes a view of the shared row, logging and reporting what changed; `cause` names a failure seen here. */
  #see(view: SharedBreakerView, cause?: string): void {
    const before = this.#view.state;
    const now = performance.now();
    const probeInMs = view.probeInMs ?? 0;
    this.#view =
      view.state === 'closed'
        ? CLOSED_VIEW
        : { state: 'open', probeDueAt: now + probeInMs, probeAt: Date.now() + probeInMs, trialInFlight: view.trialInFlight };
    if (before === 'closed' && view.state === 'open') {
      const probeAt = new Date(this.#view.probeAt).toISOString();
      const by = cause === undefined ? { by: 'another daemon' } : { cause };
      this.#log.warn({ connection: this.#connection, breaker: 'open', ...by, probeAt }, 'circuit breaker opened');
    }
    if (before === 'open' && view.state === 'closed') {
      this.#detector = failureDetector(this.#policy); // a closed breaker starts counting afresh, on every daemon
      this.#log.info({ connection: this.#connection, breaker: 'closed' }, 'circuit breaker closed');
    }
    const state = this.state;
    if (state !== this.#reported) {
      this.#reported = state;
      this.#metrics?.breakerState({ connection: this.#connection, state });
    }
  }

  #storeFailed(err: unknown): void {
    if (this.#storeDown) return;
    this.#storeDown = true;
    this.#log.warn({ err, connection: this.#connection }, 'could not reach the shared circuit breaker; going by what this daemon knows');
  }

  #openError(cause?: unknown): Error {
    const probeAt = this.#view.state === 'open' ? this.#view.probeAt : Date.now();
    return HTTP_BREAKER_OPEN(
      { connection: this.#connection, probeAt: new Date(probeAt).toISOString(), retryInMs: Math.max(0, Math.round(probeAt - Date.now())) },
      cause === undefined ? undefined : { cause },
    );
  }
}

/**
 * A connection's breaker: shared through the database with the other daemons when `shared` is
 * given, else this process's own. A trial is one attempt, so its lease lasts as long as one may
 * (`attemptMs`: connect, headers, body) and a margin, unless `shared` says otherwise.
 * @example
 * const breaker = createBreaker(options, { store: shared.breakers, key }, timeouts.connectMs + timeouts.headersMs + timeouts.bodyMs);
 */
export function createBreaker<R>(options: ConnectionBreakerOptions<R>, shared: SharedBreaker | undefined, attemptMs: number): Breaker<R> {
  if (shared === undefined) return new ConnectionBreaker(options);
  return new SharedConnectionBreaker({ ...options, ...shared, trialLeaseMs: shared.trialLeaseMs ?? attemptMs + TRIAL_LEASE_MARGIN_MS });
}

function causeOfError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

function causeOfResult(result: unknown): string {
  return `status ${(result as { status?: number }).status}`;
}
