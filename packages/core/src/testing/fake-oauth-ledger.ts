import { createHash, randomBytes } from 'node:crypto';

// The fake OAuth provider's memory: the codes and tokens it issued and whether each is still good.
// Kept apart from the HTTP layer (fake-oauth-provider.ts) so the rules read in one place.

/** Authorization codes live this long (RFC 6749 §4.1.2 recommends at most 10 minutes). */
export const FAKE_CODE_TTL_MS = 10 * 60 * 1000;
/** Prefixes that make each kind of secret easy to grep for in logs. */
export const FAKE_ACCESS_TOKEN_PREFIX = 'fat_';
export const FAKE_REFRESH_TOKEN_PREFIX = 'frt_';
export const FAKE_CODE_PREFIX = 'fac_';

const RANDOM_BYTES = 24;
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER_SHAPE = /^[A-Za-z0-9._~-]{43,128}$/;

const secret = (prefix: string): string => prefix + randomBytes(RANDOM_BYTES).toString('base64url');

/**
 * RFC 7636 §4.2 S256: base64url(sha256(ascii(verifier))), no padding.
 * @example
 * url.searchParams.set('code_challenge', s256Challenge(verifier));
 */
export const s256Challenge = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

interface CodeGrant {
  readonly redirectUri: string;
  readonly scope: string | undefined;
  readonly challenge: string | undefined;
  readonly expiresAt: number;
  used: boolean;
  /** Tokens issued from this code, revoked if the code is replayed (RFC 6749 §4.1.2). */
  readonly issued: string[];
}

interface AccessToken {
  /** Epoch ms, or null for a token without expiry (until expireAccessTokens). */
  expiresAt: number | null;
  revoked: boolean;
}

interface RefreshToken {
  readonly scope: string | undefined;
  readonly fromCode: string | undefined;
  valid: boolean;
}

/** A refusal in RFC 6749 §5.2 terms. */
export interface Refusal {
  readonly error: string;
  readonly description: string;
}

/** What a successful grant issued. */
export interface Issued {
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  readonly scope?: string | undefined;
}

/** The codes and tokens of the fake provider, on an injectable clock. */
export class FakeOAuthLedger {
  readonly #codes = new Map<string, CodeGrant>();
  readonly #access = new Map<string, AccessToken>();
  readonly #refresh = new Map<string, RefreshToken>();
  readonly #now: () => number;
  readonly #accessTtlSeconds: number | null;

  constructor(options: { now: () => number; accessTokenTtlSeconds: number | null }) {
    this.#now = options.now;
    this.#accessTtlSeconds = options.accessTokenTtlSeconds;
  }

  issueCode(grant: { redirectUri: string; scope: string | undefined; challenge: string | undefined }): string {
    const code = secret(FAKE_CODE_PREFIX);
    this.#codes.set(code, { ...grant, expiresAt: this.#now() + FAKE_CODE_TTL_MS, used: false, issued: [] });
    return code;
  }

  /** The checks of RFC 6749 §4.1.3 and RFC 7636 §4.6, then an access and a refresh token. */
  redeemCode(code: string, redirectUri: string | undefined, verifier: string | undefined): Issued | Refusal {
    const grant = this.#codes.get(code);
    if (grant === undefined) return { error: 'invalid_grant', description: 'unknown authorization code' };
    if (grant.used) {
      for (const token of grant.issued) this.#revoke(token);
      return { error: 'invalid_grant', description: 'authorization code already used; tokens issued from it are revoked' };
    }
    grant.used = true;
    if (this.#now() > grant.expiresAt) return { error: 'invalid_grant', description: 'authorization code expired' };
    if (redirectUri !== grant.redirectUri) return { error: 'invalid_grant', description: 'redirect_uri does not match the authorization request' };
    if (grant.challenge === undefined && verifier !== undefined) {
      return { error: 'invalid_grant', description: 'code_verifier sent but the authorization request had no code_challenge' };
    }
    if (grant.challenge !== undefined) {
      if (verifier === undefined) return { error: 'invalid_grant', description: 'code_verifier missing' };
      if (!VERIFIER_SHAPE.test(verifier)) return { error: 'invalid_grant', description: 'code_verifier is not 43-128 unreserved characters' };
      if (s256Challenge(verifier) !== grant.challenge) return { error: 'invalid_grant', description: 'code_verifier does not match code_challenge' };
    }
    return this.#issue(grant.scope, code, true);
  }

  /** `rotate`: a new refresh token replaces the old; `same`: the old one is answered again; `omit`: none is answered. */
  refresh(refreshToken: string, answer: 'rotate' | 'same' | 'omit'): Issued | Refusal {
    const held = this.#refresh.get(refreshToken);
    if (held === undefined) return { error: 'invalid_grant', description: 'unknown refresh token' };
    if (!held.valid) return { error: 'invalid_grant', description: 'refresh token revoked or already rotated' };
    if (answer !== 'rotate') {
      const { accessToken } = this.#issue(held.scope, held.fromCode, false);
      return { accessToken, refreshToken: answer === 'same' ? refreshToken : undefined, scope: held.scope };
    }
    held.valid = false;
    return this.#issue(held.scope, held.fromCode, true);
  }

  clientCredentials(scope: string | undefined): Issued {
    return this.#issue(scope, undefined, false);
  }

  /** Why an access token is refused, or undefined when it is good. */
  checkAccessToken(token: string): string | undefined {
    const held = this.#access.get(token);
    if (held === undefined) return 'unknown access token';
    if (held.revoked) return 'access token revoked';
    if (held.expiresAt !== null && this.#now() >= held.expiresAt) return 'access token expired';
    return undefined;
  }

  expireAccessTokens(): void {
    const now = this.#now();
    for (const token of this.#access.values()) token.expiresAt = Math.min(token.expiresAt ?? now, now);
  }

  revokeRefreshTokens(): void {
    for (const token of this.#refresh.values()) token.valid = false;
  }

  validAccessTokens(): string[] {
    return [...this.#access.keys()].filter((t) => this.checkAccessToken(t) === undefined);
  }

  validRefreshTokens(): string[] {
    return [...this.#refresh].filter(([, t]) => t.valid).map(([token]) => token);
  }

  #issue(scope: string | undefined, fromCode: string | undefined, withRefresh: boolean): Issued {
    const accessToken = secret(FAKE_ACCESS_TOKEN_PREFIX);
    const ttl = this.#accessTtlSeconds;
    this.#access.set(accessToken, { expiresAt: ttl === null ? null : this.#now() + ttl * 1000, revoked: false });
    const descendants = fromCode === undefined ? undefined : this.#codes.get(fromCode)?.issued;
    descendants?.push(accessToken);
    if (!withRefresh) return { accessToken, scope };
    const refreshToken = secret(FAKE_REFRESH_TOKEN_PREFIX);
    this.#refresh.set(refreshToken, { scope, fromCode, valid: true });
    descendants?.push(refreshToken);
    return { accessToken, refreshToken, scope };
  }

  #revoke(token: string): void {
    const access = this.#access.get(token);
    if (access !== undefined) access.revoked = true;
    const refresh = this.#refresh.get(token);
    if (refresh !== undefined) refresh.valid = false;
  }
}

export const isRefusal = (value: Issued | Refusal): value is Refusal => 'error' in value;
