import {
  INTERNAL,
  OAUTH_INVALID_GRANT,
  OAUTH_TOKEN_REQUEST_FAILED,
  OAUTH_TOKEN_RESPONSE_INVALID,
  OAUTH_TOKEN_URL_INVALID,
  type ConnectdError,
} from '../errors/index.js';
import { compileScalarPath } from '../connector/index.js';
import type { ConnectionClient, HttpResponse } from '../http/index.js';
import { isSecretFieldName } from '../log/index.js';
import { fillUrlTemplate } from './settings.js';
import type { OAuthClientSettings, TokenEndpoint, TokenMigration, TokenSet } from './types.js';

/** A vendor's `error_description` is cut to this many characters before it goes into an error. */
const MAX_ERROR_DESCRIPTION_CHARS = 200;
/** A vendor's `error` code is cut to this many characters (it is meant to be a short ASCII word). */
const MAX_ERROR_CODE_CHARS = 64;
/** Fields read into TokenSet's own properties. */
const KNOWN_FIELDS = new Set(['access_token', 'refresh_token', 'expires_in', 'scope', 'token_type']);
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** What a request is, in errors: a `migrate` exchange is named `token_migration`, whatever its grant_type. */
type Grant = 'authorization_code' | 'refresh_token' | 'client_credentials' | 'token_migration';
/** The placeholder of `migrate.params`. */
const ACCESS_TOKEN_PLACEHOLDER = /\{access_token\}/g;

/** RFC 6749 Appendix B: Basic credentials are form-urlencoded before base64. */
const formEncode = (text: string): string => new URLSearchParams([['', text]]).toString().slice(1);

/**
 * The `Authorization` value of a client authenticating with HTTP Basic (RFC 6749 section 2.3.1),
 * at the token endpoint and the revocation endpoint alike.
 * @example
 * basicClientAuthorization('id', 's3cr:t'); // 'Basic aWQ6czNjciUzQXQ='
 */
