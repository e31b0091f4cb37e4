import { createHash, timingSafeEqual } from 'node:crypto';
import { DAEMON_ADMIN_DISABLED, DAEMON_UNAUTHORIZED, type ConnectdError } from '../../errors/index.js';

/** `Bearer <token>`; anything else (another scheme, no token, two tokens) carries no token. */
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Checks `Authorization: Bearer <token>` for /api/*. Returns the error to answer with, or
 * undefined when the request may pass. With no token configured the API is closed, never open.
 * Every request with a token configured takes the same path to one `timingSafeEqual`, whatever it
 * carries (a wrong token of the right length, a prefix of the right one, a longer one, none at
 * all): both sides are SHA-256 digests first, so the comparison is of equal lengths and neither
 * the time it takes nor an early return tells a caller how much of the token it got right.
 * @example
 * checkAdminToken(process.env.CONNECTD_ADMIN_TOKEN, request.headers.authorization); // undefined: let it pass
 */
export function checkAdminToken(expected: string | undefined, header: string | undefined): ConnectdError | undefined {
  if (expected === undefined || expected === '') return DAEMON_ADMIN_DISABLED({});
  const given = BEARER.exec(header ?? '')?.[1];
  // A request without a token is compared too (as the empty string, which never matches).
  const same = timingSafeEqual(createHash('sha256').update(given ?? '').digest(), createHash('sha256').update(expected).digest());
  return same && given !== undefined ? undefined : DAEMON_UNAUTHORIZED({});
}
