import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectdError } from '../errors/index.js';
import { createConnectionClient, type ConnectionClient } from '../http/index.js';
import { createLogger } from '../log/index.js';
import { createFakeHttpServer, reply, type FakeHttpServer } from '../testing/fake-http-server.js';
import { s256Challenge, startFakeOAuthProvider, type FakeOAuthProvider, type FakeOAuthProviderOptions } from '../testing/fake-oauth-provider.js';
import { createTokenEndpoint } from './token-endpoint.js';
import type { OAuthClientSettings, TokenEndpoint } from './types.js';
import { rejectionOf } from '../testing/rejection.js';

const REDIRECT = 'http://127.0.0.1:9/oauth/demo/callback';
const NOW = Date.parse('2026-03-01T12:00:00Z');

let client: ConnectionClient;
let logText: string;
const closers: Array<() => Promise<void>> = [];

beforeEach(() => {
  logText = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  client = createConnectionClient({ name: 'demo:oauth', log: createLogger({ destination, level: 'debug' }), retry: { baseDelayMs: 1, maxDelayMs: 2 } });
});
afterEach(async () => {
  await client.close();
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function provider(options: FakeOAuthProviderOptions = {}): Promise<FakeOAuthProvider> {
  const started = await startFakeOAuthProvider(options);
  closers.push(() => started.close());
  return started;
}

async function fakeServer(): Promise<FakeHttpServer> {
  const server = await createFakeHttpServer();
  closers.push(() => server.close());
  return server;
}

function settings(overrides: Partial<OAuthClientSettings> & { tokenUrl: string }): OAuthClientSettings {
  return {
    connector: 'demo',
    grant: 'authorization_code',
    clientId: 'fake-client-id',
    clientSecret: 'fake-client-secret',
    scopes: [],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
    tokenRequestFormat: 'form',
    refreshMarginSeconds: 300,
    extraAuthorizeParams: {},
    reauthErrors: ['invalid_grant'],
    errorCodePaths: ['$.error'],
    ...overrides,
  };
}

const endpoint = (s: OAuthClientSettings, config: Record<string, unknown> = {}): TokenEndpoint => createTokenEndpoint(s, client, config, { now: () => NOW });

/** Plays the user approving consent; returns the code (and the verifier when PKCE is on). */
async function consent(p: FakeOAuthProvider, pkce = false): Promise<{ code: string; verifier?: string }> {
  const url = new URL(p.authorizeUrl);
  const verifier = pkce ? randomBytes(32).toString('base64url') : undefined;
  const params: Record<string, string> = { response_type: 'code', client_id: p.clientId, redirect_uri: REDIRECT, scope: 'items:read', state: 's' };
  if (verifier !== undefined) Object.assign(params, { code_challenge: s256Challenge(verifier), code_challenge_method: 'S256' });
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const code = new URL(await p.visitAuthorizeUrl(url.href)).searchParams.get('code')!;
  return verifier === undefined ? { code } : { code, verifier };
}

const leaks = (err: ConnectdError, secrets: readonly string[]): string[] => {
  const text = `${err.message} ${JSON.stringify(err)}`;
  return secrets.filter((s) => text.includes(s));
};

describe('createTokenEndpoint: grants', () => {
  it('exchanges a code as a form with body client auth and reads the token set, keeping only non-secret extras', async () => {
    const p = await provider({ extraTokenFields: { account_id: 'acct_1', refresh_token_expires_in: 7776000, id_token: 'jwt', auth_code_hint: 'x' } });
    const { code } = await consent(p);
    const tokens = await endpoint(settings({ tokenUrl: p.tokenUrl })).exchangeCode({ code, redirectUri: REDIRECT });
    expect(tokens).toEqual({
      accessToken: expect.stringMatching(/^fat_/),
      refreshToken: expect.stringMatching(/^frt_/),
      expiresAt: new Date(NOW + 3600 * 1000),
      scope: 'items:read',
      tokenType: 'bearer',
      extra: { account_id: 'acct_1' },
    });
    const arrived = p.tokenRequests[0]!;
    expect(arrived.params).toEqual({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'fake-client-id', client_secret: 'fake-client-secret' });
    expect(arrived.request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(arrived.request.headers.accept).toBe('application/json');
    expect(arrived.clientAuth).toBe('body');
  });

  it('exchanges a code as JSON with Basic client auth and sends the PKCE verifier', async () => {
    const p = await provider({ tokenRequestFormat: 'json', clientAuth: 'basic', requirePkce: true, clientSecret: 'se:cr+t' });
    const { code, verifier } = await consent(p, true);
    const s = settings({ tokenUrl: p.tokenUrl, tokenRequestFormat: 'json', clientAuth: 'basic', pkce: true, clientSecret: 'se:cr+t' });
    const tokens = await endpoint(s).exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: verifier });
    expect(tokens.accessToken).toMatch(/^fat_/);
    const arrived = p.tokenRequests[0]!;
    expect(arrived.status).toBe(200);
    expect(arrived.basic).toEqual({ clientId: 'fake-client-id', clientSecret: 'se:cr+t' });
    expect(arrived.params).toEqual({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(arrived.request.headers['content-type']).toBe('application/json');
  });

  it('sends only client_id for a public client with PKCE', async () => {
    const p = await provider({ clientSecret: null, requirePkce: true });
    const { code, verifier } = await consent(p, true);
    await endpoint(settings({ tokenUrl: p.tokenUrl, clientSecret: undefined, clientAuth: 'basic', pkce: true })).exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: verifier });
    expect(p.tokenRequests[0]).toMatchObject({ status: 200, clientAuth: 'none', params: { client_id: 'fake-client-id', code_verifier: verifier } });
    expect(p.tokenRequests[0]!.request.headers.authorization).toBeUndefined();
  });

  it('refreshes with grant_type and refresh_token only (never a scope) and returns the rotated token', async () => {
    const p = await provider();
    const s = settings({ tokenUrl: p.tokenUrl, scopes: ['items:read', 'me'] });
    const first = await endpoint(s).exchangeCode({ ...(await consent(p)), redirectUri: REDIRECT });
    const renewed = await endpoint(s).refresh(first.refreshToken!);
    expect(renewed.refreshToken).toMatch(/^frt_/);
    expect(renewed.refreshToken).not.toBe(first.refreshToken);
    expect(p.validRefreshTokens()).toEqual([renewed.refreshToken]);
    expect(p.tokenRequests[1]!.params).toEqual({ grant_type: 'refresh_token', refresh_token: first.refreshToken, client_id: 'fake-client-id', client_secret: 'fake-client-secret' });
  });

  it('asks for client credentials with the scopes joined by the separator, and gets no refresh token', async () => {
    const p = await provider({ clientAuth: 'basic' });
    const s = settings({ tokenUrl: p.tokenUrl, grant: 'client_credentials', clientAuth: 'basic', scopes: ['a', 'b'], scopeSeparator: ',' });
    const tokens = await endpoint(s).clientCredentials();
    expect(tokens).toMatchObject({ accessToken: expect.stringMatching(/^fat_/), refreshToken: undefined, scope: 'a,b' });
    expect(p.tokenRequests[0]).toMatchObject({ clientAuth: 'basic', params: { grant_type: 'client_credentials', scope: 'a,b' } });
  });

  it('fills the token URL from the connection config', async () => {
    const p = await provider();
    const s = settings({ tokenUrl: 'http://{host}/oauth/token', grant: 'client_credentials' });
    await endpoint(s, { host: new URL(p.url).host }).clientCredentials();
    expect(p.count('client_credentials')).toBe(1);
  });

  it('reads an ISO expires_at when the vendor answers no expires_in', async () => {
    const server = await fakeServer();
    server.route('POST', '/token', reply.json({ access_token: 'at', expires_at: '2026-03-31T12:00:00Z', merchant_id: 'M1' }));
    const tokens = await endpoint(settings({ tokenUrl: `${server.url}/token` })).refresh('rt');
    expect(tokens.expiresAt).toEqual(new Date('2026-03-31T12:00:00Z'));
    expect(tokens.extra).toEqual({ expires_at: '2026-03-31T12:00:00Z', merchant_id: 'M1' });
  });

  it.each([
    [3600, new Date(NOW + 3600 * 1000)],
    ['86400', new Date(NOW + 86400 * 1000)],
    [0, null],
    [-5, null],
    ['soon', null],
    [undefined, null],
  ])('reads expires_in %j as expiresAt %j', async (expiresIn, expected) => {
    const server = await fakeServer();
    server.route('POST', '/token', reply.json({ access_token: 'at', expires_in: expiresIn }));
    const tokens = await endpoint(settings({ tokenUrl: `${server.url}/token` })).refresh('rt');
    expect(tokens.expiresAt).toEqual(expected);
  });
});

describe('createTokenEndpoint: failures', () => {
  it('rejects a refused refresh with CONNECTD_ERR_OAUTH_INVALID_GRANT, carrying no token or secret', async () => {
    const p = await provider();
    const s = settings({ tokenUrl: p.tokenUrl });
    const { refreshToken } = await endpoint(s).exchangeCode({ ...(await consent(p)), redirectUri: REDIRECT });
    p.revokeRefreshTokens();
    const err = await rejectionOf(endpoint(s).refresh(refreshToken!));
    expect(err.code).toBe('CONNECTD_ERR_OAUTH_INVALID_GRANT');
    expect(err.details).toMatchObject({ connector: 'demo', grant: 'refresh_token', error: 'invalid_grant' });
    expect(leaks(err, [refreshToken!, 'fake-client-secret'])).toEqual([]);
  });

  it('treats a declared equivalent of invalid_grant the same, and other errors as REQUEST_FAILED', async () => {
    const server = await fakeServer();
    server.route('POST', '/token', reply.json({ error: 'token_revoked', error_description: 'the merchant revoked access' }, 401));
    const declared = await rejectionOf(endpoint(settings({ tokenUrl: `${server.url}/token`, reauthErrors: ['invalid_grant', 'token_revoked'] })).refresh('rt-secret-1'));
    expect(declared.code).toBe('CONNECTD_ERR_OAUTH_INVALID_GRANT');
    expect(declared.details).toMatchObject({ error: 'token_revoked', description: 'the merchant revoked access' });
    const undeclared = await rejectionOf(endpoint(settings({ tokenUrl: `${server.url}/token` })).refresh('rt-secret-1'));
    expect(undeclared.code).toBe('CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED');
    expect(undeclared.details).toMatchObject({ connector: 'demo', grant: 'refresh_token', status: 401, error: 'token_revoked' });
  });

  it("reads the code of a vendor's own error format where error_codes says, RFC 6749's first", async () => {
    const server = await fakeServer();
    // Square's format: no `error`, an `errors` list (a revoked grant answers BAD_REQUEST).
    server.route('POST', '/token', reply.json({ errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST', detail: 'cannot renew revoked token' }] }, 400));
    const square = settings({ tokenUrl: `${server.url}/token`, errorCodePaths: ['$.error', '$.errors[0].code'], reauthErrors: ['invalid_grant', 'BAD_REQUEST'] });
    const err = await rejectionOf(endpoint(square).refresh('rt-secret-1'));
    expect(err.code).toBe('CONNECTD_ERR_OAUTH_INVALID_GRANT');
    expect(err.details).toMatchObject({ error: 'BAD_REQUEST' });
    // Without the path the code is not read: a plain failure of the request, never a reconnect.
    const plain = await rejectionOf(endpoint(settings({ tokenUrl: `${server.url}/token`, reauthErrors: ['BAD_REQUEST'] })).refresh('rt-secret-1'));
    expect(plain.code).toBe('CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED');
  });

  it('reads a 200 answer carrying an error field as the refusal it is', async () => {
    const server = await fakeServer();
    server.route('POST', '/token', reply.json({ error: 'invalid_grant', error_description: 'bad code' }));
    const err = await rejectionOf(endpoint(settings({ tokenUrl: `${server.url}/token` })).exchangeCode({ code: 'c', redirectUri: REDIRECT }));
    expect(err.code).toBe('CONNECTD_ERR_OAUTH_INVALID_GRANT');
  });

  it('cuts a vendor description to 200 characters and scrubs secrets it echoes', async () => {
    const server = await fakeServer();
    const refreshToken = 'frt_echoed-secret-value';
    server.route('POST', '/token', reply.json({ error: 'invalid_grant', error_description: `token ${refreshToken} is gone ${'x'.repeat(500)}` }, 400));
    const err = await rejectionOf(endpoint(settings({ tokenUrl: `${server.url}/token` })).refresh(refreshToken));
    expect((err.details.description as string).length).toBe(200);
    expect(leaks(err, [refreshToken, 'fake-client-secret'])).toEqual([]);
  });

  it('rejects a 500 with CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED after a single attempt', async () => {
    const server = await fakeServer();
    server.route('POST', '/token', { status: 500, body: '<html>oops refresh_token=rt-in-body</html>' });
    const err = await rejectionOf(endpoint(settings({ tokenUrl: `${server.url}/token` })).refresh('rt-in-body'));
    expect(err.code).toBe('CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED');
    expect(err.details).toEqual({ connector: 'demo', grant: 'refresh_token', status: 500 });
    expect(server.requestsTo('POST', '/token')).toHaveLength(1);
    expect(leaks(err, ['rt-in-body', 'fake-client-secret'])).toEqual([]);
  });

  it.each([
    ['a body that is not JSON', { status: 200, body: 'access_token=at-secret&token_type=bearer' }],
    ['JSON without an access_token', reply.json({ token_type: 'bearer', refresh_token: 'rt-new' })],
    ['an empty access_token', reply.json({ access_token: '' })],
  ])('rejects a 2xx with %s as CONNECTD_ERR_OAUTH_TOKEN_RESPONSE_INVALID, quoting none of it', async (_name, answer) => {
    const server = await fakeServer();
    server.route('POST', '/token', answer);
    const err = await rejectionOf(endpoint(settings({ tokenUrl: `${server.url}/token` })).clientCredentials());
    expect(err.code).toBe('CONNECTD_ERR_OAUTH_TOKEN_RESPONSE_INVALID');
    expect(err.details).toMatchObject({ connector: 'demo', grant: 'client_credentials', status: 200 });
    expect(leaks(err, ['at-secret', 'rt-new', 'fake-client-secret'])).toEqual([]);
  });

  it.each([
    ['missing', {}, { missing: ['shop'], unsafe: [] }],
    ['unsafe', { shop: 'evil.example/steal?x=' }, { missing: [], unsafe: ['shop'] }],
  ])('rejects every call with CONNECTD_ERR_OAUTH_TOKEN_URL_INVALID when a placeholder is %s, sending nothing', async (_name, config, expected) => {
    const server = await fakeServer();
    const e = endpoint(settings({ tokenUrl: 'https://{shop}/admin/oauth/access_token' }), config);
    const err = await rejectionOf(e.refresh('rt'));
    expect(err.code).toBe('CONNECTD_ERR_OAUTH_TOKEN_URL_INVALID');
    expect(err.details).toEqual({ connector: 'demo', ...expected });
    expect(server.requests).toHaveLength(0);
  });

  it('lets errors of the HTTP client pass through unchanged', async () => {
    const server = await fakeServer();
    server.route('POST', '/token', reply.reset());
    const err = await rejectionOf(endpoint(settings({ tokenUrl: `${server.url}/token` })).refresh('rt'));
    expect(err.code).toBe('CONNECTD_ERR_HTTP_REQUEST_FAILED');
    expect(server.requestsTo('POST', '/token')).toHaveLength(1);
  });

  it('logs token calls without the code, tokens or client secret', async () => {
    const p = await provider();
    const s = settings({ tokenUrl: p.tokenUrl });
    const { code } = await consent(p);
    const tokens = await endpoint(s).exchangeCode({ code, redirectUri: REDIRECT });
    await endpoint(s).refresh(tokens.refreshToken!);
    expect(logText).toContain(p.tokenUrl.replace(p.url, ''));
    for (const secret of [code, tokens.accessToken, tokens.refreshToken!, 'fake-client-secret']) expect(logText).not.toContain(secret);
  });
});
