import type { OAuth2Options } from '../auth/index.js';
import { compileAccountIdSource } from './account-id.js';
import { compileConnectionParams } from './connection-params.js';
import type { OAuthClientSettings, RevokeRequestSettings, TokenMigration } from './types.js';

export const DEFAULT_REFRESH_MARGIN_SECONDS = 300;
/** Where RFC 6749 puts a token-endpoint refusal's code. */
export const DEFAULT_ERROR_CODE_PATHS: readonly string[] = ['$.error'];
/** The RFC 6749 error that means a refresh token or code is no longer valid. */
export const DEFAULT_REAUTH_ERRORS: readonly string[] = ['invalid_grant'];

/**
 * Resolves a connector's `oauth2` auth options (as validated by the strategy's schema) into client
 * settings, compiling `account_id` and the `params` patterns once.
 */
export function oauthClientSettings(connector: string, options: OAuth2Options): OAuthClientSettings {
  const separator = options.scope_separator ?? ' ';
  const scopes =
    options.scopes === undefined
      ? []
      : typeof options.scopes === 'string'
        ? options.scopes.split(separator === ' ' ? /\s+/ : separator).map((s) => s.trim()).filter((s) => s.length > 0)
        : [...options.scopes];
  return {
    connector,
    grant: options.grant ?? 'authorization_code',
    authorizeUrl: options.authorize_url,
    tokenUrl: options.token_url,
    clientId: options.client_id,
    clientSecret: options.client_secret,
    scopes,
    scopeSeparator: separator,
    pkce: options.pkce ?? false,
    clientAuth: options.client_auth ?? 'body',
    tokenRequestFormat: options.token_request_format ?? 'form',
    refreshMarginSeconds: options.refresh_margin_seconds ?? DEFAULT_REFRESH_MARGIN_SECONDS,
    extraAuthorizeParams: { ...(options.extra_authorize_params ?? {}) },
    params: compileConnectionParams(options.params),
    tokenParams: { ...(options.token_params ?? {}) },
    migrate: migrationOf(options),
    reauthErrors: options.reauth_errors ?? DEFAULT_REAUTH_ERRORS,
    errorCodePaths: options.error_codes ?? DEFAULT_ERROR_CODE_PATHS,
    accountId: options.account_id === undefined ? undefined : compileAccountIdSource(connector, options.account_id),
    revoke: revokeSettings(options),
  };
}

function migrationOf(options: OAuth2Options): TokenMigration | undefined {
  const migrate = options.migrate;
  return migrate === undefined ? undefined : { grantType: migrate.grant_type, params: { ...(migrate.params ?? {}) } };
}

/** `revoke`, with its defaults: POST, and the body format of the connector's token requests. */
function revokeSettings(options: OAuth2Options): RevokeRequestSettings | undefined {
  const revoke = options.revoke;
  if (revoke === undefined) return undefined;
  return {
    url: revoke.url,
    method: revoke.method ?? 'POST',
    format: revoke.format ?? options.token_request_format ?? 'form',
    headers: { ...(revoke.headers ?? {}) },
    body: revoke.body === undefined ? undefined : { ...revoke.body },
  };
}

/** What a placeholder value may hold: a host, a port, an id; never a path, query, user-info or fragment. */
const SAFE_PLACEHOLDER_VALUE = /^[A-Za-z0-9._~:-]+$/;

/**
 * Fills `{name}` placeholders of an OAuth URL from a connection's config (Shopify's
 * `https://{shop}/admin/oauth/authorize`). A value that could change the URL's shape (a `/`, `@`,
 * `?` or `#`) is refused, so a tenant-supplied shop cannot send tokens elsewhere. Resolves the
 * missing and refused names instead of a URL when any is absent or unsafe.
 */
export function fillUrlTemplate(
  template: string,
  values: Readonly<Record<string, unknown>>,
): { url: string } | { missing: string[]; unsafe: string[] } {
  const missing: string[] = [];
  const unsafe: string[] = [];
  const url = template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_all, name: string) => {
    const value = values[name];
    if (value === undefined || value === null || value === '') {
      missing.push(name);
      return '';
    }
    const text = String(value);
    if (!SAFE_PLACEHOLDER_VALUE.test(text)) {
      unsafe.push(name);
      return '';
    }
    return text;
  });
  return missing.length > 0 || unsafe.length > 0 ? { missing, unsafe } : { url };
}

/** The placeholder names of a URL template, for the consent flow to know which query parameters to keep. */
export function urlTemplateNames(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
}
