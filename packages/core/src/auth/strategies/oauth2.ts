import { AUTH_NO_TOKEN_PROVIDER, AUTH_TOKEN_FAILED, isConnectdError } from '../../errors/index.js';
import {
  defineAuth,
  SCALAR_PATH_PATTERN,
  type AuthRuntime,
  type ComponentDefinition,
  type OutgoingRequest,
  type TokenProvider,
} from '../../connector/index.js';
import type { Logger } from '../../log/index.js';
import { componentSlot, listOrString, mapOf, Type, words, type Static } from '../../json-schema/index.js';
import { checkHeaderName, headerValueProblem, withHeader } from '../headers.js';

export const DEFAULT_OAUTH2_HEADER = 'Authorization';
export const DEFAULT_OAUTH2_PREFIX = 'Bearer ';

const HTTP_URL = {
  pattern: '^https?://\\S+$',
  patternErrorMessage: 'must be an http:// or https:// URL (placeholders such as {shop} are allowed)',
};

/** The placeholders a `revoke` header or body value may hold, filled from the connection and the client. */
export const REVOKE_PLACEHOLDERS = ['access_token', 'refresh_token', 'client_id', 'client_secret', 'account_id'] as const;

/** A revoke header or body value: text with the placeholders above and no other braces. */
const REVOKE_TEMPLATE = {
  pattern: `^(?:[^{}]|\\{(?:${REVOKE_PLACEHOLDERS.join('|')})\\})*$`,
  patternErrorMessage: `may hold only the placeholders ${REVOKE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
};

/** The vendor's token revocation request, sent when a connection is deleted through the admin API. */
const REVOKE_SCHEMA = Type.Object(
  {
    url: Type.String({ ...HTTP_URL, description: 'Revocation endpoint; may hold the same {shop}-style placeholders as token_url.' }),
    method: Type.Optional(words(['POST', 'DELETE'], { description: 'HTTP method (default POST).' })),
    format: Type.Optional(words(['json', 'form'], { description: "Body format (default the connector's token_request_format)." })),
    headers: Type.Optional(
      mapOf(Type.String(REVOKE_TEMPLATE), {
        propertyNames: { pattern: "^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$" },
        description: 'Request headers, e.g. Authorization: "Client {client_secret}".',
      }),
    ),
    body: Type.Optional(
      mapOf(Type.String(REVOKE_TEMPLATE), {
        description:
          'Body fields, e.g. { client_id: "{client_id}", access_token: "{access_token}" }; {} sends no body. Without body: RFC 7009 (token=<refresh token, else access token>, token_type_hint, client authenticated as at the token endpoint).',
      }),
    ),
  },
  { additionalProperties: false, description: "The vendor's token revocation request, sent (best effort) when a connection is deleted through the admin API; not on disable." },
);

/** A connection parameter's name: what a start query may carry besides `tenant` and `connection`. */
const PARAM_NAME = {
  pattern: '^(?!(?:tenant|connection)$)[A-Za-z_][A-Za-z0-9_]{0,63}$',
  patternErrorMessage: 'must be letters, digits and "_" (at most 64), and not "tenant" or "connection"',
};

/** How one connection parameter of the start request is checked before anything goes out. */
const CONNECTION_PARAM_SCHEMA = Type.Object(
  {
    pattern: Type.String({
      minLength: 1,
      format: 'regex',
      description: 'Regular expression (JavaScript, u flag) the whole value must match, e.g. ^[a-zA-Z0-9][a-zA-Z0-9-]*\\.myshopify\\.com$.',
    }),
    lowercase: Type.Optional(Type.Boolean({ description: 'Lower-case the value before it is checked and stored (default false).' })),
    required: Type.Optional(Type.Boolean({ description: 'Refuse a start request without it (default false).' })),
  },
  { additionalProperties: false },
);

/** `{access_token}` is the one placeholder a migration parameter may hold. */
const MIGRATE_TEMPLATE = { pattern: '^(?:[^{}]|\\{access_token\\})*$', patternErrorMessage: 'may hold only the placeholder {access_token}' };

/** The one-time exchange of a non-expiring access token for an expiring one with a refresh token. */
const MIGRATE_SCHEMA = Type.Object(
  {
    grant_type: Type.String({ minLength: 1, description: 'grant_type of the exchange, e.g. urn:ietf:params:oauth:grant-type:token-exchange.' }),
    params: Type.Optional(
      mapOf(Type.String(MIGRATE_TEMPLATE), { description: 'Body fields of the exchange; "{access_token}" is the stored token, e.g. subject_token: "{access_token}".' }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Exchange a stored access token that has no expiry and no refresh token, once, for an expiring one (under the refresh lock); a refusal is logged and the old token kept.',
  },
);

/**
 * Options of `auth: { type: oauth2 }`. Only `header` and `prefix` matter to the strategy; the rest
 * (URLs, client, scopes, connection params, token params, refresh margin, reconnect errors,
 * callback check, account id, revoke, migrate) drive the consent flow, the token provider and the
 * revocation at delete, which read them from the same validated options.
 */
export const OAUTH2_OPTIONS_SCHEMA = Type.Object(
  {
    grant: Type.Optional(words(['authorization_code', 'client_credentials'], { description: 'OAuth grant (default authorization_code).' })),
    authorize_url: Type.Optional(Type.String({ ...HTTP_URL, description: 'Consent page; may hold {shop}-style placeholders filled from the start request.' })),
    token_url: Type.String({ ...HTTP_URL, description: 'Token endpoint for code exchange and refresh.' }),
    client_id: Type.String({ minLength: 1 }),
    client_secret: Type.Optional(Type.String({ description: 'Use ${VAR}. May be omitted with pkce: true.' })),
    scopes: Type.Optional(listOrString({ minLength: 1 }, { description: 'Scopes to request: a list, or one string split on scope_separator.' })),
    scope_separator: Type.Optional(Type.String({ description: 'Joins scopes in the authorize URL (default a space).' })),
    pkce: Type.Optional(Type.Boolean({ description: 'Use PKCE (S256) in the code flow (default false).' })),
    client_auth: Type.Optional(words(['body', 'basic'], { description: 'How the client authenticates at the token endpoint (default body).' })),
    token_request_format: Type.Optional(words(['json', 'form'], { description: 'Body format of token requests (default form).' })),
    refresh_margin_seconds: Type.Optional(Type.Integer({ minimum: 0, description: 'Refresh this long before expiry (default 300).' })),
    extra_authorize_params: Type.Optional(mapOf(Type.String(), { description: 'Extra query parameters for the authorize URL.' })),
    params: Type.Optional(
      mapOf(CONNECTION_PARAM_SCHEMA, {
        propertyNames: PARAM_NAME,
        description:
          'The connection parameters a start request may carry (e.g. shop), each checked against its pattern before anything goes out; others are refused. When declared, every {placeholder} of the OAuth URLs must be one of them.',
      }),
    ),
    token_params: Type.Optional(
      mapOf(Type.String(), { description: 'Extra body fields of the code exchange (not of refreshes), e.g. { expiring: "1" }; the standard fields win.' }),
    ),
    migrate: Type.Optional(MIGRATE_SCHEMA),
    callback_check: Type.Optional(
      componentSlot('oauthCallbackChecks', {
        description: "A plugin's check of the OAuth callback query before the code is exchanged (e.g. a vendor's HMAC over it).",
      }),
    ),
    reauth_errors: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'Token-endpoint error codes that mean the user must reconnect (default ["invalid_grant"]).',
      }),
    ),
    error_codes: Type.Optional(
      Type.Array(
        Type.String({ pattern: `^${SCALAR_PATH_PATTERN}$`, patternErrorMessage: 'must be a path into the refusal such as "$.error" or "$.errors[0].code"' }),
        {
          minItems: 1,
          description:
            'Where a token-endpoint refusal carries its error code, tried in order (default ["$.error"], RFC 6749); e.g. ["$.error", "$.errors[0].code"] for a vendor with its own error format.',
        },
      ),
    ),
    account_id: Type.Optional(
      Type.String({
        pattern: `^(?:param:[A-Za-z_][A-Za-z0-9_]{0,63}|${SCALAR_PATH_PATTERN})$`,
        patternErrorMessage: 'must be a path into the token answer such as "$.merchant_id", or "param:<name>" naming a connection setting such as "param:shop"',
        description:
          "The connected account's vendor id, recorded at consent for webhook routing: a path into the token endpoint's answer ($.merchant_id) or a connection setting (param:shop). When declared and absent, the consent fails and nothing is stored.",
      }),
    ),
    revoke: Type.Optional(REVOKE_SCHEMA),
    header: Type.Optional(Type.String({ minLength: 1, description: 'Header that carries the access token (default Authorization).' })),
    prefix: Type.Optional(Type.String({ description: 'Text before the token in that header (default "Bearer "; "" for none).' })),
  },
  {
    additionalProperties: false,
    allOf: [
      // A code grant sends the user to a consent page.
      { if: { properties: { grant: { const: 'client_credentials' } }, required: ['grant'] }, else: { required: ['authorize_url'] } },
      // Only a PKCE client may go without a secret.
      { if: { properties: { pkce: { const: true } }, required: ['pkce'] }, else: { required: ['client_secret'] } },
    ],
  },
);

/** Options of the `oauth2` strategy, derived from its schema. */
export type OAuth2Options = Static<typeof OAUTH2_OPTIONS_SCHEMA>;

/** Stops message text from a provider failure carrying anything long (it may echo a response). */
const REASON_MAX_CHARS = 200;

function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > REASON_MAX_CHARS ? `${line.slice(0, REASON_MAX_CHARS)}…` : line || '(no message)';
}

/** The oauth2 runtime: asks the provider for the token on every request, so it never holds a stale one. */
class OAuth2Auth implements AuthRuntime {
  readonly #tokens: TokenProvider;
  readonly #header: string;
  readonly #prefix: string;
  readonly #connection: string | undefined;
  readonly #log: Logger;
  /** The refresh in flight: concurrent 401s share it instead of each spending a refresh. */
  #refreshing: Promise<void> | undefined;

  constructor(tokens: TokenProvider, header: string, prefix: string, connection: string | undefined, log: Logger) {
    this.#tokens = tokens;
    this.#header = header;
    this.#prefix = prefix;
    this.#connection = connection;
    this.#log = log;
  }

  async authorize(request: OutgoingRequest): Promise<OutgoingRequest> {
    const token = await this.#call('get', () => this.#tokens.getAccessToken());
    return withHeader(request, this.#header, `${this.#prefix}${token}`);
  }

  refresh(rejected?: OutgoingRequest): Promise<void> {
    const rejectedToken = this.#tokenIn(rejected);
    this.#refreshing ??= this.#call('refresh', () => this.#tokens.refresh(rejectedToken))
      .then(() => {
        this.#log.info({ connection: this.#connection }, 'oauth2 access token refreshed');
      })
      .finally(() => {
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }

  /** The token a rejected request carried, so the provider can tell whether it is still current. */
  #tokenIn(request: OutgoingRequest | undefined): string | undefined {
    if (request === undefined) return undefined;
    const wanted = this.#header.toLowerCase();
    const value = Object.entries(request.headers).find(([name]) => name.toLowerCase() === wanted)?.[1];
    return value !== undefined && value.startsWith(this.#prefix) ? value.slice(this.#prefix.length) : undefined;
  }

  async #call(operation: 'get' | 'refresh', fn: () => Promise<string>): Promise<string> {
    let token: unknown;
    try {
      token = await fn();
    } catch (err) {
      // A coded error from the provider (vault, token endpoint) already says what to do.
      if (isConnectdError(err)) throw err;
      throw AUTH_TOKEN_FAILED({ operation, connection: this.#connection, reason: reasonOf(err) }, { cause: err });
    }
    if (typeof token !== 'string') {
      throw AUTH_TOKEN_FAILED({ operation, connection: this.#connection, reason: 'the token source returned no token' });
    }
    const problem = headerValueProblem(token);
    if (problem !== undefined) {
      throw AUTH_TOKEN_FAILED({ operation, connection: this.#connection, reason: `the access token ${problem}` });
    }
    return token;
  }
}

/**
 * `oauth2`: sends the connection's OAuth access token (from `ctx.tokens`) in `header` after
 * `prefix`. `refresh()` asks the provider for a new token; the transport calls it once after a
 * 401 and retries once. Creating it without a token provider throws CONNECTD_ERR_AUTH_NO_TOKEN_PROVIDER.
 * @example
 * const auth = oauth2Auth.create({ token_url, client_id, authorize_url }, { ...ctx, tokens: connectionTokens });
 * const signed = await auth.authorize(request); // Authorization: Bearer <access token>
 * await auth.refresh?.();                          // after a 401
 */
export const oauth2Auth: ComponentDefinition<OAuth2Options, AuthRuntime> = defineAuth<OAuth2Options>({
  meta: { type: 'oauth2', description: "The connection's OAuth 2.0 access token, refreshed on 401.", schema: OAUTH2_OPTIONS_SCHEMA },
  create(options, ctx) {
    if (ctx.tokens === undefined) throw AUTH_NO_TOKEN_PROVIDER({ connection: ctx.connection?.id });
    const header = options.header ?? DEFAULT_OAUTH2_HEADER;
    checkHeaderName('oauth2', 'header', header);
    return new OAuth2Auth(ctx.tokens, header, options.prefix ?? DEFAULT_OAUTH2_PREFIX, ctx.connection?.id, ctx.log);
  },
});
