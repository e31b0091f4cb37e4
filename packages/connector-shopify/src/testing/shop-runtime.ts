import { LeakyBucket, PointsBucket, type RateClock, type ThrottleStatus } from './rate-buckets.js';
import type { ShopState } from './shop-state.js';

/** Per-shop request counters. */
export interface ShopifyShopStats {
  /** Admin API requests that reached the shop (REST and GraphQL, refused ones included). */
  readonly requests: number;
  readonly restRequests: number;
  readonly graphqlRequests: number;
  /** REST answers 429 (the call bucket was full). */
  readonly rest429: number;
  /** GraphQL answers THROTTLED (the points bucket was short). */
  readonly throttled: number;
  /** Sum of the actual cost of the GraphQL queries that ran. */
  readonly graphqlPointsSpent: number;
}

export interface ShopLimits {
  readonly restBucketSize: number;
  readonly restLeakPerSecond: number;
  readonly maximumAvailable: number;
  readonly restoreRate: number;
}

/**
 * One shop's live parts beside its data: whether the app is installed, its two rate-limit
 * buckets (REST calls, GraphQL points; per shop, the fake has one app) and its counters.
 * @example
 * const runtime = new ShopRuntime(state, performance.now.bind(performance), limits);
 * runtime.rest.take(); // { ok: true, used: 1 }
 */
export class ShopRuntime {
  readonly state: ShopState;
  readonly rest: LeakyBucket;
  readonly points: PointsBucket;
  installed = false;
  readonly #stats = { requests: 0, restRequests: 0, graphqlRequests: 0, rest429: 0, throttled: 0, graphqlPointsSpent: 0 };

  constructor(state: ShopState, clock: RateClock, limits: ShopLimits) {
    this.state = state;
    this.rest = new LeakyBucket(clock, limits.restBucketSize, limits.restLeakPerSecond);
    this.points = new PointsBucket(clock, limits.maximumAvailable, limits.restoreRate);
  }

  get domain(): string {
    return this.state.info.domain;
  }

  count(kind: 'rest' | 'graphql', outcome: { readonly rest429?: boolean; readonly throttled?: boolean; readonly points?: number } = {}): void {
    this.#stats.requests += 1;
    if (kind === 'rest') this.#stats.restRequests += 1;
    else this.#stats.graphqlRequests += 1;
    if (outcome.rest429 === true) this.#stats.rest429 += 1;
    if (outcome.throttled === true) this.#stats.throttled += 1;
    this.#stats.graphqlPointsSpent += outcome.points ?? 0;
  }

  stats(): ShopifyShopStats {
    return { ...this.#stats };
  }

  throttleStatus(): ThrottleStatus {
    return this.points.status();
  }
}
