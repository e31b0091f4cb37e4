export { createConnectionClient } from './client.js';
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
export type { RateLimiter, RateLimitOptions, RateLimitPermit } from './rate-limiter.js';
export { BudgetBucket, VENDOR_ROUNDING_MARGIN } from './budget-bucket.js';
export type { BudgetBucketOptions, BudgetMode } from './budget-bucket.js';
export { responseVerdict } from './response-verdict.js';
export { LOW_BUDGET_RATIO, parseRate, TokenBucket } from './token-bucket.js';
export type { TokenBucketOptions } from './token-bucket.js';
export { ConnectionBreaker } from './breaker.js';
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
