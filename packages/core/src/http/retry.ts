import type { ErrorClass } from '../connector/index.js';
import { fullJitterDelayMs } from './backoff.js';
import { IDEMPOTENT_METHODS, type RetryPolicy } from './policies.js';

/**
 * Error codes of failed attempts worth another try: the connection broke or timed out before a
 * complete answer arrived. Node system errors, undici's own codes, and "socket hang up" (mapped to
 * ECONNRESET by `transportErrorCode`).
 */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * The code of a transport failure (network error or timeout) that is worth retrying, or undefined
 * for any other error (a bug, a bad argument, an auth strategy failing), which is never retried.
 * Looks one level into `cause`, where undici and fetch put the system error.
 */
export function transportErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_ERROR_CODES.has(code)) return code;
    if ((e as { message?: unknown }).message === 'socket hang up') return 'ECONNRESET';
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * True when a request may be sent again: the caller's explicit `idempotent` when given (a POST
 * search is a read; a request the caller must decide to repeat itself is not), else an idempotent
 * method or a declared idempotency key.
 * @example
 * mayRetry('POST', undefined);       // false
 * mayRetry('POST', undefined, true); // true: e.g. POST /v2/catalog/search
 */
export function mayRetry(method: string, idempotencyKey: string | undefined, idempotent?: boolean): boolean {
  return idempotent ?? (idempotencyKey !== undefined || IDEMPOTENT_METHODS.has(method));
}

/**
 * How core classifies a response when no plugin classifier is configured: 401 asks for fresh
 * credentials, 429 is a rate limit, the policy's statuses are retried, and everything else (2xx,
 * 3xx, other 4xx and 5xx) is the caller's to interpret.
 */
export function classifyStatus(status: number, policy: RetryPolicy): ErrorClass {
  if (status === 401) return 'auth-expired';
  if (status === 429) return 'rate-limited';
  if (policy.retryOnStatus.includes(status)) return 'retry';
  return 'ok';
}

/** What happened in one attempt, as far as the retry decision cares. */
export interface AttemptVerdict {
  /** The class of the response, or 'retry' for a transport failure. */
  readonly kind: ErrorClass;
  /** True when the attempt threw (no response to return). */
  readonly threw: boolean;
  /** Wait the vendor asked for (`Retry-After`), in ms. */
  readonly retryAfterMs?: number | undefined;
}

export type RetryDecision =
  | { readonly action: 'return' }
  | { readonly action: 'refresh' }
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'fail'; readonly reason: 'exhausted' | 'retry_after_too_long' | 'not_retryable' };

export interface RetryState {
  /** Attempts made so far that count against `maxAttempts` (the refresh retry does not). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly retryable: boolean;
  readonly canRefresh: boolean;
  readonly refreshed: boolean;
}

/**
 * Decides what follows an attempt. Pure, so every rule is tested without a server:
 * - `ok`/`fatal`: return the response to the caller;
 * - `auth-expired`: refresh the credentials once and retry at once (any method: the vendor
 *   rejected the request before acting on it), then return the 401 if it repeats;
 * - `retry`/`rate-limited`: retry after `Retry-After` or a full-jitter backoff, unless the request
 *   may not be repeated (a response is then returned, a thrown attempt fails), the attempts ran
 *   out, or the vendor asks for longer than `maxWaitMs`.
 * @example
 * decideRetry({ kind: 'retry', threw: false }, { attempts: 1, maxAttempts: 5, retryable: true, canRefresh: false, refreshed: false }, policy);
 * // { action: 'retry', delayMs: 0..499 }
 */
export function decideRetry(
  verdict: AttemptVerdict,
  state: RetryState,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  switch (verdict.kind) {
    case 'ok':
    case 'fatal':
      return { action: 'return' };
    case 'auth-expired':
      return state.canRefresh && !state.refreshed ? { action: 'refresh' } : { action: 'return' };
    default:
      break;
  }
  if (!state.retryable) return verdict.threw ? { action: 'fail', reason: 'not_retryable' } : { action: 'return' };
  if (state.attempts >= state.maxAttempts) return { action: 'fail', reason: 'exhausted' };
  if (verdict.retryAfterMs !== undefined) {
    if (verdict.retryAfterMs > policy.maxWaitMs) return { action: 'fail', reason: 'retry_after_too_long' };
    return { action: 'retry', delayMs: verdict.retryAfterMs };
  }
  return { action: 'retry', delayMs: fullJitterDelayMs(state.attempts - 1, policy, random) };
}
