import { STORE_QUERY_FAILED, STORE_UNREACHABLE, isConnectdError, type ConnectdError } from '../errors/index.js';

/**
 * SQLSTATEs that mean "cannot talk to this database" rather than "this statement is wrong":
 * connection exceptions (08, except 08P01 protocol violation, which is a client bug), server
 * shutdown (57P01-03), too many connections (53300), failed authentication (28), unknown database
 * (3D000).
 */
const CONNECTION_SQLSTATE = /^(08(?!P01)|57P0[1-3]|53300|28|3D000)/;
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Data exceptions (class 22) quote the offending input value, e.g. `invalid input syntax for type integer: "..."`. */
const DATA_EXCEPTION = /^22/;
const QUOTED = /"(?:[^"]|"")*"/g;
/** Node socket errors and node-postgres' own connection messages, which carry no SQLSTATE. */
const SOCKET_ERRNO = /^E[A-Z]+$/;
const CONNECTION_MESSAGE = /connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable/i;

/**
 * The SQLSTATE of a database error (`'23505'` for a unique violation), from a coded store error or
 * straight from a driver error; undefined for anything else.
 * @example
 * if (sqlStateOf(err) === '23505') return 'already there';
 */
export function sqlStateOf(err: unknown): string | undefined {
  if (isConnectdError(err)) {
    const state = err.details['sqlState'];
    return typeof state === 'string' ? state : undefined;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SQLSTATE.test(code) ? code : undefined;
}

/**
 * Turns what `pg` or PGlite threw into a coded error. Only the server's message is kept: the
 * driver error (chained as `cause`) carries the parameters and the row `detail`, which may hold
 * data, so neither is copied into our message. `scrub` removes known secrets (the URL's password)
 * from that message.
 */
export function wrapDriverError(
  err: unknown,
  target: string,
  scrub: (text: string) => string = (text) => text,
): ConnectdError {
  if (isConnectdError(err)) return err;
  const state = sqlStateOf(err);
  const reason = scrub(err instanceof Error ? err.message : String(err));
  const code = (err as { code?: unknown } | null)?.code;
  const lostConnection =
    state === undefined
      ? (typeof code === 'string' && SOCKET_ERRNO.test(code)) || CONNECTION_MESSAGE.test(reason)
      : CONNECTION_SQLSTATE.test(state);
  if (lostConnection) return STORE_UNREACHABLE({ target, reason }, { cause: err });
  // Other classes quote identifiers (tables, constraints), which help; data exceptions quote the
  // parameter that failed, which may be anything, so it is left out.
  const safeReason = state !== undefined && DATA_EXCEPTION.test(state) ? reason.replace(QUOTED, '"[value]"') : reason;
  return STORE_QUERY_FAILED({ sqlState: state, reason: safeReason }, { cause: err });
}
