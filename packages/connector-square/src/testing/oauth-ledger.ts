import type { SquareIds } from './square-ids.js';
import { DAY_MS, isoSeconds, MINUTE_MS } from './time.js';

/** Authorization codes expire after 5 minutes and work once (Square's OAuth docs). */
export const SQUARE_CODE_TTL_MS = 5 * MINUTE_MS;
/** OAuth access tokens expire in 30 days. */
export const DEFAULT_SQUARE_ACCESS_TOKEN_TTL_MS = 30 * DAY_MS;
/** `short_lived: true` access tokens expire in 24 hours. */
export const SQUARE_SHORT_LIVED_TOKEN_TTL_MS = DAY_MS;
/** PKCE refresh tokens are single-use and expire in 90 days; code-flow ones never expire. */
export const SQUARE_PKCE_REFRESH_TOKEN_TTL_MS = 90 * DAY_MS;

/** The code flow (client secret) or the PKCE flow (code verifier): refresh semantics differ. */
export type SquareOAuthFlow = 'code' | 'pkce';

/** ObtainToken's answer, as in the spec's example (`refresh_token_expires_at` only for PKCE). */
export interface SquareTokenResponse {
  readonly access_token: string;
  readonly token_type: 'bearer';
  readonly expires_at: string;
  readonly merchant_id: string;
  readonly refresh_token?: string;
  readonly short_lived: boolean;
  readonly refresh_token_expires_at?: string;
}

/** One access token the fake issued, for assertions. */
export interface SquareIssuedToken {
  readonly accessToken: string;
  /** The refresh token answered with it; null for a short-lived token. */
  readonly refreshToken: string | null;
  readonly flow: SquareOAuthFlow;
  /** How it was obtained: ObtainToken's grant type, or `direct` for {@link FakeSquare.issueTokens}. */
  readonly grantType: 'authorization_code' | 'refresh_token' | 'direct';
  readonly scopes: readonly string[];
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly revoked: boolean;
}

interface Code {
  readonly merchantId: string;
  readonly scopes: readonly string[];
  /** The redirect_uri the authorize request named, which the token request must repeat. */
  readonly redirectUri: string | undefined;
  readonly challenge: string | undefined;
  readonly issuedAt: number;
  used: boolean;
}
interface Grant {
  readonly merchantId: string;
  readonly flow: SquareOAuthFlow;
  readonly scopes: readonly string[];
  revoked: boolean;
}
interface AccessToken {
  readonly token: string;
  readonly grant: Grant;
  readonly scopes: readonly string[];
  readonly refreshToken: string | null;
  readonly grantType: SquareIssuedToken['grantType'];
  readonly issuedAt: number;
  readonly expiresAt: number;
  revoked: boolean;
}
interface RefreshToken {
  readonly grant: Grant;
  readonly expiresAt: number | undefined;
  used: boolean;
}

/** Why a token cannot be used. */
export type TokenProblem = 'unknown' | 'expired' | 'revoked' | 'used';

/** What an access token authorizes. */
export interface AccessGrant {
  readonly merchantId: string;
  readonly scopes: readonly string[];
}

/**
 * The fake's OAuth records: codes, grants (one per completed authorization), access tokens and
 * refresh tokens. It only stores and looks up; the protocol checks live in the endpoint handlers.
 * @example
 * const ledger = new OAuthLedger({ now: Date.now, ids, accessTokenTtlMs: DEFAULT_SQUARE_ACCESS_TOKEN_TTL_MS });
 * const tokens = ledger.issue(ledger.openGrant('MLQW2MYBY81PZ', 'code', ['ITEMS_READ']), { grantType: 'direct' });
 */
export class OAuthLedger {
  readonly #now: () => number;
  readonly #ids: SquareIds;
  #accessTokenTtlMs: number;
  readonly #codes = new Map<string, Code>();
  readonly #access = new Map<string, AccessToken>();
  readonly #refresh = new Map<string, RefreshToken>();

  constructor(options: { readonly now: () => number; readonly ids: SquareIds; readonly accessTokenTtlMs: number }) {
    this.#now = options.now;
    this.#ids = options.ids;
    this.#accessTokenTtlMs = options.accessTokenTtlMs;
  }

  /** Changes the lifetime of access tokens issued from now on. */
  setAccessTokenTtlMs(ms: number): void {
    if (!(ms > 0)) throw new RangeError(`fake square: access token lifetime must be > 0 ms, got ${ms}`);
    this.#accessTokenTtlMs = ms;
  }

  issueCode(code: Omit<Code, 'issuedAt' | 'used'>): string {
    const value = this.#ids.code();
    this.#codes.set(value, { ...code, issuedAt: this.#now(), used: false });
    return value;
  }

  /** The code's record, or why it cannot be exchanged. Does not use it up: see {@link OAuthLedger.useCode}. */
  code(value: string): Readonly<Code> | TokenProblem {
    const code = this.#codes.get(value);
    if (code === undefined) return 'unknown';
    if (code.used) return 'used';
    return this.#now() - code.issuedAt > SQUARE_CODE_TTL_MS ? 'expired' : code;
  }