export function basicClientAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJsonObject(response: HttpResponse): Record<string, unknown> | undefined {
  // Parsed here, not with response.json(): its error would quote the body, which holds tokens.
  try {
    const value: unknown = JSON.parse(response.text());
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `expires_in` as seconds when it is a positive number or numeric string. */
function expiresInSeconds(value: unknown): number | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** An ISO 8601 `expires_at` (answered by some vendors instead of `expires_in`), in epoch ms. */
function expiresAtMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const nonEmptyString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A successful answer read into a token set; `nowMs` turns `expires_in` into an expiry. */
function toTokenSet(json: Record<string, unknown>, accessToken: string, nowMs: number, scopeSeparator: string): TokenSet {
  const seconds = expiresInSeconds(json.expires_in);
  const expiresAt = seconds !== undefined ? nowMs + seconds * 1000 : expiresAtMs(json.expires_at);
  const scope = Array.isArray(json.scope) ? json.scope.filter((s): s is string => typeof s === 'string').join(scopeSeparator) : nonEmptyString(json.scope);
  const extra = Object.fromEntries(Object.entries(json).filter(([name]) => !KNOWN_FIELDS.has(name) && !isSecretFieldName(name)));
  return {
    accessToken,
    refreshToken: nonEmptyString(json.refresh_token),
    expiresAt: expiresAt === undefined ? null : new Date(expiresAt),
    scope,
    tokenType: nonEmptyString(json.token_type),
    extra,
  };
}

/** The body of a `migrate` exchange: its params with `{access_token}` filled, then its grant_type. */
function migrationBody(migration: TokenMigration, accessToken: string): Record<string, string> {
  // A function replacement: `$&`-style patterns in a token must not be read as such.
  const params = Object.entries(migration.params).map(([name, value]) => [name, value.replace(ACCESS_TOKEN_PLACEHOLDER, () => accessToken)]);
  return { ...Object.fromEntries(params), grant_type: migration.grantType };
}

/**
 * Makes one connection's token endpoint (RFC 6749 §4.1.3, §6, §4.4): fills `settings.tokenUrl` from
 * the connection's config and sends each grant as one POST through `client` (the connection's HTTP
 * runtime, without auth), which logs the attempt with the URL redacted and does not retry it: codes
 * are single-use and a rotating refresh token must not be replayed blindly.
 *
 * A token URL that the config cannot fill safely makes every call reject with
 * CONNECTD_ERR_OAUTH_TOKEN_URL_INVALID (so building the endpoint never throws). A refusal whose
 * `error` is one of `settings.reauthErrors` rejects with CONNECTD_ERR_OAUTH_INVALID_GRANT; other
 * refusals with CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED; a success without a usable access token
 * with CONNECTD_ERR_OAUTH_TOKEN_RESPONSE_INVALID. Errors of the client pass through unchanged.
 * No error carries a token, code, verifier, client secret or response body. `expiresAt` comes from
 * `expires_in` (seconds, number or numeric string), else from an ISO 8601 `expires_at`, else null.
 * The code exchange also carries `settings.tokenParams` (`token_params`; refreshes do not);
 * `migrate` sends `settings.migrate`'s exchange of a non-expiring access token.
 * @example
 * const endpoint = createTokenEndpoint(settings, oauthClient, { shop: 'acme.myshopify.com' });
 * const tokens = await endpoint.exchangeCode({ code, redirectUri, codeVerifier });
 * const renewed = await endpoint.refresh(tokens.refreshToken!);
 */
export function createTokenEndpoint(
  settings: OAuthClientSettings,
  client: ConnectionClient,
  connectionConfig: Readonly<Record<string, unknown>>,
  options: { readonly now?: (() => number) | undefined } = {},
): TokenEndpoint {
  const now = options.now ?? Date.now;
  const filled = fillUrlTemplate(settings.tokenUrl, connectionConfig);
  const { connector } = settings;
  // The schema admits only paths compileScalarPath reads; one that does not compile is skipped.
  const errorCodeAt = settings.errorCodePaths.flatMap((path) => compileScalarPath(path) ?? []);
  const errorCodeOf = (json: Record<string, unknown>): string | undefined => errorCodeAt.map((path) => path.read(json)).find((code) => code !== undefined);

  /** `sentSecret`: a secret value in `params` besides the code, verifier and refresh token (the migrated access token). */
  async function request(grant: Grant, params: Record<string, string>, sentSecret?: string): Promise<TokenSet> {
    if (!('url' in filled)) throw OAUTH_TOKEN_URL_INVALID({ connector, missing: filled.missing, unsafe: filled.unsafe });
    const headers: Record<string, string> = { accept: 'application/json' };
    const secret = settings.clientSecret !== undefined && settings.clientSecret !== '' ? settings.clientSecret : undefined;
    // A public client (PKCE, no secret) identifies itself with client_id alone, whatever clientAuth says.
    const body: Record<string, string> = { ...params };
    if (secret !== undefined && settings.clientAuth === 'basic') {
      headers.authorization = basicClientAuthorization(settings.clientId, secret);
    } else {
      body.client_id = settings.clientId;
      if (secret !== undefined) body.client_secret = secret;
    }
    headers['content-type'] = settings.tokenRequestFormat === 'json' ? 'application/json' : FORM_CONTENT_TYPE;
    const encoded = settings.tokenRequestFormat === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString();
    const response = await client.send({ method: 'POST', url: filled.url, headers, body: encoded });
    const sentSecrets = [params.code, params.code_verifier, params.refresh_token, secret, sentSecret].filter((s): s is string => s !== undefined && s !== '');
    return readAnswer(grant, response, sentSecrets);
  }

  function readAnswer(grant: Grant, response: HttpResponse, sent: readonly string[]): TokenSet {
    const json = parseJsonObject(response);
    const ok = response.status >= 200 && response.status < 300;
    const accessToken = nonEmptyString(json?.access_token);
    if (ok && json !== undefined && accessToken !== undefined) return toTokenSet(json, accessToken, now(), settings.scopeSeparator);
    // Some vendors answer a refusal with 200 and an `error` field; it is read as the refusal it is.
    const code = json === undefined ? undefined : errorCodeOf(json);
    if (json !== undefined && code !== undefined) throw refusal(grant, response.status, json, code, sent);
    if (ok) {
      const reason = json === undefined ? 'the body is not a JSON object' : 'it has no non-empty string access_token';
      throw OAUTH_TOKEN_RESPONSE_INVALID({ connector, grant, status: response.status, reason });
    }
    throw OAUTH_TOKEN_REQUEST_FAILED({ connector, grant, status: response.status });
  }

  function refusal(grant: Grant, status: number, json: Record<string, unknown>, code: string, sent: readonly string[]): ConnectdError {
    // The vendor's words are kept short and scrubbed of anything we sent, in case it echoes them.
    const scrub = (text: string, max: number): string =>
      sent.reduce((t, s) => t.split(s).join('[REDACTED]'), text).slice(0, max);
    const error = scrub(code, MAX_ERROR_CODE_CHARS);
    const description = typeof json.error_description === 'string' ? scrub(json.error_description, MAX_ERROR_DESCRIPTION_CHARS) : undefined;
    if (settings.reauthErrors.includes(error)) return OAUTH_INVALID_GRANT({ connector, grant, error, description });
    return OAUTH_TOKEN_REQUEST_FAILED({ connector, grant, status, error, description });
  }

  return {
    // token_params first: the RFC 6749 fields cannot be overridden by them.
    exchangeCode: ({ code, redirectUri, codeVerifier }) =>
      request('authorization_code', {
        ...settings.tokenParams,
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        ...(codeVerifier === undefined ? {} : { code_verifier: codeVerifier }),
      }),
    // No scope on refresh: the grant keeps its scope, and some vendors refuse a narrowed one.
    refresh: (refreshToken) => request('refresh_token', { grant_type: 'refresh_token', refresh_token: refreshToken }),
    clientCredentials: () =>
      request('client_credentials', {
        grant_type: 'client_credentials',
        ...(settings.scopes.length === 0 ? {} : { scope: settings.scopes.join(settings.scopeSeparator) }),
      }),
    migrate: async (accessToken) => {
      // The token provider migrates only what settings.migrate declares: a call without it is a bug.
      if (settings.migrate === undefined) throw INTERNAL({ message: `connector ${connector} declares no auth.migrate` });
      return request('token_migration', migrationBody(settings.migrate, accessToken), accessToken);
    },
  };
}
