import { OAUTH_CONNECTION_CONFLICT, OAUTH_SESSION_REQUIRED, OAUTH_START_INVALID, OAUTH_UNKNOWN_CONNECTOR } from '../errors/index.js';
import type { ConnectionRecord } from '../store/index.js';
import type { ConnectionParams } from './connection-params.js';
import { fillUrlTemplate, urlTemplateNames } from './settings.js';
import type { OAuthClientSettings } from './types.js';

// What a consent link is made for (a connect session's tenant, connection and settings), what its
// start request may carry, and what goes into the vendor's authorize URL. The settings end up in
// URLs the client secret and tokens are sent to, so they are checked, capped and never allowed to
// change where the user (or later, the code) is sent.

/** Tenant and connection ids: letters, digits, `.`, `_` and `-`, at most 128 characters. */
export const CONSENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** At most this many connection settings in one link. */
export const MAX_START_CONFIG_PARAMS = 20;
/** At most this many characters in one connection setting. */
export const MAX_START_CONFIG_VALUE_CHARS = 256;
const CONFIG_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Control characters (C0, DEL, C1): a setting may end up in a request header or URL, which cannot carry them. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** The one parameter of a start link. */
export const SESSION_PARAM = 'session';
const ID_RULE = 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit';

/** The settings of a connector with a consent flow: an authorization-code grant with an authorize URL. */
export type CodeFlowSettings = OAuthClientSettings & { readonly authorizeUrl: string };

/**
 * The code-flow settings of `connector`, given what the caller knows of it.
 * @throws CONNECTD_ERR_OAUTH_UNKNOWN_CONNECTOR when it has none (unknown, not oauth2, or client_credentials)
 */
export function codeFlowSettingsOf(connector: string, settings: OAuthClientSettings | undefined): CodeFlowSettings {
  if (settings === undefined || settings.grant !== 'authorization_code' || settings.authorizeUrl === undefined) {
    throw OAUTH_UNKNOWN_CONNECTOR({ connector });
  }
  return settings as CodeFlowSettings;
}

/** What a consent link is made for: a tenant, optionally a connection id and connection settings. */
export interface LinkRequest {
  readonly tenant: string;
  /** Default `<connector>-<tenant>`. */
  readonly connection?: string | undefined;
  readonly params?: Readonly<Record<string, string>> | undefined;
}

/** A validated link request. */
export interface StartRequest {
  readonly tenantId: string;
  readonly connectionId: string;
  /** Non-secret connection settings; with declared `params`, only those, normalised and matched. */
  readonly config: Readonly<Record<string, string>>;
}

/**
 * Checks what a connect session is asked for: tenant and connection ids, setting names and sizes,
 * and with declared `params`, that each is declared and, normalised, matches its pattern (required
 * ones are checked by {@link planConsent}, once a reconnect's stored settings are known).
 * @throws CONNECTD_ERR_OAUTH_START_INVALID naming the parameter and the rule, never the value
 * @example
 * readLinkRequest('shop', { tenant: 'acme', params: { shop: 'Acme.example.com' } });
 * // { tenantId: 'acme', connectionId: 'shop-acme', config: { shop: 'acme.example.com' } } (with a lowercase rule)
 */
export function readLinkRequest(connector: string, link: LinkRequest, params?: ConnectionParams): StartRequest {
  const refuse = (parameter: string, reason: string): never => {
    throw OAUTH_START_INVALID({ connector, parameter, reason });
  };
  const tenantId = link.tenant;
  if (tenantId === '') refuse('tenant', 'is required');
  if (!CONSENT_ID_PATTERN.test(tenantId)) refuse('tenant', ID_RULE);
  if (link.connection !== undefined && !CONSENT_ID_PATTERN.test(link.connection)) refuse('connection', ID_RULE);
  const config: Record<string, string> = {};
  for (const [name, value] of Object.entries(link.params ?? {})) {
    if (!CONFIG_NAME_PATTERN.test(name)) refuse(name.slice(0, 64), 'is not a valid setting name (letters, digits and "_")');
    if (RESERVED_NAMES.has(name)) refuse(name, 'is not a connection setting (the tenant and connection are given on their own)');
    if (value.length > MAX_START_CONFIG_VALUE_CHARS) refuse(name, `is longer than ${MAX_START_CONFIG_VALUE_CHARS} characters`);
    if (CONTROL_CHARACTER.test(value)) refuse(name, 'holds a line break or another control character, which a request header or URL cannot carry');
    config[name] = value;
    if (Object.keys(config).length > MAX_START_CONFIG_PARAMS) refuse(name, `is one setting too many (at most ${MAX_START_CONFIG_PARAMS})`);
  }
  const connectionId = link.connection ?? `${connector}-${tenantId}`;
  if (params === undefined) return { tenantId, connectionId, config };
  const accepted = params.accept(config);
  if ('parameter' in accepted) return refuse(accepted.parameter, accepted.reason);
  return { tenantId, connectionId, config: accepted.values };
}

/** Names a setting cannot have: they mean something else in a link or a session. */
const RESERVED_NAMES = new Set(['tenant', 'connection', SESSION_PARAM]);

/**
 * The session token of a start link. The link carries nothing else: the tenant, connection and
 * settings come only from the session, so a parameter beside it is refused rather than ignored.
 * @throws CONNECTD_ERR_OAUTH_SESSION_REQUIRED without one (an old `?tenant=` link)
 * @throws CONNECTD_ERR_OAUTH_START_INVALID with another parameter, or the session twice
 * @example
 * const token = readSessionQuery('square', new URLSearchParams('session=eyJ….sig'));
 */
