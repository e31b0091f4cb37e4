import type { ShopifyIds } from './ids.js';
import { MINUTE_MS, SECOND_MS } from './time.js';

/** Shopify documents no lifetime for authorization codes; the fake gives them 10 minutes, single use. */
export const SHOPIFY_CODE_TTL_MS = 10 * MINUTE_MS;
/** Expiring offline access tokens live 60 minutes (`expires_in: 3600`). */
export const DEFAULT_SHOPIFY_ACCESS_TOKEN_TTL_SECONDS = 3600;
/** `refresh_token_expires_in`: the value of Shopify's SDK fixture (30 days); the real one is undocumented. */
export const DEFAULT_SHOPIFY_REFRESH_TOKEN_TTL_SECONDS = 2_592_000;
/** Online (per-user) tokens live about a day. */
export const SHOPIFY_ONLINE_TOKEN_TTL_SECONDS = 86_399;

/**
 * What happens to a refresh token once used. Shopify replaces the refresh token on every use; its
 * 2026-08-28 changelog adds that a refresh "retains the previously used refresh token until an app
 * begins using its replacement". `until-replacement-used` (the default) reads that literally: the
 * used token keeps working (a client that lost the answer may retry with it, getting a new pair
 * and voiding the unused one it never saw) until the first successful refresh with its
 * replacement; from then on it answers `invalid_grant`. Using the new access token does not count
 * as using the replacement. `none` is the behaviour before that change: a used refresh token is
 * dead at once.
 */
export type ShopifyRefreshTokenRetention = 'until-replacement-used' | 'none';

/** The kinds of access token: non-expiring offline (older installs), expiring offline, online (per user). */
export type ShopifyTokenKind = 'offline' | 'expiring' | 'online';
export type ShopifyGrantKind = 'authorization_code' | 'refresh_token' | 'token_exchange' | 'direct';

/** The token endpoint's answer. */
export interface ShopifyTokenResponse {
  readonly access_token: string;
  readonly scope: string;
  readonly expires_in?: number;
  readonly refresh_token?: string;
  readonly refresh_token_expires_in?: number;
  readonly associated_user_scope?: string;
  readonly associated_user?: Readonly<Record<string, unknown>>;
}

/** One access token the fake issued, for assertions. */
export interface ShopifyIssuedToken {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly kind: ShopifyTokenKind;
  readonly grantType: ShopifyGrantKind;
  readonly scopes: readonly string[];
  readonly issuedAt: string;
  /** Null for a non-expiring offline token. */
  readonly expiresAt: string | null;
  readonly revoked: boolean;
}

/** A refresh token's state: `current` (unused), `retained` (used; its replacement unused yet), `retired` (used up), `revoked`. */
export type ShopifyRefreshState = 'current' | 'retained' | 'retired' | 'revoked';

interface Code {
  readonly shop: string;
  readonly scopes: readonly string[];
  readonly online: boolean;
  readonly issuedAt: number;
  used: boolean;
}
interface Access {
  readonly token: string;
  readonly shop: string;
  readonly scopes: readonly string[];
  readonly kind: ShopifyTokenKind;
  readonly grantType: ShopifyGrantKind;
  readonly refreshToken: string | null;
  readonly issuedAt: number;
  expiresAt: number | null;
  revoked: boolean;
}
interface Refresh {
  readonly token: string;
  readonly shop: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  state: ShopifyRefreshState;
  predecessor: Refresh | undefined;
  successor: Refresh | undefined;
}

/** Why a code or token cannot be used. */
export type ShopifyTokenProblem = 'unknown' | 'used' | 'expired' | 'revoked' | 'not_offline';

export interface ShopifyLedgerOptions {
  readonly now: () => number;
  readonly ids: ShopifyIds;
  readonly accessTokenTtlSeconds?: number;
  readonly refreshTokenTtlSeconds?: number;
  readonly refreshTokenRetention?: ShopifyRefreshTokenRetention;
}

/**
 * The fake's OAuth records for every shop: codes, access tokens and refresh-token chains. It
 * stores, rotates and looks up; request checks live in the endpoint handlers.
 * @example
 * const ledger = new OAuthLedger({ now: Date.now, ids });
 * const first = ledger.issue('acme.myshopify.com', ['read_products'], 'expiring', 'direct');
 * ledger.refresh(first.refresh_token!); // a new pair; the old refresh token is retained
 */
export class OAuthLedger {
  readonly #now: () => number;
  readonly #ids: ShopifyIds;
  #accessTtlSeconds: number;
  readonly #refreshTtlSeconds: number;
  readonly #retention: ShopifyRefreshTokenRetention;
  readonly #codes = new Map<string, Code>();
  readonly #access = new Map<string, Access>();
  readonly #refresh = new Map<string, Refresh>();

  constructor(options: ShopifyLedgerOptions) {
    this.#now = options.now;
    this.#ids = options.ids;
    this.#accessTtlSeconds = options.accessTokenTtlSeconds ?? DEFAULT_SHOPIFY_ACCESS_TOKEN_TTL_SECONDS;
    this.#refreshTtlSeconds = options.refreshTokenTtlSeconds ?? DEFAULT_SHOPIFY_REFRESH_TOKEN_TTL_SECONDS;
    this.#retention = options.refreshTokenRetention ?? 'until-replacement-used';
  }

  /** Lifetime of expiring access tokens issued from now on. */
  setAccessTokenTtlSeconds(seconds: number): void {
    if (!(seconds > 0)) throw new RangeError(`fake shopify: access token lifetime must be > 0 s, got ${seconds}`);
    this.#accessTtlSeconds = seconds;
  }

  issueCode(shop: string, scopes: readonly string[], online: boolean): string {
    const code = this.#ids.code();
    this.#codes.set(code, { shop, scopes, online, issuedAt: this.#now(), used: false });
    return code;
  }

