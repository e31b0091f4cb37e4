import { createHash, timingSafeEqual } from 'node:crypto';
import { DAEMON_ADMIN_DISABLED, DAEMON_UNAUTHORIZED, type ConnectdError } from '../../errors/index.js';

/**
 * Checks `Authorization: Bearer <token>` for /api/*. Returns the error to answer with, or
 * undefined when the request may pass. With no token configured the API is closed, never open.
 * Both sides are hashed first so `timingSafeEqual` compares equal lengths without leaking the length.
 */
export function checkAdminToken(expected: string | undefined, header: string | undefined): ConnectdError | undefined {
  if (expected === undefined) return DAEMON_ADMIN_DISABLED({});
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (match === null) return DAEMON_UNAUTHORIZED({});
  const given = createHash('sha256').update(match[1]!).digest();
  const wanted = createHash('sha256').update(expected).digest();
  return timingSafeEqual(given, wanted) ? undefined : DAEMON_UNAUTHORIZED({});
}