export function readSessionQuery(connector: string, query: URLSearchParams): string {
  const tokens = query.getAll(SESSION_PARAM);
  if (tokens.length === 0 || tokens[0] === '') throw OAUTH_SESSION_REQUIRED({ connector });
  if (tokens.length > 1) throw OAUTH_START_INVALID({ connector, parameter: SESSION_PARAM, reason: 'is given more than once' });
  for (const name of query.keys()) {
    if (name !== SESSION_PARAM) {
      throw OAUTH_START_INVALID({ connector, parameter: name.slice(0, 64), reason: 'cannot be given beside a connect session: the session names the tenant, connection and settings' });
    }
  }
  return tokens[0]!;
}

/** A connection id may be reused by its own tenant and connector only: anything else would be a takeover. */
export function refuseTakeover(existing: ConnectionRecord | undefined, connector: string, tenantId: string): void {
  if (existing !== undefined && (existing.connector !== connector || existing.tenantId !== tenantId)) {
    throw OAUTH_CONNECTION_CONFLICT({ connector, connectionId: existing.id });
  }
}

/**
 * What a consent will use, checked as a whole: the connection is the tenant's (or new), the
 * settings (the request's over a reconnected connection's stored ones) pass the declared `params`,
 * the OAuth URLs fill safely, and a `param:` account id is there. Run when a session is made, so a
 * bad link is never handed out, and again when it starts a consent, as the stored connection may
 * have changed meanwhile.
 * @throws CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT, CONNECTD_ERR_OAUTH_START_INVALID
 * @example
 * const { config, authorizeUrl } = planConsent('shopify', settings, await getConnection(db, request.connectionId), request);
 */
export function planConsent(
  connector: string,
  settings: CodeFlowSettings,
  existing: ConnectionRecord | undefined,
  request: { readonly tenantId: string; readonly config: Readonly<Record<string, unknown>> },
): { config: Readonly<Record<string, unknown>>; authorizeUrl: string } {
  refuseTakeover(existing, connector, request.tenantId);
  // A reconnect keeps the settings it had (a shop domain) unless the session changes them.
  const config = completeStartConfig(connector, settings.params, { ...(existing?.config ?? {}), ...request.config });
  const { authorizeUrl } = resolveOAuthUrls(connector, settings, config);
  if (settings.accountId?.from === 'param' && settings.accountId.read(config) === undefined) {
    // Refused before the user goes anywhere rather than after the vendor's consent page.
    throw OAUTH_START_INVALID({ connector, parameter: settings.accountId.param, reason: 'is required: it names the connected account (auth.account_id)' });
  }
  return { config, authorizeUrl };
}

/**
 * The config a flow will use, checked against the declared `params`: required ones present, stored
 * ones of a reconnected connection matching (and normalised) too. Without `params`, as given.
 * @throws CONNECTD_ERR_OAUTH_START_INVALID naming the parameter and the rule
 */
function completeStartConfig(
  connector: string,
  params: ConnectionParams | undefined,
  config: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  if (params === undefined) return config;
  const completed = params.complete(config);
  if ('parameter' in completed) throw OAUTH_START_INVALID({ connector, parameter: completed.parameter, reason: completed.reason });
  return completed.config;
}

/**
 * Fills the authorize and token URL templates from a connection's settings. The token URL is
 * filled here only to refuse, before the user goes anywhere, a flow that could not finish.
 * @throws CONNECTD_ERR_OAUTH_START_INVALID naming the missing or unsafe setting
 */
export function resolveOAuthUrls(
  connector: string,
  settings: OAuthClientSettings & { authorizeUrl: string },
  config: Readonly<Record<string, unknown>>,
): { authorizeUrl: string; tokenUrl: string } {
  return { authorizeUrl: fillHttpUrl(connector, settings.authorizeUrl, config), tokenUrl: fillHttpUrl(connector, settings.tokenUrl, config) };
}

function fillHttpUrl(connector: string, template: string, config: Readonly<Record<string, unknown>>): string {
  const filled = fillUrlTemplate(template, config);
  if ('missing' in filled) {
    const [missing] = filled.missing;
    if (missing !== undefined) throw OAUTH_START_INVALID({ connector, parameter: missing, reason: 'is required by the OAuth URLs of this connector' });
    throw OAUTH_START_INVALID({
      connector,
      parameter: filled.unsafe[0]!,
      reason: 'must be a plain value such as a host name (no "/", "@", "?", "#" or spaces)',
    });
  }
  let url: URL | undefined;
  try {
    url = new URL(filled.url);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    // Only a filled-in value can break a URL the config schema accepted.
    const names = urlTemplateNames(template);
    throw OAUTH_START_INVALID({ connector, parameter: names.join(', ') || 'url', reason: 'does not make a valid http(s) URL' });
  }
  return url.href;
}

/**
 * The vendor's consent page URL: the filled template (its own query kept), then the connector's
 * extra parameters, then the RFC 6749 / RFC 7636 parameters, which no extra parameter can override.
 * The PKCE verifier is not an argument: only its challenge ever goes in a URL.
 * @example
 * createAuthorizeUrl('https://vendor.example/oauth/authorize', settings, { redirectUri, state, challenge });
 */
export function createAuthorizeUrl(
  authorizeUrl: string,
  settings: OAuthClientSettings,
  flow: { readonly redirectUri: string; readonly state: string; readonly challenge?: string | undefined },
): string {
  const url = new URL(authorizeUrl);
  for (const [name, value] of Object.entries(settings.extraAuthorizeParams)) url.searchParams.set(name, value);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', flow.redirectUri);
  if (settings.scopes.length > 0) url.searchParams.set('scope', settings.scopes.join(settings.scopeSeparator));
  url.searchParams.set('state', flow.state);
  if (flow.challenge !== undefined) {
    url.searchParams.set('code_challenge', flow.challenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.href;
}
