/**
 * `netsuite/client_credentials`: NetSuite's OAuth 2.0 machine-to-machine flow. It posts
 * `grant_type=client_credentials` with a JWT client assertion to the token endpoint, caches the
 * bearer token until shortly before it expires (NetSuite issues no refresh token in this flow) and
 * asks again after a 401. Core's `oauth2` strategy cannot express this: it has no client assertion.
 */
import { defineAuth, type AuthRuntime, type ComponentContext, type JsonSchema, type OutgoingRequest } from '@connectd/core/connector';
import type { KeyObject } from 'node:crypto';
import { NETSUITE_TOKEN_FAILED } from './errors.js';
import { ASSERTION_ALGORITHMS, clientAssertion, readSigningKey, type AssertionAlgorithm } from './jwt.js';

/** Options of `netsuite/client_credentials`. */
export interface ClientCredentialsOptions {
  readonly client_id: string;
  /** Certificate ID NetSuite showed when the certificate was mapped; the JWT's `kid`. */
  readonly certificate_id: string;
  /** PEM private key of that certificate. */
  readonly private_key: string;
  readonly algorithm?: AssertionAlgorithm;
  readonly scope?: readonly string[];
  /** Default: the token endpoint on the host of the request being authorised. */
  readonly token_url?: string;
}

/** Where NetSuite's token endpoint is, on the account's REST host. */
export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
export const DEFAULT_ASSERTION_ALGORITHM: AssertionAlgorithm = 'PS256';
export const DEFAULT_SCOPE: readonly string[] = ['rest_webservices'];
/** Short-lived assertions: each is used once, at once. NetSuite allows at most an hour. */
export const ASSERTION_LIFETIME_SECONDS = 300;
/** Get a new token this long before the current one expires, so no request leaves with a stale one. */
export const TOKEN_EARLY_RENEW_MS = 60_000;
export const TOKEN_REQUEST_TIMEOUT_MS = 30_000;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['client_id', 'certificate_id', 'private_key'],
  properties: {
    client_id: { type: 'string', minLength: 1, description: 'Client ID of the integration record.' },
    certificate_id: { type: 'string', minLength: 1, description: 'Certificate ID of the client-credentials mapping.' },
    private_key: { type: 'string', minLength: 1, description: 'PEM private key of the mapped certificate; use ${VAR}.' },
    algorithm: { enum: [...ASSERTION_ALGORITHMS], description: `JWT algorithm (default ${DEFAULT_ASSERTION_ALGORITHM}).` },
    scope: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['rest_webservices', 'restlets', 'suite_analytics'] } },
    token_url: { type: 'string', pattern: '^https?://\\S+$', description: `Token endpoint (default <request origin>${TOKEN_PATH}).` },
  },
};

interface Token {
  readonly value: string;
  readonly renewAt: number;
}

class ClientCredentialsAuth implements AuthRuntime {
  readonly #options: ClientCredentialsOptions;
  readonly #ctx: ComponentContext;
  readonly #key: KeyObject;
  #token: Token | undefined;
  #pending: Promise<Token> | undefined;

  constructor(options: ClientCredentialsOptions, ctx: ComponentContext) {
    this.#options = options;
    this.#ctx = ctx;
    this.#key = readSigningKey(options.private_key, options.algorithm ?? DEFAULT_ASSERTION_ALGORITHM);
  }

  async authorize(request: OutgoingRequest): Promise<OutgoingRequest> {
    const token = await this.#current(this.#options.token_url ?? new URL(TOKEN_PATH, request.url).href);
    return { ...request, headers: { ...request.headers, Authorization: `Bearer ${token.value}` } };
  }

  /** After a 401: forget the token the vendor refused, unless a newer one already replaced it. */
  async refresh(rejected?: OutgoingRequest): Promise<void> {
    const sent = rejected?.headers['Authorization'];
    if (sent === undefined || sent === `Bearer ${this.#token?.value}`) this.#token = undefined;
  }

  #current(tokenUrl: string): Promise<Token> {
    const token = this.#token;
    if (token !== undefined && this.#ctx.now().getTime() < token.renewAt) return Promise.resolve(token);
    // One token request at a time: concurrent pages wait for the same answer.
    this.#pending ??= this.#request(tokenUrl).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #request(tokenUrl: string): Promise<Token> {
    const algorithm = this.#options.algorithm ?? DEFAULT_ASSERTION_ALGORITHM;
    const now = this.#ctx.now().getTime();
    const assertion = clientAssertion(this.#key, algorithm, {
      clientId: this.#options.client_id,
      certificateId: this.#options.certificate_id,
      scope: this.#options.scope ?? DEFAULT_SCOPE,
      tokenUrl,
      issuedAt: Math.floor(now / 1000),
      lifetimeSeconds: ASSERTION_LIFETIME_SECONDS,
    });
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    let response: Response;
    try {
      response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.any([this.#ctx.signal, AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS)]),
      });
    } catch (cause) {
      throw NETSUITE_TOKEN_FAILED({ tokenUrl }, { cause });
    }
    const answer = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (!response.ok || typeof answer.access_token !== 'string' || answer.access_token === '') {
      throw NETSUITE_TOKEN_FAILED({ tokenUrl, status: response.status, error: typeof answer.error === 'string' ? answer.error : undefined });
    }
    const lifetimeMs = (typeof answer.expires_in === 'number' ? answer.expires_in : Number(answer.expires_in ?? 3600)) * 1000;
    this.#token = { value: answer.access_token, renewAt: now + Math.max(0, lifetimeMs - TOKEN_EARLY_RENEW_MS) };
    return this.#token;
  }
}

/**
 * `netsuite/client_credentials` in connectors.yaml.
 * @example
 * // auth: { type: netsuite/client_credentials, client_id: ${NETSUITE_CLIENT_ID},
 * //         certificate_id: ${NETSUITE_CERTIFICATE_ID}, private_key: ${NETSUITE_PRIVATE_KEY} }
 */
export const netsuiteClientCredentials = defineAuth<ClientCredentialsOptions>({
  meta: {
    type: 'client_credentials',
    description: 'NetSuite OAuth 2.0 client credentials (machine to machine): a JWT client assertion exchanged for a bearer token.',
    schema: SCHEMA,
  },
  create: (options, ctx) => new ClientCredentialsAuth(options, ctx),
});
