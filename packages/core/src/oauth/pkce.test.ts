import { describe, expect, it } from 'vitest';
import { PKCE_VERIFIER_BYTES, createPkcePair, pkceChallengeOf } from './pkce.js';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', () => {
    expect(pkceChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a random 43-128 character verifier of unreserved characters and its S256 challenge', () => {
    const pairs = Array.from({ length: 50 }, () => createPkcePair());
    expect(new Set(pairs.map((p) => p.verifier)).size).toBe(50);
    for (const pair of pairs) {
      expect(pair.verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
      expect(Buffer.from(pair.verifier, 'base64url')).toHaveLength(PKCE_VERIFIER_BYTES);
      expect(pair.challenge).toBe(pkceChallengeOf(pair.verifier));
      expect(pair.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(pair.method).toBe('S256');
    }
  });
});
