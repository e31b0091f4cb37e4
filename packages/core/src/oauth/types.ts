// The narrow interfaces between the parts of the OAuth flow: the consent flow and the token
// refresher both talk to a vendor's token endpoint through TokenEndpoint, and both store what it
// returns with token-storage.ts.

import type { AccountIdSource } from './account-id.js';
import type { ConnectionParams } from './connection-params.js';

/**
 * A connector's `auth.migrate`: the one-time exchange of a non-expiring access token (no expiry,
 * no refresh token) for an expiring one with a refresh token, e.g. Shopify's token exchange.
 */
export interface TokenMigration {
  readonly grantType: string;
  /** Body fields; `{access_token}` is replaced by the stored access token. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * A connector's `auth.revoke`, resolved: the vendor's token revocation request (revoke-request.ts
 * fills it for one connection).
 */
export interface RevokeRequestSettings {
  /** URL template; `{name}` placeholders are filled from the connection's config, like the token URL. */
  readonly url: string;
  readonly method: 'POST' | 'DELETE';
  readonly format: 'json' | 'form';
  /** Values may hold `{access_token}`, `{refresh_token}`, `{client_id}`, `{client_secret}`, `{account_id}`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The same placeholders; undefined sends RFC 7009's request, an empty map sends no body. */
  readonly body: Readonly<Record<string, string>> | undefined;
}

/** A connector's OAuth client, resolved from its `auth: { type: oauth2 }` block (see settings.ts). */
export interface OAuthClientSettings {
  /** The connector's key in connectors.yaml. */
  readonly connector: string;
  readonly grant: 'authorization_code' | 'client_credentials';
  /** Consent page URL template; `{name}` placeholders are filled from the connection's config. */
  readonly authorizeUrl?: string | undefined;
  /** Token endpoint URL template, filled the same way. */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret?: string | undefined;
  readonly scopes: readonly string[];
  /** Joins scopes in the authorize URL and the client-credentials request. */
  readonly scopeSeparator: string;
  readonly pkce: boolean;
  /** `body`: client_id and client_secret in the request body; `basic`: an Authorization: Basic header. */
  readonly clientAuth: 'body' | 'basic';
  readonly tokenRequestFormat: 'json' | 'form';
  /** Refresh this long before the access token expires. */
  readonly refreshMarginSeconds: number;
  readonly extraAuthorizeParams: Readonly<Record<string, string>>;
  /**
   * The declared connection parameters (`params`), compiled: the only start-query values kept as
   * connection config, each checked before anything goes out. Undefined accepts any setting (the
   * URL templates' own character check still applies).
   */
  readonly params?: ConnectionParams | undefined;
  /** Extra body fields of the code exchange (`token_params`); the standard fields win. */
  readonly tokenParams?: Readonly<Record<string, string>> | undefined;
  /** How to migrate a non-expiring token once (`migrate`); undefined never migrates. */
  readonly migrate?: TokenMigration | undefined;
  /** Token-endpoint `error` codes that mean the grant is gone and the user must reconnect (default `invalid_grant`). */
  readonly reauthErrors: readonly string[];
  /** Paths into a refusal's JSON where its error code may be, tried in order (default `$.error`). */
  readonly errorCodePaths: readonly string[];
  /** Where the consent flow reads the connected account's vendor id (`account_id`); undefined records none. */
  readonly accountId?: AccountIdSource | undefined;
  /** How to revoke a connection's tokens when it is deleted (`revoke`); undefined revokes nothing. */
  readonly revoke?: RevokeRequestSettings | undefined;
}

/** What a token endpoint answered, parsed. */
export interface TokenSet {
  readonly accessToken: string;
  /** Present when the vendor issued (or rotated) one; absent means "keep the one you have". */
  readonly refreshToken?: string | undefined;
  /** From `expires_in`; null when the vendor did not say (the token is used until a 401). */
  readonly expiresAt: Date | null;
  readonly scope?: string | undefined;
  readonly tokenType?: string | undefined;
  /**
   * Non-secret fields of the response other than the above (e.g. Square's `merchant_id`), for
   * plugins that read the connected account's id from them. Token-like fields are never here.
   */
  readonly extra: Readonly<Record<string, unknown>>;
}

/**
 * One connection's token endpoint: the URL is already filled from the connection's config.
 * Calls go through the HTTP runtime (timeouts, request log with redaction).
 */
export interface TokenEndpoint {
  /** `grant_type=authorization_code`. @throws CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED, CONNECTD_ERR_OAUTH_INVALID_GRANT */
  exchangeCode(input: { readonly code: string; readonly redirectUri: string; readonly codeVerifier?: string | undefined }): Promise<TokenSet>;
  /** `grant_type=refresh_token`. @throws CONNECTD_ERR_OAUTH_INVALID_GRANT when the vendor says the grant is gone */
  refresh(refreshToken: string): Promise<TokenSet>;
  /** `grant_type=client_credentials`. */
  clientCredentials(): Promise<TokenSet>;
  /**
   * The settings' `migrate` exchange of a non-expiring access token (its grant type and params,
   * `{access_token}` filled). @throws CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED, CONNECTD_ERR_OAUTH_INVALID_GRANT when the vendor refuses
   */
  migrate(accessToken: string): Promise<TokenSet>;
}
