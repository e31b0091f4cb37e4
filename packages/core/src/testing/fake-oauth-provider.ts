import { createFakeHttpServer, type FakeAnswer, type FakeHttpServer, type RecordedRequest } from './fake-http-server.js';
import { FakeOAuthLedger, isRefusal, type Issued, type Refusal } from './fake-oauth-ledger.js';
import { readClientAuth, readTokenParams, type ClientAuthUsed } from './fake-oauth-request.js';

export { FAKE_ACCESS_TOKEN_PREFIX, FAKE_CODE_PREFIX, FAKE_CODE_TTL_MS, FAKE_REFRESH_TOKEN_PREFIX, s256Challenge } from './fake-oauth-ledger.js';
export type { ClientAuthUsed } from './fake-oauth-request.js';

export const DEFAULT_FAKE_CLIENT_ID = 'fake-client-id';
export const DEFAULT_FAKE_CLIENT_SECRET = 'fake-client-secret';
export const DEFAULT_FAKE_ACCESS_TOKEN_TTL_SECONDS = 3600;
/** The id `GET /api/me` answers. */
export const DEFAULT_FAKE_ACCOUNT_ID = 'acct_1';
/** What `GET /api/items` answers. */
export const FAKE_OAUTH_ITEMS: ReadonlyArray<{ id: string; sku: string; name: string; price: string }> = ['9.99', '19.99', '29.99'].map((price, i) => ({
  id: `item_${i + 1}`,
  sku: `SKU-${i + 1}`,
  name: `Item ${i + 1}`,
  price,
}));

export type FakeGrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

export interface FakeOAuthProviderOptions {
  /** Default {@link DEFAULT_FAKE_CLIENT_ID}. */
  readonly clientId?: string;
  /** Default {@link DEFAULT_FAKE_CLIENT_SECRET}; null makes a public client (PKCE, no secret, no client-credentials grant). */
  readonly clientSecret?: string | null;
  /** How a confidential client must authenticate at the token endpoint; anything else → 401 invalid_client. Default `body`. */
  readonly clientAuth?: 'body' | 'basic';
  /** Body format the token endpoint requires; the other → 400 invalid_request. Default `form`. */
  readonly tokenRequestFormat?: 'json' | 'form';
  /** The authorize endpoint demands an S256 code_challenge. A challenge sent anyway is always enforced. */
  readonly requirePkce?: boolean;
  /** `expires_in` of access tokens; null omits it (tokens then last until expireAccessTokens). Default 3600. */
  readonly accessTokenTtlSeconds?: number | null;
  /** Refresh answers a new refresh token and invalidates the old one; false answers the same one again. Default true. */
  readonly rotateRefreshTokens?: boolean;
  /** Refresh answers no refresh_token at all (the old one stays valid). Default false. */
  readonly omitRefreshTokenOnRefresh?: boolean;
  /** Wait before answering the token endpoint (the grant is processed on arrival), so concurrent refreshes overlap. */
  readonly tokenDelayMs?: number;
  /** Added to every successful token response, e.g. `{ account_id: 'acct_1' }`. */
  readonly extraTokenFields?: Readonly<Record<string, unknown>>;
  /** When set, authorize refuses any other redirect_uri. */
  readonly redirectUris?: readonly string[];
  /** Default {@link DEFAULT_FAKE_ACCOUNT_ID}. */
  readonly accountId?: string;
  /** The provider's clock (code and token expiry), epoch ms. Default `Date.now`. */
  readonly now?: () => number;
}

/** One request to the authorize endpoint and what it answered. */
export interface AuthorizeRequestRecord {
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  /** The redirect (callback URL with code or error) when the status is 302. */
  readonly location?: string | undefined;
}

