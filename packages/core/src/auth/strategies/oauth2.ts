import { AUTH_NO_TOKEN_PROVIDER, AUTH_TOKEN_FAILED, isConnectdError } from '../../errors/index.js';
import {
  defineAuth,
  type AuthRuntime,
  type ComponentDefinition,
  type JsonSchema,
  type OutgoingRequest,
  type TokenProvider,
} from '../../connector/index.js';
import type { Logger } from '../../log/index.js';
import { checkHeaderName, headerValueProblem, withHeader } from '../headers.js';

/**
 * Options of the `oauth2` strategy, as in the config. Only `header` and `prefix` matter here; the
 * rest (URLs, client, scopes, refresh margin) drive the consent flow and the token provider.
 */
export interface OAuth2Options {
  readonly grant?: 'authorization_code' | 'client_credentials';
  readonly authorize_url?: string;
  readonly token_url: string;
  readonly client_id: string;
  readonly client_secret?: string;
  readonly scopes?: readonly string[] | string;
  readonly scope_separator?: string;
  readonly pkce?: boolean;
  readonly client_auth?: 'body' | 'basic';
  readonly token_request_format?: 'json' | 'form';
  readonly refresh_margin_seconds?: number;
  readonly extra_authorize_params?: Readonly<Record<string, string>>;
  /** A plugin component (`oauthCallbackChecks` slot) that checks the callback query first. */
  readonly callback_check?: Readonly<{ type: string } & Record<string, unknown>>;
  /** Token-endpoint `error` codes meaning the grant is gone (default `["invalid_grant"]`). */
  readonly reauth_errors?: readonly string[];
  /** Header carrying the access token. Default {@link DEFAULT_OAUTH2_HEADER}. */
  readonly header?: string;
  /** Text before the token. Default {@link DEFAULT_OAUTH2_PREFIX}; `""` for none. */
  readonly prefix?: string;
}

export const DEFAULT_OAUTH2_HEADER = 'Authorization';
export const DEFAULT_OAUTH2_PREFIX = 'Bearer ';

const HTTP_URL = { type: 'string', pattern: '^https?://\\S+$' };

const SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token_url', 'client_id'],
  properties: {
    grant: { enum: ['authorization_code', 'client_credentials'], description: 'OAuth grant (default authorization_code).' },
    authorize_url: { ...HTTP_URL, description: 'Consent page; may hold {shop}-style placeholders filled from the start request.' },
    token_url: { ...HTTP_URL, description: 'Token endpoint for code exchange and refresh.' },
    client_id: { type: 'string', minLength: 1 },
    client_secret: { type: 'string', description: 'Use ${VAR}. May be omitted with pkce: true.' },
    scopes: {
      type: ['array', 'string'],
      items: { type: 'string', minLength: 1 },
      description: 'Scopes to request: a list, or one string split on scope_separator.',
    },
    scope_separator: { type: 'string', description: 'Joins scopes in the authorize URL (default a space).' },
    pkce: { type: 'boolean', description: 'Use PKCE (S256) in the code flow (default false).' },
    client_auth: { enum: ['body', 'basic'], description: 'How the client authenticates at the token endpoint (default body).' },
    token_request_format: { enum: ['json', 'form'], description: 'Body format of token requests (default form).' },
    refresh_margin_seconds: { type: 'integer', minimum: 0, description: 'Refresh this long before expiry (default 300).' },
    extra_authorize_params: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Extra query parameters for the authorize URL.',
    },
    callback_check: {
      type: 'object',
      required: ['type'],
      properties: { type: { type: 'string', minLength: 1 } },
      description: "A plugin's check of the OAuth callback query before the code is exchanged.",
    },
    reauth_errors: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      description: 'Token-endpoint error codes that mean the user must reconnect (default ["invalid_grant"]).',
    },
    header: { type: 'string', minLength: 1, description: 'Header that carries the access token (default Authorization).' },
    prefix: { type: 'string', description: 'Text before the token in that header (default "Bearer "; "" for none).' },
  },
  if: { properties: { grant: { const: 'client_credentials' } }, required: ['grant'] },
  then: {},
  else: { required: ['authorize_url'] },
};

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
  meta: { type: 'oauth2', description: "The connection's OAuth 2.0 access token, refreshed on 401.", schema: SCHEMA },
  create(options, ctx) {
    if (ctx.tokens === undefined) throw AUTH_NO_TOKEN_PROVIDER({ connection: ctx.connection?.id });
    const header = options.header ?? DEFAULT_OAUTH2_HEADER;
    checkHeaderName('oauth2', 'header', header);
    return new OAuth2Auth(ctx.tokens, header, options.prefix ?? DEFAULT_OAUTH2_PREFIX, ctx.connection?.id, ctx.log);
  },
});