  /** Uses up a code for `shop`; its grant, or why not. A code of another shop counts as unknown. */
  useCode(value: string, shop: string): { readonly scopes: readonly string[]; readonly online: boolean } | ShopifyTokenProblem {
    const code = this.#codes.get(value);
    if (code === undefined || code.shop !== shop) return 'unknown';
    if (code.used) return 'used';
    if (this.#now() - code.issuedAt > SHOPIFY_CODE_TTL_MS) return 'expired';
    code.used = true;
    return code;
  }

  issue(shop: string, scopes: readonly string[], kind: ShopifyTokenKind, grantType: ShopifyGrantKind): ShopifyTokenResponse {
    const now = this.#now();
    const token = this.#ids.accessToken(kind === 'online');
    const ttlSeconds = kind === 'online' ? SHOPIFY_ONLINE_TOKEN_TTL_SECONDS : this.#accessTtlSeconds;
    let refresh: Refresh | undefined;
    if (kind === 'expiring') {
      refresh = { token: this.#ids.refreshToken(), shop, scopes, expiresAt: now + this.#refreshTtlSeconds * SECOND_MS, state: 'current', predecessor: undefined, successor: undefined };
      this.#refresh.set(refresh.token, refresh);
    }
    const expiresAt = kind === 'offline' ? null : now + ttlSeconds * SECOND_MS;
    this.#access.set(token, { token, shop, scopes, kind, grantType, refreshToken: refresh?.token ?? null, issuedAt: now, expiresAt, revoked: false });
    const scope = scopes.join(',');
    if (kind === 'offline') return { access_token: token, scope };
    if (kind === 'online') return { access_token: token, scope, expires_in: ttlSeconds, associated_user_scope: scope, associated_user: onlineUser() };
    return { access_token: token, scope, expires_in: ttlSeconds, refresh_token: refresh!.token, refresh_token_expires_in: this.#refreshTtlSeconds };
  }

  /** Rotates a refresh token (see {@link ShopifyRefreshTokenRetention}); the new pair, or why not. */
  refresh(value: string, shop: string): ShopifyTokenResponse | ShopifyTokenProblem {
    const record = this.#refresh.get(value);
    if (record === undefined || record.shop !== shop) return 'unknown';
    if (record.state === 'revoked') return 'revoked';
    if (record.state === 'retired') return 'used';
    if (this.#now() >= record.expiresAt) return 'expired';
    if (record.state === 'current') {
      // The app uses the replacement: the token it replaced is dropped now.
      if (record.predecessor?.state === 'retained') record.predecessor.state = 'retired';
      record.state = this.#retention === 'none' ? 'retired' : 'retained';
    } else if (record.successor?.state === 'current') {
      // A retry with the retained token: the replacement it evidently never got is voided.
      record.successor.state = 'revoked';
    }
    const answer = this.issue(shop, record.scopes, 'expiring', 'refresh_token');
    const next = this.#refresh.get(answer.refresh_token!)!;
    next.predecessor = record;
    record.successor = next;
    return answer;
  }

  /** Token exchange of a non-expiring offline token for an expiring pair; the old token dies. */
  migrate(subjectToken: string, shop: string): ShopifyTokenResponse | ShopifyTokenProblem {
    const record = this.#access.get(subjectToken);
    if (record === undefined || record.shop !== shop) return 'unknown';
    if (record.revoked) return 'revoked';
    if (record.kind !== 'offline') return 'not_offline';
    record.revoked = true;
    return this.issue(shop, record.scopes, 'expiring', 'token_exchange');
  }

  /** What an access token authorizes, or why it does not. */
  access(value: string): { readonly shop: string; readonly scopes: readonly string[] } | ShopifyTokenProblem {
    const record = this.#access.get(value);
    if (record === undefined) return 'unknown';
    if (record.revoked) return 'revoked';
    if (record.expiresAt !== null && this.#now() >= record.expiresAt) return 'expired';
    return { shop: record.shop, scopes: record.scopes };
  }

  /** Expires the shop's live expiring and online access tokens now (not their refresh tokens); returns how many. */
  expireAccessTokens(shop: string): number {
    const now = this.#now();
    let count = 0;
    for (const record of this.#access.values()) {
      if (record.shop !== shop || record.revoked || record.expiresAt === null || record.expiresAt <= now) continue;
      record.expiresAt = now;
      count += 1;
    }
    return count;
  }

  /** The app is uninstalled from the shop: every token and unused code of it stops working. */
  revokeShop(shop: string): void {
    for (const record of this.#access.values()) if (record.shop === shop) record.revoked = true;
    for (const record of this.#refresh.values()) if (record.shop === shop) record.state = 'revoked';
    for (const code of this.#codes.values()) if (code.shop === shop) code.used = true;
  }

  tokensOf(shop: string): ShopifyIssuedToken[] {
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    return [...this.#access.values()]
      .filter((record) => record.shop === shop)
      .map((record) => ({
        accessToken: record.token,
        refreshToken: record.refreshToken,
        kind: record.kind,
        grantType: record.grantType,
        scopes: [...record.scopes],
        issuedAt: iso(record.issuedAt)!,
        expiresAt: iso(record.expiresAt),
        revoked: record.revoked,
      }));
  }

  /** The state of a refresh token the fake issued; undefined for an unknown one. */
  refreshState(value: string): ShopifyRefreshState | undefined {
    return this.#refresh.get(value)?.state;
  }
}

function onlineUser(): Record<string, unknown> {
  return { id: 902541635, first_name: 'John', last_name: 'Smith', email: 'john@example.com', email_verified: true, account_owner: true, locale: 'en', collaborator: false };
}
