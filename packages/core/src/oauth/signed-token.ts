import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '../auth/index.js';

// The signed, URL-safe tokens of the consent flow: the OAuth `state` (state.ts) and the connect
// session token (connect-session-token.ts). Both are `<payload>.<signature>`, base64url: the
// payload is the JSON `{"id":…,"exp":…}`, the signature HMAC-SHA256 over the payload text with a
// key derived for that one purpose, so a state is never accepted as a session token or the other
// way round. The id names a row that holds everything else; the expiry lets a stale token be
// refused before the database is touched. Nothing in a token is trusted before its signature.

/** Random bytes in a token's id (128 bits: not guessable, not enumerable). */
export const TOKEN_ID_BYTES = 16;
/** A token longer than this is refused unread (ours are about 100 characters). */
const MAX_TOKEN_CHARS = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What a signed token carries: the id of its row and when it stops being accepted. */
export interface SignedClaims {
  readonly id: string;
  readonly expiresAtMs: number;
}

/** Why a token was not accepted, before its expiry is even looked at. */
export type TokenRefusal = 'missing' | 'malformed' | 'signature';

/**
 * A new random id for a token's row: 16 random bytes, base64url.
 * @example
 * const id = createTokenId(); // 'q3Xk0h1v3Zc2y0lR9x2b5A'
 */
export function createTokenId(): string {
  return randomBytes(TOKEN_ID_BYTES).toString('base64url');
}

/**
 * Derives a signing key for one purpose from the vault's current key (HKDF-SHA256 with `info`
 * naming the purpose), so no extra secret has to be configured and the vault key itself is never
 * used for two purposes. Every process sharing CONNECTD_SECRET_KEY derives the same key; rotating
 * it invalidates the tokens in flight (they last minutes to hours).
 * @example
 * const key = signingKeyFrom(parseKeyRing(process.env)!, 'connectd oauth state v1');
 */
export function signingKeyFrom(keys: KeyRing, info: string): Buffer {
  const current = keys.key(keys.currentKeyId)!;
  return Buffer.from(hkdfSync('sha256', current, Buffer.alloc(0), info, 32));
}

/**
 * Makes the opaque, URL-safe token for `claims`.
 * @example
 * const token = signClaims({ id: createTokenId(), expiresAtMs: Date.now() + 600_000 }, key);
 */
export function signClaims(claims: SignedClaims, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify({ id: claims.id, exp: claims.expiresAtMs }), 'utf8').toString('base64url');
  return `${payload}.${signatureOf(payload, key)}`;
}

/**
 * Reads a token signed with `key`. The signature is compared in constant time against the
 * canonical encoding, so no other spelling of it is accepted; only then is the payload parsed.
 * The expiry is returned, not checked: the caller refuses with its own coded error.
 * @example
 * const read = readSignedClaims(query.get('state'), key);
 * if ('refused' in read) throw OAUTH_STATE_INVALID({ reason: read.refused });
 */
export function readSignedClaims(text: string | null | undefined, key: Buffer): { readonly claims: SignedClaims } | { readonly refused: TokenRefusal } {
  if (text === null || text === undefined || text === '') return { refused: 'missing' };
  if (text.length > MAX_TOKEN_CHARS) return { refused: 'malformed' };
  const parts = text.split('.');
  if (parts.length !== 2 || !parts.every((p) => BASE64URL.test(p))) return { refused: 'malformed' };
  const [payload, signature] = parts as [string, string];
  const expected = Buffer.from(signatureOf(payload, key), 'ascii');
  const given = Buffer.from(signature, 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: 'signature' };
  // Only signed text is parsed: whatever is in it, we wrote.
  const claims = parseClaims(payload);
  return claims === undefined ? { refused: 'malformed' } : { claims };
}

function signatureOf(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(payload, 'ascii').digest('base64url');
}

function parseClaims(payload: string): SignedClaims | undefined {
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { id?: unknown; exp?: unknown };
    if (typeof value.id !== 'string' || value.id === '' || typeof value.exp !== 'number' || !Number.isFinite(value.exp)) return undefined;
    return { id: value.id, expiresAtMs: value.exp };
  } catch {
    return undefined;
  }
}
