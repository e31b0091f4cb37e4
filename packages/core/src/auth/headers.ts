/**
 * Header helpers for auth strategies. Strategies return a new request and never touch the one they
 * were given: the same declared request is authorised again on every retry and page.
 */
import { AUTH_INVALID_HEADER } from '../errors/index.js';
import type { OutgoingRequest } from '../connector/index.js';

/** RFC 9110 section 5.6.2 `token`: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** True for a control character a field value cannot carry (RFC 9110 section 5.5; HTAB is allowed). */
function hasControlChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/**
 * Returns `request` with header `name` set to `value`, replacing any header of that name in any
 * letter case (so a declared `authorization` does not travel beside our `Authorization`).
 * @example
 * withHeader({ method: 'GET', url, headers: { authorization: 'old' } }, 'Authorization', 'Bearer t').headers;
 * // { Authorization: 'Bearer t' }
 */
export function withHeader(request: OutgoingRequest, name: string, value: string): OutgoingRequest {
  const lower = name.toLowerCase();
  // fromEntries defines own properties, so even a header called "__proto__" stays a plain key.
  const headers = Object.fromEntries([
    ...Object.entries(request.headers).filter(([key]) => key.toLowerCase() !== lower),
    [name, value],
  ]) as Record<string, string>;
  return { ...request, headers };
}

/** Throws CONNECTD_ERR_AUTH_INVALID_HEADER unless `name` is a valid header name. */
export function checkHeaderName(strategy: string, option: string, name: string): void {
  if (!HEADER_NAME.test(name)) {
    throw AUTH_INVALID_HEADER({ strategy, option, reason: 'is not a valid HTTP header name' });
  }
}

/** The reason a credential cannot be sent in a header, or undefined when it can. */
export function headerValueProblem(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (hasControlChar(value)) return 'holds a line break or control character, which a header cannot carry';
  return undefined;
}

/** Throws CONNECTD_ERR_AUTH_INVALID_HEADER when `value` (a credential) cannot be sent in a header. */
export function checkHeaderValue(strategy: string, option: string, value: string): void {
  const reason = headerValueProblem(value);
  if (reason !== undefined) throw AUTH_INVALID_HEADER({ strategy, option, reason });
}
