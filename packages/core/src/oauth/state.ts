import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { OAUTH_STATE_EXPIRED, OAUTH_STATE_INVALID } from '../errors/index.js';
import type { KeyRing } from '../auth/index.js';

// The OAuth `state` parameter: `<payload>.<signature>`, both base64url. The payload is the JSON
// `{"id":…,"exp":…}`; the signature is HMAC-SHA256 over the payload text. The vendor echoes it
// back, and the callback trusts nothing in it until the signature checks out. The id names the
// `oauth_states` row (which holds everything else, PKCE verifier included); the expiry lets a stale
// callback be refused before the database is touched.

/** Random bytes in a consent flow id (128 bits: not guessable, not enumerable). */
export const FLOW_ID_BYTES = 16;
/** HKDF `info` for the state signing key: a new version here invalidates every state in flight. */
export const STATE_KEY_INFO = 'connectd oauth state v1';
/** A state longer than this is refused unread (ours are about 100 characters). */
const MAX_STATE_CHARS = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What a state carries: the flow's id and when it stops being accepted. */
export interface StateClaims {
  readonly id: string;
  readonly expiresAtMs: number;
}

/**
 * A new consent flow id: 16 random bytes, base64url.
 * @example
 * const id = createFlowId(); // 'q3Xk0h1v3Zc2y0lR9x2b5A'
 */
export function createFlowId(): string {
  return randomBytes(FLOW_ID_BYTES).toString('base64url');
}

/**
 * Derives the state signing key from the vault's current key (HKDF-SHA256, info
 * {@link STATE_KEY_INFO}), so no extra secret has to be configured and the vault key itself is
 * never used for two purposes. Every process sharing CONNECTD_SECRET_KEY accepts each other's
 * states; rotating the key invalidates flows in flight (they last minutes).
 * @example
 * const stateKey = stateKeyFrom(parseKeyRing(process.env)!);
 */
export function stateKeyFrom(keys: KeyRing): Buffer {
  const current = keys.key(keys.currentKeyId)!;
  return Buffer.from(hkdfSync('sha256', current, Buffer.alloc(0), STATE_KEY_INFO, 32));
}

/**
 * Makes the opaque, URL-safe `state` for a consent flow.
 * @example
 * const state = signState({ id: createFlowId(), expiresAtMs: Date.now() + 600_000 }, stateKey);
 */
export function signState(claims: StateClaims, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify({ id: claims.id, exp: claims.expiresAtMs }), 'utf8').toString('base64url');
  return `${payload}.${signatureOf(payload, key)}`;
}

/**
 * Checks a `state` the vendor echoed and resolves the flow id it names. The signature is compared
 * in constant time against the canonical encoding, so no other spelling of it is accepted.
 * @throws CONNECTD_ERR_OAUTH_STATE_INVALID when missing, malformed or not signed with `key`
 * @throws CONNECTD_ERR_OAUTH_STATE_EXPIRED when `nowMs` is past its expiry
 * @example
 * const { id } = verifyState(query.get('state'), stateKey, Date.now());
 */
export function verifyState(text: string | null | undefined, key: Buffer, nowMs: number): { id: string } {
  if (text === null || text === undefined || text === '') throw OAUTH_STATE_INVALID({ reason: 'missing' });
  if (text.length > MAX_STATE_CHARS) throw OAUTH_STATE_INVALID({ reason: 'malformed' });
  const parts = text.split('.');
  if (parts.length !== 2 || !parts.every((p) => BASE64URL.test(p))) throw OAUTH_STATE_INVALID({ reason: 'malformed' });
  const [payload, signature] = parts as [string, string];
  const expected = Buffer.from(signatureOf(payload, key), 'ascii');
  const given = Buffer.from(signature, 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw OAUTH_STATE_INVALID({ reason: 'signature' });
  // Only signed text is parsed: whatever is in it, we wrote.
  const claims = parseClaims(payload);
  if (claims === undefined) throw OAUTH_STATE_INVALID({ reason: 'malformed' });
  if (nowMs >= claims.expiresAtMs) throw OAUTH_STATE_EXPIRED({ expiredAt: new Date(claims.expiresAtMs).toISOString() });
  return { id: claims.id };
}

function signatureOf(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(payload, 'ascii').digest('base64url');
}

function parseClaims(payload: string): StateClaims | undefined {
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { id?: unknown; exp?: unknown };
    if (typeof value.id !== 'string' || value.id === '' || typeof value.exp !== 'number' || !Number.isFinite(value.exp)) return undefined;
    return { id: value.id, expiresAtMs: value.exp };
  } catch {
    return undefined;
  }
}
