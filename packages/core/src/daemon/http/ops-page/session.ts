import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// The operations page's login: a stateless session cookie and the CSRF token of its forms. Both
// are HMACs with a key derived from the admin token, so any daemon holding the same token (several
// behind one load balancer, or one after a restart or a config reload) accepts them, and changing
// the admin token logs every session out. No session table, nothing to clean up.

/** The session cookie's name (scoped to `/ui` by its `Path`). */
export const SESSION_COOKIE = 'connectd_ui';
/** How long a login lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const VERSION = 'v1';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
/** Equal-length digests compared in constant time: neither length nor prefix shows in the time taken. */
const sameText = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

/** The page's keys, derived from the admin token with distinct labels so one never verifies the other. */
function keyOf(adminToken: string, label: 'session' | 'csrf'): Buffer {
  return createHmac('sha256', adminToken).update(`connectd ops page ${label} key`).digest();
}

const mac = (key: Buffer, text: string): string => createHmac('sha256', key).update(text).digest('base64url');

/**
 * Checks the token typed into the login form against the admin token, as `checkAdminToken` does
 * for the bearer: both sides hashed, one `timingSafeEqual`, false when no token is configured.
 * @example
 * loginAllowed(process.env.CONNECTD_ADMIN_TOKEN, form.get('token')); // true when they match
 */
export function loginAllowed(adminToken: string | undefined, given: string | null | undefined): boolean {
  if (adminToken === undefined || adminToken === '') return false;
  const same = sameText(given ?? '', adminToken);
  return same && typeof given === 'string' && given !== '';
}

/**
 * A session value `v1.<expiry ms>.<HMAC-SHA256 of the expiry>`, valid for {@link SESSION_TTL_MS}.
 * @example
 * const value = issueSession(adminToken, Date.now()); // 'v1.1767000000000.Qm9…'
 */
export function issueSession(adminToken: string, nowMs: number): string {
  const expiry = String(nowMs + SESSION_TTL_MS);
  return `${VERSION}.${expiry}.${mac(keyOf(adminToken, 'session'), `${VERSION}.${expiry}`)}`;
}

/**
 * True when `value` is a session this admin token issued and it has not expired.
 * @example
 * sessionValid(adminToken, cookies.get(SESSION_COOKIE), Date.now());
 */
export function sessionValid(adminToken: string | undefined, value: string | undefined, nowMs: number): boolean {
  if (adminToken === undefined || adminToken === '' || value === undefined) return false;
  const match = /^v1\.(\d{13,16})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (match === null) return false;
  const expected = mac(keyOf(adminToken, 'session'), `${VERSION}.${match[1]!}`);
  return sameText(match[2]!, expected) && Number(match[1]) > nowMs;
}

/**
 * The CSRF token of a session: an HMAC of the session value, so it is bound to that login and
 * needs no storage. Forms carry it in a hidden field.
 * @example
 * `<input type="hidden" name="csrf" value="${csrfToken(adminToken, session)}">`
 */
export function csrfToken(adminToken: string, session: string): string {
  return mac(keyOf(adminToken, 'csrf'), session);
}

/**
 * True when a form's `csrf` field is the token of the request's session.
 * @example
 * csrfValid(adminToken, session, form.get('csrf'));
 */
export function csrfValid(adminToken: string, session: string, given: string | null | undefined): boolean {
  return typeof given === 'string' && given !== '' && sameText(given, csrfToken(adminToken, session));
}

/**
 * A state-changing request's `Origin`, when the browser sent one, must be the daemon's own: the
 * host it was asked on, or the public URL's origin. No header (older clients, same-origin GETs
 * turned into POSTs by forms in some browsers) leaves the CSRF token as the defence.
 * @example
 * originAllowed(request.headers.origin, request.headers.host, 'https://connect.example.com');
 */
export function originAllowed(origin: string | undefined, host: string | undefined, publicUrl: string | undefined): boolean {
  if (origin === undefined) return true;
  let given: URL;
  try {
    given = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && given.host === host) return true;
  if (publicUrl === undefined) return false;
  try {
    return new URL(publicUrl).origin === given.origin;
  } catch {
    return false;
  }
}

/**
 * The `Set-Cookie` value of a login (or, with `value` undefined, of a logout: expired at once).
 * @example
 * response.header('set-cookie', sessionCookie(value, { secure: true }));
 */
export function sessionCookie(value: string | undefined, options: { readonly secure: boolean }): string {
  const parts = [`${SESSION_COOKIE}=${value ?? ''}`, 'HttpOnly', 'SameSite=Strict', 'Path=/ui'];
  parts.push(value === undefined ? 'Max-Age=0' : `Max-Age=${Math.floor(SESSION_TTL_MS / 1000)}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * The session cookie's value from a `Cookie` header, if any.
 * @example
 * sessionFromCookies('a=1; connectd_ui=v1.1767.abc'); // 'v1.1767.abc'
 */
export function sessionFromCookies(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}