  useCode(value: string): void {
    const code = this.#codes.get(value);
    if (code !== undefined) code.used = true;
  }

  openGrant(merchantId: string, flow: SquareOAuthFlow, scopes: readonly string[]): Grant {
    return { merchantId, flow, scopes, revoked: false };
  }

  /**
   * Issues an access token on a grant. A code-flow grant keeps one multi-use refresh token that
   * never expires (`reuseRefreshToken`); a PKCE grant gets a new single-use one each time, valid
   * 90 days. Short-lived tokens come without a refresh token.
   */
  issue(grant: Grant, options: { readonly grantType: SquareIssuedToken['grantType']; readonly scopes?: readonly string[]; readonly shortLived?: boolean; readonly reuseRefreshToken?: string }): SquareTokenResponse {
    const now = this.#now();
    const shortLived = options.shortLived ?? false;
    const expiresAt = now + (shortLived ? SQUARE_SHORT_LIVED_TOKEN_TTL_MS : this.#accessTokenTtlMs);
    let refreshToken: string | null = null;
    let refreshExpiresAt: number | undefined;
    if (!shortLived) {
      refreshToken = grant.flow === 'code' ? (options.reuseRefreshToken ?? this.#ids.refreshToken()) : this.#ids.refreshToken();
      refreshExpiresAt = grant.flow === 'pkce' ? now + SQUARE_PKCE_REFRESH_TOKEN_TTL_MS : undefined;
      if (!this.#refresh.has(refreshToken)) this.#refresh.set(refreshToken, { grant, expiresAt: refreshExpiresAt, used: false });
    }
    const token = this.#ids.accessToken();
    const scopes = options.scopes ?? grant.scopes;
    this.#access.set(token, { token, grant, scopes, refreshToken, grantType: options.grantType, issuedAt: now, expiresAt, revoked: false });
    return {
      access_token: token,
      token_type: 'bearer',
      expires_at: isoSeconds(expiresAt),
      merchant_id: grant.merchantId,
      ...(refreshToken === null ? {} : { refresh_token: refreshToken }),
      short_lived: shortLived,
      ...(refreshExpiresAt === undefined ? {} : { refresh_token_expires_at: isoSeconds(refreshExpiresAt) }),
    };
  }

  /** The grant behind a refresh token, or why it cannot be used. */
  refreshGrant(value: string): Grant | TokenProblem {
    const record = this.#refresh.get(value);
    if (record === undefined) return 'unknown';
    if (record.grant.revoked) return 'revoked';
    if (record.used) return 'used';
    if (record.expiresAt !== undefined && this.#now() > record.expiresAt) return 'expired';
    return record.grant;
  }

  /** Uses up a single-use (PKCE) refresh token. */
  useRefreshToken(value: string): void {
    const record = this.#refresh.get(value);
    if (record !== undefined && record.grant.flow === 'pkce') record.used = true;
  }

  /** What an access token authorizes, or why it does not: revoked before expired, as both would refuse. */
  access(value: string): AccessGrant | TokenProblem {
    const record = this.#access.get(value);
    if (record === undefined) return 'unknown';
    if (record.revoked || record.grant.revoked) return 'revoked';
    if (this.#now() >= record.expiresAt) return 'expired';
    return { merchantId: record.grant.merchantId, scopes: record.scopes };
  }

  /** The merchant an access token was issued for, revoked or expired ones included. */
  merchantOfToken(value: string): string | undefined {
    return this.#access.get(value)?.grant.merchantId;
  }

  /** Ends every authorization of a merchant: its access and refresh tokens stop working. Returns the access tokens newly revoked. */
  revokeAuthorization(merchantId: string): number {
    for (const { grant } of [...this.#refresh.values(), ...this.#access.values()]) if (grant.merchantId === merchantId) grant.revoked = true;
    return this.revokeAccessTokens(merchantId);
  }

  /** Revokes access tokens only (one, or all of the merchant's); refresh tokens keep working. */
  revokeAccessTokens(merchantId: string, only?: string): number {
    let count = 0;
    for (const record of this.#access.values()) {
      if (record.grant.merchantId !== merchantId || record.revoked || (only !== undefined && record.token !== only)) continue;
      record.revoked = true;
      count += 1;
    }
    return count;
  }

  /** Whether the merchant ever authorized the application. */
  knowsMerchant(merchantId: string): boolean {
    for (const record of this.#access.values()) if (record.grant.merchantId === merchantId) return true;
    return false;
  }

  /** Every access token issued for a merchant, oldest first. */
  tokensOf(merchantId: string): SquareIssuedToken[] {
    return [...this.#access.values()]
      .filter((record) => record.grant.merchantId === merchantId)
      .map((record) => ({
        accessToken: record.token,
        refreshToken: record.refreshToken,
        flow: record.grant.flow,
        grantType: record.grantType,
        scopes: [...record.scopes],
        issuedAt: new Date(record.issuedAt).toISOString(),
        expiresAt: new Date(record.expiresAt).toISOString(),
        revoked: record.revoked || record.grant.revoked,
      }));
  }
}
