/**
 * The revocation request of one connection, filled from a connector's `auth.revoke`: pure, so
 * what goes on the wire is tested without a vendor. revoke.ts sends it.
 */
import type { HttpRequest } from '../http/index.js';
import { fillUrlTemplate } from './settings.js';
import { basicClientAuthorization } from './token-endpoint.js';
import type { StoredTokens } from './token-storage.js';
import type { OAuthClientSettings, RevokeRequestSettings } from './types.js';

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const JSON_CONTENT_TYPE = 'application/json';
const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** What a revocation request is filled from. */
export interface RevokeValues {
  /** The connection's non-secret settings: they fill the URL's placeholders. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly tokens: StoredTokens;
  /** The connection's vendor account id, for `{account_id}`. */
  readonly accountId: string | null;
}

/** A filled request, with the secret values it carries (to scrub from anything the vendor echoes). */
export interface FilledRevokeRequest {
  readonly request: Omit<HttpRequest, 'signal'>;
  readonly secrets: readonly string[];
}

const hasHeader = (headers: Readonly<Record<string, string>>, name: string): boolean =>
  Object.keys(headers).some((key) => key.toLowerCase() === name);

/**
 * The request as the vendor is to receive it, or why it cannot be made (a URL placeholder the
 * config cannot fill safely, or a placeholder of a value the connection does not have). Without a
 * declared `body` it is RFC 7009's: `token` = the refresh token (revoking it ends the grant's
 * access tokens too), else the access token, with `token_type_hint`, and the client authenticated
 * as at the token endpoint (`client_auth`). A declared body is sent as written; `{}` sends none.
 * @example
 * fillRevokeRequest(settings, settings.revoke!, { config: {}, tokens, accountId: null });
 * // { request: { method: 'POST', url, headers: { Authorization: 'Client s', 'content-type': 'application/json' }, body: '{"client_id":"c",…}' }, secrets }
 */
export function fillRevokeRequest(
  settings: OAuthClientSettings,
  revoke: RevokeRequestSettings,
  values: RevokeValues,
): FilledRevokeRequest | { readonly problem: string } {
  const url = fillUrlTemplate(revoke.url, values.config);
  if (!('url' in url)) {
    const parts = [url.missing.length > 0 ? `missing ${url.missing.join(', ')}` : '', url.unsafe.length > 0 ? `unsafe ${url.unsafe.join(', ')}` : ''];
    return { problem: `the revoke url cannot be filled from the connection's config (${parts.filter((p) => p !== '').join('; ')})` };
  }
  const secret = settings.clientSecret !== undefined && settings.clientSecret !== '' ? settings.clientSecret : undefined;
  const filling: Readonly<Record<string, string | undefined>> = {
    access_token: values.tokens.accessToken,
    refresh_token: values.tokens.refreshToken,
    client_id: settings.clientId,
    client_secret: secret,
    account_id: values.accountId ?? undefined,
  };
  const lacking = new Set<string>();
  const fill = (template: string): string =>
    template.replace(PLACEHOLDER, (all, name: string) => {
      if (!Object.hasOwn(filling, name)) return all;
      const value = filling[name];
      if (value === undefined) lacking.add(name);
      return value ?? '';
    });
  const headers: Record<string, string> = Object.fromEntries(Object.entries(revoke.headers).map(([name, value]) => [name, fill(value)]));
  let body: Record<string, string>;
  if (revoke.body === undefined) {
    body = rfc7009Body(values.tokens);
    if (secret !== undefined && settings.clientAuth === 'basic') {
      if (!hasHeader(headers, 'authorization')) headers.Authorization = basicClientAuthorization(settings.clientId, secret);
    } else {
      body.client_id = settings.clientId;
      if (secret !== undefined) body.client_secret = secret;
    }
  } else {
    body = Object.fromEntries(Object.entries(revoke.body).map(([name, value]) => [name, fill(value)]));
  }
  if (lacking.size > 0) return { problem: `the revoke request needs ${[...lacking].map((n) => `{${n}}`).join(', ')}, which the connection does not have` };
  const hasBody = Object.keys(body).length > 0;
  if (hasBody && !hasHeader(headers, 'content-type')) headers['content-type'] = revoke.format === 'json' ? JSON_CONTENT_TYPE : FORM_CONTENT_TYPE;
  const encoded = !hasBody ? undefined : revoke.format === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString();
  const secrets = [values.tokens.accessToken, values.tokens.refreshToken, secret].filter((s): s is string => s !== undefined && s !== '');
  return { request: { method: revoke.method, url: url.url, headers, ...(encoded === undefined ? {} : { body: encoded }) }, secrets };
}

/** RFC 7009 section 2.1: the token, and a hint of its kind. */
function rfc7009Body(tokens: StoredTokens): Record<string, string> {
  return tokens.refreshToken !== undefined && tokens.refreshToken !== ''
    ? { token: tokens.refreshToken, token_type_hint: 'refresh_token' }
    : { token: tokens.accessToken, token_type_hint: 'access_token' };
}
