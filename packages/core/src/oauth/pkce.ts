import { createHash, randomBytes } from 'node:crypto';

// PKCE (RFC 7636): the consent flow keeps a random verifier in its state row and sends only its
// SHA-256 challenge in the authorize URL; the code exchange then proves it started the flow.

/** Random bytes behind a verifier: 32 bytes give the RFC's recommended 43 base64url characters. */
export const PKCE_VERIFIER_BYTES = 32;

/** A PKCE verifier and the challenge sent in its place. */
export interface PkcePair {
  /** 43 characters of `[A-Za-z0-9_-]` (RFC 7636 allows 43–128 unreserved characters). Secret: it stays in the store. */
  readonly verifier: string;
  /** base64url(sha256(verifier)), without padding. */
  readonly challenge: string;
  readonly method: 'S256';
}

/**
 * The S256 challenge of a verifier: base64url(sha256(ASCII(verifier))).
 * @example
 * pkceChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'); // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 */
export function pkceChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * A fresh verifier (from {@link PKCE_VERIFIER_BYTES} random bytes) and its S256 challenge.
 * @example
 * const { verifier, challenge, method } = createPkcePair();
 * url.searchParams.set('code_challenge', challenge);
 * url.searchParams.set('code_challenge_method', method);
 */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(PKCE_VERIFIER_BYTES).toString('base64url');
  return { verifier, challenge: pkceChallengeOf(verifier), method: 'S256' };
}