/** One request to the token endpoint, parsed, with what it answered. Secrets are kept, for assertions. */
export interface TokenRequestRecord {
  readonly grantType: string | undefined;
  /** Body parameters as strings (JSON values stringified); includes client_secret, code, tokens. */
  readonly params: Readonly<Record<string, string>>;
  /** Which client authentication arrived: a Basic header, a client_secret in the body, or neither. */
  readonly clientAuth: ClientAuthUsed;
  /** Decoded Basic credentials, when that header was sent. */
  readonly basic?: { readonly clientId: string; readonly clientSecret: string } | undefined;
  readonly contentType: string | undefined;
  readonly status: number;
  /** The RFC 6749 `error` answered, when refused. */
  readonly error?: string | undefined;
  readonly request: RecordedRequest;
}

/** One request to the protected API. */
export interface ApiRequestRecord {
  readonly method: string;
  readonly path: string;
  /** The bearer token sent, or null without one. */
  readonly token: string | null;
  readonly status: number;
}

export interface FakeOAuthProvider {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** `${url}/oauth/authorize` */
  readonly authorizeUrl: string;
  /** `${url}/oauth/token` */
  readonly tokenUrl: string;
  /** `${url}/api` (serves `/me` and `/items`). */
  readonly apiUrl: string;
  readonly clientId: string;
  readonly clientSecret: string | null;
  /** The underlying server: extra routes, or `enqueue('POST', '/oauth/token', reply.json(..., 500))` for one-off faults (not in tokenRequests). */
  readonly server: FakeHttpServer;
  /** What the "user" does at the consent page: approve (302 with code and state) or deny (302 with error=access_denied). Default approve. */
  setConsent(answer: 'approve' | 'deny'): void;
  /** Changes the token endpoint's answer delay from now on. */
  setTokenDelayMs(ms: number): void;
  /**
   * Plays the user's browser: GETs an authorize URL without following the redirect and resolves the
   * Location it answered (the callback URL). Rejects when the provider answered anything but 302.
   */
  visitAuthorizeUrl(authorizeUrl: string): Promise<string>;
  readonly authorizeRequests: readonly AuthorizeRequestRecord[];
  readonly tokenRequests: readonly TokenRequestRecord[];
  /** Token requests of one grant type, refused ones included. */
  count(grant: FakeGrantType): number;
  /** Every access token issued so far expires now: the API answers 401 for it. Later ones are good. */
  expireAccessTokens(): void;
  /** Every refresh token issued so far becomes invalid: refresh → 400 invalid_grant. */
  revokeRefreshTokens(): void;
  validRefreshTokens(): string[];
  validAccessTokens(): string[];
  readonly apiRequests: readonly ApiRequestRecord[];
  close(): Promise<void>;
}

const TOKEN_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

const refusal = (status: number, r: Refusal, headers: Record<string, string> = {}): FakeAnswer => ({
  status,
  headers: { ...TOKEN_HEADERS, ...headers },
  json: { error: r.error, error_description: r.description },
});

function bearerOf(request: RecordedRequest): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ?? null;
}

/**
 * Starts a generic OAuth 2.0 authorization server on 127.0.0.1 (a free port): the code grant with
 * optional PKCE S256 (RFC 6749 §4.1, RFC 7636), refresh with rotation, client credentials, and a
 * small protected API (`GET /api/me`, `GET /api/items`) that wants a valid bearer token. It behaves
 * like strict real providers: single-use codes bound to their redirect_uri and challenge, a replayed
 * code revokes what it issued, rotated-away refresh tokens answer `invalid_grant`. Tokens carry the
 * prefixes `fat_` (access), `frt_` (refresh) and `fac_` (code) so tests can grep logs for them.
 * @example
 * const provider = await startFakeOAuthProvider({ requirePkce: true, clientAuth: 'basic' });
 * const callback = await provider.visitAuthorizeUrl(`${provider.authorizeUrl}?response_type=code&client_id=fake-client-id&redirect_uri=...&state=s&code_challenge=...&code_challenge_method=S256`);
 * // ... hand `callback` to the consent flow, which exchanges the code at provider.tokenUrl ...
 * expect(provider.count('authorization_code')).toBe(1);
 * provider.expireAccessTokens();
 * await provider.close();
 */
