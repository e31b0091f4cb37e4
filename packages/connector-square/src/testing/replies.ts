import type { FakeAnswer } from './core-test-kit.js';
import type { SquareError, SquareErrorCategory } from './types.js';

/** HTTP status of each error category; the codes below override it. */
const statusOfCategory: Record<SquareErrorCategory, number> = {
  API_ERROR: 500,
  AUTHENTICATION_ERROR: 401,
  INVALID_REQUEST_ERROR: 400,
  RATE_LIMIT_ERROR: 429,
  PAYMENT_METHOD_ERROR: 402,
  REFUND_ERROR: 400,
  MERCHANT_SUBSCRIPTION_ERROR: 400,
  EXTERNAL_VENDOR_ERROR: 503,
};
const statusOfCode: Readonly<Record<string, number>> = {
  NOT_FOUND: 404,
  INSUFFICIENT_SCOPES: 403,
  FORBIDDEN: 403,
  SERVICE_UNAVAILABLE: 503,
  METHOD_NOT_ALLOWED: 405,
};

/**
 * The status Square answers for an error: from its code where the code implies one (404, 403,
 * 503), else from its category.
 * @example
 * statusOfError({ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' }); // 404
 */
export function statusOfError(error: SquareError): number {
  return statusOfCode[error.code] ?? statusOfCategory[error.category];
}

/**
 * A Square error answer `{"errors": [...]}` whose status is the first error's, as Square's docs
 * say ("with multiple errors the status matches the first").
 * @example
 * squareErrors([{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CURSOR', field: 'cursor' }]); // 400
 */
export function squareErrors(errors: readonly [SquareError, ...SquareError[]], extra: Readonly<Record<string, unknown>> = {}): FakeAnswer {
  return { status: statusOfError(errors[0]), json: { errors, ...extra } };
}

/**
 * One Square error, `detail` and `field` included when given.
 * @example
 * squareError('INVALID_REQUEST_ERROR', 'INVALID_VALUE', 'At most 10 location_ids', 'location_ids'); // 400
 */
export function squareError(category: SquareErrorCategory, code: string, detail?: string, field?: string): FakeAnswer {
  const error: SquareError = { category, code, ...(detail === undefined ? {} : { detail }), ...(field === undefined ? {} : { field }) };
  return squareErrors([error]);
}

/**
 * A 400 `INVALID_REQUEST_ERROR`, the category of every refused request parameter.
 * @example
 * invalidRequest('VALUE_TOO_HIGH', 'limit must be at most 1000', 'limit');
 */
export function invalidRequest(code: string, detail: string, field?: string): FakeAnswer {
  return squareError('INVALID_REQUEST_ERROR', code, detail, field);
}

/**
 * A successful JSON answer.
 * @example
 * squareJson({ locations: [] });
 */
export function squareJson(value: unknown, status = 200, headers: Record<string, string> = {}): FakeAnswer {
  return { status, headers, json: value };
}

/**
 * Drops empty arrays and undefined values from a list response: Square leaves out list fields it
 * has nothing for (a search with no match answers `{}`), and the cursor on the last page.
 * @example
 * listBody({ orders: [], cursor: undefined }); // {}
 */
export function listBody(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)));
}
