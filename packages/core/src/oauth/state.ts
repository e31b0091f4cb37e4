import { OAUTH_STATE_EXPIRED, OAUTH_STATE_INVALID } from '../errors/index.js';
import type { KeyRing } from '../auth/index.js';
import { TOKEN_ID_BYTES, createTokenId, readSignedClaims, signClaims, signingKeyFrom, type SignedClaims } from './signed-token.js';

// The OAuth `state` parameter: a signed token (signed-token.ts) whose id names the `oauth_states`
// row (which holds everything else, PKCE verifier included). The vendor echoes it back, and the
// callback trusts nothing in it until the signature checks out; the expiry lets a stale callback
// be refused before the database is touched.

/** Random bytes in a consent flow id (128 bits: not guessable, not enumerable). */
export const FLOW_ID_BYTES = TOKEN_ID_BYTES;
/** HKDF `info` for the state signing key: a new version here invalidates every state in flight. */
export const STATE_KEY_INFO = 'connectd oauth state v1';

/** What a state carries: the flow's id and when it stops being accepted. */
export type StateClaims = SignedClaims;

/**
 * A new consent flow id: 16 random bytes, base64url.
 * @example
 * const id = createFlowId(); // 'q3Xk0h1v3Zc2y0lR9x2b5A'
 */
export function createFlowId(): string {
  return createTokenId();
}

/**
 * Derives the state signing key from the vault's current key (HKDF-SHA256, info
 * {@link STATE_KEY_INFO}). Every process sharing CONNECTD_SECRET_KEY accepts each other's
 * states; rotating the key invalidates flows in flight (they last minutes).
 * @example
 * const stateKey = stateKeyFrom(parseKeyRing(process.env)!);
 */
export function stateKeyFrom(keys: KeyRing): Buffer {
  return signingKeyFrom(keys, STATE_KEY_INFO);
}

/**
 * Makes the opaque, URL-safe `state` for a consent flow.
 * @example
 * const state = signState({ id: createFlowId(), expiresAtMs: Date.now() + 600_000 }, stateKey);
 */
export function signState(claims: StateClaims, key: Buffer): string {
  return signClaims(claims, key);
}

/**
 * Checks a `state` the vendor echoed and resolves the flow id it names.
 * @throws CONNECTD_ERR_OAUTH_STATE_INVALID when missing, malformed or not signed with `key`
 * @throws CONNECTD_ERR_OAUTH_STATE_EXPIRED when `nowMs` is past its expiry
 * @example
 * const { id } = verifyState(query.get('state'), stateKey, Date.now());
 */
export function verifyState(text: string | null | undefined, key: Buffer, nowMs: number): { id: string } {
  const read = readSignedClaims(text, key);
  if ('refused' in read) throw OAUTH_STATE_INVALID({ reason: read.refused });
  const { claims } = read;
  if (nowMs >= claims.expiresAtMs) throw OAUTH_STATE_EXPIRED({ expiredAt: new Date(claims.expiresAtMs).toISOString() });
  return { id: claims.id };
}
