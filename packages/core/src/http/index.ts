export { createConnectionClient } from './client.js';
export { DispatcherSource, LazyAgent } from './lazy-agent.js';
export type {
  BreakerState,
  ConnectionClient,
  ConnectionClientOptions,
  ConnectionClientStats,
  HttpMetrics,
  HttpRequest,
  HttpResponse,
} from './types.js';
export {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_BREAKER_POLICY,
  DEFAULT_BREAKER_WINDOW_MS,
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIMEOUTS,
  IDEMPOTENT_METHODS,
  resolveBreakerPolicy,
  resolveRetryPolicy,
  resolveTimeouts,
} from './policies.js';
export type { BreakerPolicy, RetryPolicy, Timeouts } from './policies.js';
export { createRateLimiter, limitConcurrency, reportBudget } from './rate-limiter.js';
export type { RateLimiter, RateLimitOptions, RateLimitPermit, SharedBudget } from './rate-limiter.js';
export { BudgetBucket, VENDOR_ROUNDING_MARGIN } from './budget-bucket.js';
export type { BudgetBucketOptions, BudgetMode } from './budget-bucket.js';
export { responseVerdict } from './response-verdict.js';
export { LOW_BUDGET_RATIO, parseRate, TokenBucket } from './token-bucket.js';
export type { TokenBucketOptions } from './token-bucket.js';
export { ConnectionBreaker, failureDetector } from './breaker.js';
export type { Breaker, ConnectionBreakerOptions } from './breaker.js';
// Shared by several daemons on one Postgres (docs/architecture.md, "Shared rate budget and breaker").
export { SHARED_FLIGHT_LIMIT_MS, SharedBucket } from './shared-bucket.js';
export type { SharedBucketOptions } from './shared-bucket.js';
export { leasePlan, MIN_LEASE_BATCH, SHARED_LEASE_MS } from './shared-lease.js';
export type { LeasePlan } from './shared-lease.js';
export { createBreaker, DEFAULT_TRIAL_LEASE_MS, SHARED_BREAKER_CACHE_MS, SharedConnectionBreaker } from './shared-breaker.js';
export type { SharedBreakerOptions } from './shared-breaker.js';
export type {
  BreakerStore,
  BudgetAnswer,
  BudgetStore,
  BudgetTake,
  BudgetTakeRequest,
  SharedBreaker,
  SharedBreakerView,
  SharedHttpState,
  SharedStateKey,
} from './shared-state.js';
export { fullJitterDelayMs } from './backoff.js';
export { parseRetryAfterMs } from './retry-after.js';
export { classifyStatus, decideRetry, mayRetry, RETRYABLE_ERROR_CODES, transportErrorCode } from './retry.js';

export { createRequestLog } from './request-log.js';
export type { AttemptRecord, RequestLog } from './request-log.js';
export { sleep } from './sleep.js';
export type { Sleep } from './sleep.js';
export { compileRequestTemplate, TemplateString } from './request-template.js';
export type { CompiledRequestTemplate, RequestTemplate, TemplateValues } from './request-template.js';
export { httpPoliciesOf } from './policy-declaration.js';
export type { HttpPolicies, HttpPolicyDeclaration } from './policy-declaration.js';
export { BREAKER_STATE_VALUE, createHttpMetrics } from './prometheus.js';
