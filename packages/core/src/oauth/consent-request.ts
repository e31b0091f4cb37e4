import { OAUTH_START_INVALID } from '../errors/index.js';
import type { ConnectionParams } from './connection-params.js';
import { fillUrlTemplate, urlTemplateNames } from './settings.js';
import type { OAuthClientSettings } from './types.js';

// What the consent flow reads from a start request and writes into the vendor's authorize URL.
// Everything here comes from whoever follows a start link, so it is checked, capped and never
// allowed to change where the user (or later, the code) is sent.

/** Tenant and connection ids: letters, digits, `.`, `_` and `-`, at most 128 characters. */
export const CONSENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** At most this many connection settings in one start query. */
export const MAX_START_CONFIG_PARAMS = 20;
/** At most this many characters in one connection setting. */
export const MAX_START_CONFIG_VALUE_CHARS = 256;
const CONFIG_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Start query parameters that are not connection settings. */
const RESERVED_PARAMS = new Set(['tenant', 'connection']);

/** A validated start request. */
export interface StartRequest {
  readonly tenantId: string;
  readonly connectionId: string;
  /**
   * Non-secret connection settings: every query parameter but `tenant` and `connection`; with
   * declared `params`, only those, normalised and matched.
   */
  readonly config: Readonly<Record<string, string>>;
}

/**
 * Reads `tenant`, the optional `connection` (default `<connector>-<tenant>`) and the connection
 * settings of a start query. With declared `params`, any other setting is refused and each one is
 * normalised and matched against its pattern (required ones are checked by
 * {@link completeStartConfig}, once a reconnect's stored settings are known).
 * @throws CONNECTD_ERR_OAUTH_START_INVALID naming the parameter and the rule, never the value
 * @example
 * readStartQuery('shop', new URLSearchParams('tenant=acme&shop=acme.example.com'));
 * // { tenantId: 'acme', connectionId: 'shop-acme', config: { shop: 'acme.example.com' } }
 */
export function readStartQuery(connector: string, query: URLSearchParams, params?: ConnectionParams): StartRequest {
  const refuse = (parameter: string, reason: string): never => {
    throw OAUTH_START_INVALID({ connector, parameter, reason });
  };
  const single = (name: string): string | undefined => {
    const values = query.getAll(name);
    if (values.length > 1) refuse(name, 'is given more than once');
    return values[0];
  };
  const tenantId = single('tenant');
  if (tenantId === undefined || tenantId === '') return refuse('tenant', 'is required');
  if (!CONSENT_ID_PATTERN.test(tenantId)) refuse('tenant', 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit');
  const connection = single('connection');
  if (connection !== undefined && !CONSENT_ID_PATTERN.test(connection)) {
    refuse('connection', 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  const config: Record<string, string> = {};
  for (const name of new Set(query.keys())) {
    if (RESERVED_PARAMS.has(name)) continue;
    if (!CONFIG_NAME_PATTERN.test(name)) refuse(name.slice(0, 64), 'is not a valid setting name (letters, digits and "_")');
    const value = single(name)!;
    if (value.length > MAX_START_CONFIG_VALUE_CHARS) refuse(name, `is longer than ${MAX_START_CONFIG_VALUE_CHARS} characters`);
    config[name] = value;
    if (Object.keys(config).length > MAX_START_CONFIG_PARAMS) refuse(name, `is one setting too many (at most ${MAX_START_CONFIG_PARAMS})`);
  }
  const connectionId = connection ?? `${connector}-${tenantId}`;
  if (params === undefined) return { tenantId, connectionId, config };
  const accepted = params.accept(config);
  if ('parameter' in accepted) return refuse(accepted.parameter, accepted.reason);
  return { tenantId, connectionId, config: accepted.values };
}

/**
 * The config a flow will use, checked against the declared `params`: required ones present, stored
 * ones of a reconnected connection matching (and normalised) too. Without `params`, as given.
 * @throws CONNECTD_ERR_OAUTH_START_INVALID naming the parameter and the rule
 * @example
 * const config = completeStartConfig('shopify', settings.params, { ...existing?.config, ...request.config });
 */
export function completeStartConfig(
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
 * Checks a start link's parameters the way the daemon's start route will (`connectd connect`
 * calls it so a user sees the error before sending the link): tenant and connection ids, and with
 * declared `params`, unknown, unmatched or missing required ones. Resolves the normalised settings.
 * A reconnect that leaves out a setting the connection has stored is refused here, although the
 * route would take the stored one: the command cannot see the store.
 * @throws CONNECTD_ERR_OAUTH_START_INVALID (exit 2)
 * @example
 * checkStartLink('shopify', settings.params, { tenant: 'acme', params: { shop: 'Acme.myshopify.com' } });
 * // { shop: 'acme.myshopify.com' }
 */
export function checkStartLink(
  connector: string,
  params: ConnectionParams | undefined,
  link: { readonly tenant: string; readonly connection?: string | undefined; readonly params?: Readonly<Record<string, string>> | undefined },
): Readonly<Record<string, string>> {
  const query = new URLSearchParams();
  query.append('tenant', link.tenant);
  if (link.connection !== undefined) query.append('connection', link.connection);
  // Appended, not set: a --param named tenant or connection is then refused as given twice.
  for (const [name, value] of Object.entries(link.params ?? {})) query.append(name, value);
  const { config } = readStartQuery(connector, query, params);
  completeStartConfig(connector, params, config);
  return config;
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