export async function startFakeOAuthProvider(options: FakeOAuthProviderOptions = {}): Promise<FakeOAuthProvider> {
  const clientId = options.clientId ?? DEFAULT_FAKE_CLIENT_ID;
  const clientSecret = options.clientSecret === undefined ? DEFAULT_FAKE_CLIENT_SECRET : options.clientSecret;
  const ttlSeconds = options.accessTokenTtlSeconds === undefined ? DEFAULT_FAKE_ACCESS_TOKEN_TTL_SECONDS : options.accessTokenTtlSeconds;
  const refreshAnswer = options.omitRefreshTokenOnRefresh === true ? 'omit' : options.rotateRefreshTokens === false ? 'same' : 'rotate';
  const ledger = new FakeOAuthLedger({ now: options.now ?? Date.now, accessTokenTtlSeconds: ttlSeconds });
  const authorizeRequests: AuthorizeRequestRecord[] = [];
  const tokenRequests: TokenRequestRecord[] = [];
  const apiRequests: ApiRequestRecord[] = [];
  let consent: 'approve' | 'deny' = 'approve';
  let tokenDelayMs = options.tokenDelayMs ?? 0;
  const server = await createFakeHttpServer();

  const authorize = (request: RecordedRequest): FakeAnswer => {
    const params = Object.fromEntries(request.query);
    const refuse = (description: string): FakeAnswer => {
      authorizeRequests.push({ params, status: 400 });
      return { status: 400, json: { error: 'invalid_request', error_description: description } };
    };
    if (params.response_type !== 'code') return refuse('response_type must be code');
    if (params.client_id !== clientId) return refuse('unknown client_id');
    let target: URL;
    try {
      target = new URL(params.redirect_uri ?? '');
    } catch {
      return refuse('redirect_uri missing or not a URL');
    }
    if (!/^https?:$/.test(target.protocol) || target.hash !== '') return refuse('redirect_uri must be an http(s) URL without a fragment');
    if (options.redirectUris !== undefined && !options.redirectUris.includes(params.redirect_uri!)) return refuse('redirect_uri not registered');
    if (params.state === undefined || params.state === '') return refuse('state missing');
    const challenge = params.code_challenge;
    if (challenge === undefined && options.requirePkce === true) return refuse('code_challenge required');
    if (challenge !== undefined) {
      if (params.code_challenge_method !== 'S256') return refuse('code_challenge_method must be S256');
      if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return refuse('code_challenge is not base64url of a SHA-256 digest');
    }
    if (consent === 'approve') {
      const code = ledger.issueCode({ redirectUri: params.redirect_uri!, scope: params.scope, challenge });
      target.searchParams.append('code', code);
    } else {
      target.searchParams.append('error', 'access_denied');
      target.searchParams.append('error_description', 'user_denied');
    }
    target.searchParams.append('state', params.state);
    authorizeRequests.push({ params, status: 302, location: target.href });
    return { status: 302, headers: { location: target.href, 'cache-control': 'no-store' }, body: '' };
  };

  const grant = (grantType: string | undefined, params: Record<string, string>): Issued | Refusal => {
    switch (grantType) {
      case 'authorization_code':
        if (params.code === undefined) return { error: 'invalid_request', description: 'code missing' };
        return ledger.redeemCode(params.code, params.redirect_uri, params.code_verifier);
      case 'refresh_token':
        if (params.refresh_token === undefined) return { error: 'invalid_request', description: 'refresh_token missing' };
        return ledger.refresh(params.refresh_token, refreshAnswer);
      case 'client_credentials':
        if (clientSecret === null) return { error: 'unauthorized_client', description: 'public clients may not use client_credentials' };
        return ledger.clientCredentials(params.scope);
      case undefined:
        return { error: 'invalid_request', description: 'grant_type missing' };
      default:
        return { error: 'unsupported_grant_type', description: 'grant_type not supported' };
    }
  };

  const token = (request: RecordedRequest): FakeAnswer => {
    const contentType = request.headers['content-type'];
    const parsed = readTokenParams(request, options.tokenRequestFormat ?? 'form');
    const params = 'params' in parsed ? parsed.params : {};
    const auth = readClientAuth(request, params, { clientId, clientSecret, required: options.clientAuth ?? 'body' });
    const record = (status: number, error?: string): void => {
      tokenRequests.push({ grantType: params.grant_type, params, clientAuth: auth.used, basic: auth.basic, contentType, status, error, request });
    };
    const delayed = (answer: FakeAnswer): FakeAnswer => ({ ...answer, delayMs: tokenDelayMs });
    if ('error' in parsed) {
      record(400, parsed.error);
      return delayed(refusal(400, parsed));
    }
    if (auth.refusal !== undefined) {
      const status = auth.refusal.error === 'invalid_client' ? 401 : 400;
      record(status, auth.refusal.error);
      const challenge: Record<string, string> = status === 401 && auth.used === 'basic' ? { 'www-authenticate': 'Basic realm="fake-oauth"' } : {};
      return delayed(refusal(status, auth.refusal, challenge));
    }
    const outcome = grant(params.grant_type, params);
    if (isRefusal(outcome)) {
      record(400, outcome.error);
      return delayed(refusal(400, outcome));
    }
    record(200);
    const body: Record<string, unknown> = { access_token: outcome.accessToken, token_type: 'bearer' };
    if (ttlSeconds !== null) body.expires_in = ttlSeconds;
    if (outcome.refreshToken !== undefined) body.refresh_token = outcome.refreshToken;
    if (outcome.scope !== undefined) body.scope = outcome.scope;
    return delayed({ status: 200, headers: TOKEN_HEADERS, json: { ...body, ...options.extraTokenFields } });
  };

  const protectedApi = (answer: () => unknown) => (request: RecordedRequest): FakeAnswer => {
    const bearer = bearerOf(request);
    const problem = bearer === null ? 'no bearer token' : ledger.checkAccessToken(bearer);
    const status = problem === undefined ? 200 : 401;
    apiRequests.push({ method: request.method, path: request.path, token: bearer, status });
    if (problem === undefined) return { status, json: answer() };
    return {
      status,
      headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${problem}"` },
      json: { error: 'invalid_token', error_description: problem },
    };
  };

  server
    .route('GET', '/oauth/authorize', authorize)
    .route('POST', '/oauth/token', token)
    .route('GET', '/api/me', protectedApi(() => ({ id: options.accountId ?? DEFAULT_FAKE_ACCOUNT_ID, name: 'Fake Account' })))
    .route('GET', '/api/items', protectedApi(() => ({ items: FAKE_OAUTH_ITEMS })));

  return {
    url: server.url,
    authorizeUrl: `${server.url}/oauth/authorize`,
    tokenUrl: `${server.url}/oauth/token`,
    apiUrl: `${server.url}/api`,
    clientId,
    clientSecret,
    server,
    setConsent: (answer) => {
      consent = answer;
    },
    setTokenDelayMs: (ms) => {
      tokenDelayMs = ms;
    },
    async visitAuthorizeUrl(authorizeUrl) {
      const response = await fetch(authorizeUrl, { redirect: 'manual' });
      const location = response.headers.get('location');
      if (response.status !== 302 || location === null) {
        throw new Error(`fake OAuth provider answered ${response.status} to the authorize URL: ${await response.text()}`);
      }
      await response.body?.cancel();
      return location;
    },
    authorizeRequests,
    tokenRequests,
    count: (grantType) => tokenRequests.filter((r) => r.grantType === grantType).length,
    expireAccessTokens: () => ledger.expireAccessTokens(),
    revokeRefreshTokens: () => ledger.revokeRefreshTokens(),
    validRefreshTokens: () => ledger.validRefreshTokens(),
    validAccessTokens: () => ledger.validAccessTokens(),
    apiRequests,
    close: () => server.close(),
  };
}
