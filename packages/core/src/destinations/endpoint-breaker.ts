/** Failed deliveries in a row that open an endpoint's breaker. */
export const BREAKER_FAILURE_THRESHOLD = 5;
/** How long an open breaker waits before it lets one probe through. */
export const BREAKER_OPEN_MS = 30_000;

/**
 * The breaker of one destination's endpoint: after {@link BREAKER_FAILURE_THRESHOLD} failures in a
 * row nothing is sent for {@link BREAKER_OPEN_MS}, then one event goes as a probe; its success
 * closes the breaker, its failure opens it again. Events wait meanwhile without spending attempts.
 * Per daemon, in memory: a daemon that starts probes once.
 */
export class EndpointBreaker {
  #failures = 0;
  #openUntil: number | undefined;
  #probing = false;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  get state(): 'closed' | 'open' | 'half_open' {
    if (this.#openUntil === undefined) return 'closed';
    return this.#now() < this.#openUntil ? 'open' : 'half_open';
  }

  /** How many events may go now: all when closed, one probe when half open (and none in flight), none when open. */
  admits(): number {
    const state = this.state;
    if (state === 'closed') return Number.POSITIVE_INFINITY;
    if (state === 'open' || this.#probing) return 0;
    this.#probing = true;
    return 1;
  }

  /** Gives back a probe that was not sent (nothing was due). */
  release(): void {
    this.#probing = false;
  }

  /** Records an outcome; resolves the state change it caused, if any. */
  record(ok: boolean): 'opened' | 'closed' | undefined {
    const wasOpen = this.#openUntil !== undefined;
    this.#probing = false;
    if (ok) {
      this.#failures = 0;
      this.#openUntil = undefined;
      return wasOpen ? 'closed' : undefined;
    }
    this.#failures += 1;
    if (wasOpen || this.#failures >= BREAKER_FAILURE_THRESHOLD) {
      this.#openUntil = this.#now() + BREAKER_OPEN_MS;
      return wasOpen ? undefined : 'opened';
    }
    return undefined;
  }
}
