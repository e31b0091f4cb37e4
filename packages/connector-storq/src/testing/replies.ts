import type { FakeAnswer } from './core-test-kit.js';
import type { StorqErrorType } from './types.js';

const statusOfType: Record<StorqErrorType, number> = {
  authentication_error: 401,
  invalid_request_error: 400,
  not_found: 404,
  conflict: 409,
  rate_limit_error: 429,
  api_error: 500,
};

/**
 * A storq error answer: `{"error": {"type", "message", "param"?}}` with the type's status
 * (or `status`, e.g. 503 for an `api_error`).
 * @example
 * storqError('invalid_request_error', 'sku is required', { param: 'sku' }); // 400
 */
export function storqError(
  type: StorqErrorType,
  message: string,
  options: { readonly param?: string; readonly status?: number; readonly headers?: Record<string, string> } = {},
): FakeAnswer {
  const error = options.param === undefined ? { type, message } : { type, message, param: options.param };
  return { status: options.status ?? statusOfType[type], headers: options.headers ?? {}, json: { error } };
}

/** A successful JSON answer. */
export function storqJson(value: unknown, status = 200, headers: Record<string, string> = {}): FakeAnswer {
  return { status, headers, json: value };
}
