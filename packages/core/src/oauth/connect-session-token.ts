import type { KeyRing } from '../auth/index.js';
import { OAUTH_SESSION_EXPIRED, OAUTH_SESSION_INVALID, OAUTH_SESSION_REQUIRED } from '../errors/index.js';
import { readSignedClaims, signClaims, signingKeyFrom, type SignedClaims } from './signed-token.js';

// The token of a connect session, in the consent link as `?session=…`: a signed token
// (signed-token.ts) under a key of its own, whose id names the `connect_sessions` row. The
// signature and expiry are checked before the store is touched; the row decides the rest.

/** HKDF `info` for the session signing key: a new version here invalidates every link in flight. */
export const SESSION_KEY_INFO = 'connectd connect session v1';

/**
 * Derives the session signing key from the vault's current key (HKDF-SHA256, info
 * {@link SESSION_KEY_INFO}): the daemon and `connectd connect` derive the same key from the same
 * CONNECTD_SECRET_KEY (or the embedded store's development key), so links made by one verify in
 * the other.
 * @example
 * const sessionKey = sessionKeyFrom(parseKeyRing(process.env)!);
 */
export function sessionKeyFrom(keys: KeyRing): Buffer {
  return signingKeyFrom(keys, SESSION_KEY_INFO);
}

/**
 * Makes the token of a session: its row's id and its expiry, signed.
 * @example
 * const token = signSessionToken({ id: createTokenId(), expiresAtMs: Date.now() + 1_800_000 }, sessionKey);
 */
export function signSessionToken(claims: SignedClaims, key: Buffer): string {
  return signClaims(claims, key);
}

/**
 * Checks the token of a consent link and resolves the session id it names.
 * @throws CONNECTD_ERR_OAUTH_SESSION_REQUIRED when there is none (`connector` names the link's)
 * @throws CONNECTD_ERR_OAUTH_SESSION_INVALID when malformed or not signed with `key`
 * @throws CONNECTD_ERR_OAUTH_SESSION_EXPIRED when `nowMs` is past its expiry
 * @example
 * const { id } = verifySessionToken('shopify', query.get('session'), sessionKey, Date.now());
 */
export function verifySessionToken(connector: string, text: string | null | undefined, key: Buffer, nowMs: number): { id: string; expiresAtMs: number } {
  const read = readSignedClaims(text, key);
  if ('refused' in read) {
    if (read.refused === 'missing') throw OAUTH_SESSION_REQUIRED({ connector });
    throw OAUTH_SESSION_INVALID({ reason: read.refused });
  }
  if (nowMs >= read.claims.expiresAtMs) throw OAUTH_SESSION_EXPIRED({ expiredAt: new Date(read.claims.expiresAtMs).toISOString() });
  return { id: read.claims.id, expiresAtMs: read.claims.expiresAtMs };
}
