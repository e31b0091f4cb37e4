import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { s256Challenge, startFakeOAuthProvider, type FakeOAuthProvider, type FakeOAuthProviderOptions } from './fake-oauth-provider.js';

const REDIRECT = 'http://127.0.0.1:9/oauth/demo/callback';
const providers: FakeOAuthProvider[] = [];

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

async function start(options: FakeOAuthProviderOptions = {}): Promise<FakeOAuthProvider> {
  const provider = await startFakeOAuthProvider(options);
  providers.push(provider);
  return provider;
}

function authorizeUrl(provider: FakeOAuthProvider, params: Record<string, string | undefined> = {}): string {
  const url = new URL(provider.authorizeUrl);
  const all = { response_type: 'code', client_id: provider.clientId, redirect_uri: REDIRECT, scope: 'items:read', state: 'st-1', ...params };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

interface PostOptions {
  readonly format?: 'form' | 'json';
  /** Client auth to send; default client_id + client_secret in the body. */
  readonly auth?: 'body' | 'basic' | 'none';
  readonly secret?: string;
}

async function postToken(provider: FakeOAuthProvider, params: Record<string, string>, options: PostOptions = {}) {
  const secret = options.secret ?? provider.clientSecret ?? '';
  const auth = options.auth ?? 'body';
  const body: Record<string, string> = { ...params };
  const headers: Record<string, string> = {};
  if (auth === 'basic') headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(provider.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  if (auth !== 'basic') body.client_id = provider.clientId;
  if (auth === 'body') body.client_secret = secret;
  const json = options.format === 'json';
  headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
  const response = await fetch(provider.tokenUrl, { method: 'POST', headers, body: json ? JSON.stringify(body) : new URLSearchParams(body).toString() });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

async function codeFor(provider: FakeOAuthProvider, params: Record<string, string | undefined> = {}): Promise<string> {
  return new URL(await provider.visitAuthorizeUrl(authorizeUrl(provider, params))).searchParams.get('code')!;
}

async function connect(provider: FakeOAuthProvider): Promise<{ access: string; refresh: string }> {
  const code = await codeFor(provider);
  const answer = await postToken(provider, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
  return { access: answer.json.access_token as string, refresh: answer.json.refresh_token as string };
}

const apiGet = async (provider: FakeOAuthProvider, path: string, token?: string) => {
  const response = await fetch(`${provider.apiUrl}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
};

const verifier = (): string => randomBytes(32).toString('base64url');

describe('fake OAuth provider: authorize endpoint', () => {
  it('redirects an approved request to redirect_uri with a code and the state, keeping its query', async () => {
    const provider = await start();
    const location = new URL(await provider.visitAuthorizeUrl(authorizeUrl(provider, { redirect_uri: `${REDIRECT}?tenant=acme` })));
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('tenant')).toBe('acme');
    expect(location.searchParams.get('code')).toMatch(/^fac_[A-Za-z0-9_-]+$/);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(provider.authorizeRequests).toMatchObject([{ status: 302, params: { state: 'st-1', scope: 'items:read' } }]);
  });

  it('redirects a denied request with access_denied and the state, and no code', async () => {
    const provider = await start();
    provider.setConsent('deny');
    const location = new URL(await provider.visitAuthorizeUrl(authorizeUrl(provider)));
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'access_denied', error_description: 'user_denied', state: 'st-1' });
  });

  it.each([
    ['a response_type other than code', { response_type: 'token' }, {}],
    ['an unknown client_id', { client_id: 'someone-else' }, {}],
    ['no redirect_uri', { redirect_uri: undefined }, {}],
    ['a redirect_uri that is not http(s)', { redirect_uri: 'javascript:alert(1)' }, {}],
    ['an unregistered redirect_uri', { redirect_uri: 'http://127.0.0.1:9/elsewhere' }, { redirectUris: [REDIRECT] }],
    ['no state', { state: undefined }, {}],
    ['no code_challenge when PKCE is required', {}, { requirePkce: true }],
    ['a plain code_challenge', { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }, { requirePkce: true }],
  ] as const)('refuses %s with 400 invalid_request and no redirect', async (_name, params, options) => {
    const provider = await start(options);
    const response = await fetch(authorizeUrl(provider, params), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('fake OAuth provider: authorization_code grant', () => {
  it('exchanges a code for bearer tokens that open the API, answered with Cache-Control: no-store', async () => {
    const provider = await start({ extraTokenFields: { account_id: 'acct_1' } });
    const code = await codeFor(provider);
    const answer = await postToken(provider, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.json).toEqual({
      access_token: expect.stringMatching(/^fat_/),
      refresh_token: expect.stringMatching(/^frt_/),
      token_type: 'bearer',
      expires_in: 3600,
      scope: 'items:read',
      account_id: 'acct_1',
    });
    expect((await apiGet(provider, '/me', answer.json.access_token as string)).json).toMatchObject({ id: 'acct_1' });
    const items = await apiGet(provider, '/items', answer.json.access_token as string);
    expect(items.json.items).toHaveLength(3);
    expect(items.json.items).toContainEqual({ id: 'item_1', sku: 'SKU-1', name: 'Item 1', price: '9.99' });
    expect(provider.tokenRequests).toMatchObject([{ grantType: 'authorization_code', clientAuth: 'body', status: 200, params: { code } }]);
    expect(provider.count('authorization_code')).toBe(1);
  });

  it('omits expires_in when told to, and such tokens last until expireAccessTokens', async () => {
    const provider = await start({ accessTokenTtlSeconds: null });
    const code = await codeFor(provider);
    const answer = await postToken(provider, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(answer.json).not.toHaveProperty('expires_in');
    expect(provider.validAccessTokens()).toEqual([answer.json.access_token]);
  });

  it('accepts the right PKCE verifier and refuses a wrong or missing one with invalid_grant', async () => {
    const provider = await start({ requirePkce: true });
    const good = verifier();
    const pkce = { code_challenge: s256Challenge(good), code_challenge_method: 'S256' };
    const right = await postToken(provider, { grant_type: 'authorization_code', code: await codeFor(provider, pkce), redirect_uri: REDIRECT, code_verifier: good });
    expect(right.status).toBe(200);
    const wrong = await postToken(provider, { grant_type: 'authorization_code', code: await codeFor(provider, pkce), redirect_uri: REDIRECT, code_verifier: verifier() });
    expect([wrong.status, wrong.json.error]).toEqual([400, 'invalid_grant']);
    const missing = await postToken(provider, { grant_type: 'authorization_code', code: await codeFor(provider, pkce), redirect_uri: REDIRECT });
    expect([missing.status, missing.json.error]).toEqual([400, 'invalid_grant']);
  });

  it('refuses a verifier for a code that was issued without a challenge', async () => {
    const provider = await start();
    const answer = await postToken(provider, { grant_type: 'authorization_code', code: await codeFor(provider), redirect_uri: REDIRECT, code_verifier: verifier() });
    expect(answer.json.error).toBe('invalid_grant');
  });

  it('refuses a reused code and revokes the tokens issued from it', async () => {
    const provider = await start();
    const code = await codeFor(provider);
    const first = await postToken(provider, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    const second = await postToken(provider, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect([second.status, second.json.error]).toEqual([400, 'invalid_grant']);
    expect((await apiGet(provider, '/me', first.json.access_token as string)).status).toBe(401);
    expect(provider.validRefreshTokens()).toEqual([]);
  });

  it('refuses a code exchanged with another redirect_uri, or after 10 minutes', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const provider = await start({ now: () => clock });
    const mismatch = await postToken(provider, { grant_type: 'authorization_code', code: await codeFor(provider), redirect_uri: `${REDIRECT}/other` });
    expect(mismatch.json.error).toBe('invalid_grant');
    const code = await codeFor(provider);
    clock += 10 * 60 * 1000 + 1;
    expect((await postToken(provider, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).json.error).toBe('invalid_grant');
  });
});

describe('fake OAuth provider: client authentication and body format', () => {
  it('takes Basic credentials (form-urlencoded before base64) when configured for basic, and refuses body credentials', async () => {
    const provider = await start({ clientAuth: 'basic', clientId: 'id with space', clientSecret: 's3cr:t/+' });
    const viaBasic = await postToken(provider, { grant_type: 'client_credentials' }, { auth: 'basic' });
    expect(viaBasic.status).toBe(200);
    expect(provider.tokenRequests[0]).toMatchObject({ clientAuth: 'basic', basic: { clientId: 'id with space', clientSecret: 's3cr:t/+' } });
    const viaBody = await postToken(provider, { grant_type: 'client_credentials' }, { auth: 'body' });
    expect([viaBody.status, viaBody.json.error]).toEqual([401, 'invalid_client']);
  });

  it('answers 401 invalid_client with a Basic challenge to a wrong secret', async () => {
    const provider = await start({ clientAuth: 'basic' });
    const answer = await postToken(provider, { grant_type: 'client_credentials' }, { auth: 'basic', secret: 'wrong' });
    expect([answer.status, answer.json.error]).toEqual([401, 'invalid_client']);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('refuses Basic credentials when configured for body auth, and a wrong body secret', async () => {
    const provider = await start();
    expect((await postToken(provider, { grant_type: 'client_credentials' }, { auth: 'basic' })).status).toBe(401);
    expect((await postToken(provider, { grant_type: 'client_credentials' }, { secret: 'wrong' })).status).toBe(401);
  });

  it('lets a public client send its client_id alone, with PKCE', async () => {
    const provider = await start({ clientSecret: null, requirePkce: true });
    const good = verifier();
    const code = await codeFor(provider, { code_challenge: s256Challenge(good), code_challenge_method: 'S256' });
    const answer = await postToken(provider, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: good }, { auth: 'none' });
    expect(answer.status).toBe(200);
    expect(provider.tokenRequests[0]?.clientAuth).toBe('none');
  });

  it('takes JSON when configured for JSON and refuses a form body, and the reverse', async () => {
    const jsonProvider = await start({ tokenRequestFormat: 'json' });
    expect((await postToken(jsonProvider, { grant_type: 'client_credentials' }, { format: 'json' })).status).toBe(200);
    const refused = await postToken(jsonProvider, { grant_type: 'client_credentials' }, { format: 'form' });
    expect([refused.status, refused.json.error]).toEqual([400, 'invalid_request']);
    const formProvider = await start();
    expect((await postToken(formProvider, { grant_type: 'client_credentials' }, { format: 'json' })).json.error).toBe('invalid_request');
  });
});

describe('fake OAuth provider: refresh, client credentials and other grants', () => {
  it('rotates refresh tokens: the new one works, the old one answers invalid_grant', async () => {
    const provider = await start();
    const { refresh } = await connect(provider);
    const renewed = await postToken(provider, { grant_type: 'refresh_token', refresh_token: refresh });
    expect(renewed.status).toBe(200);
    expect(renewed.json.refresh_token).toMatch(/^frt_/);
    expect(renewed.json.refresh_token).not.toBe(refresh);
    expect(provider.validRefreshTokens()).toEqual([renewed.json.refresh_token]);
    const replayed = await postToken(provider, { grant_type: 'refresh_token', refresh_token: refresh });
    expect([replayed.status, replayed.json.error]).toEqual([400, 'invalid_grant']);
    expect(provider.count('refresh_token')).toBe(2);
  });

  it('answers the same refresh token again when rotation is off, or none when told to omit it', async () => {
    const same = await start({ rotateRefreshTokens: false });
    const first = await connect(same);
    for (let i = 0; i < 2; i++) {
      expect((await postToken(same, { grant_type: 'refresh_token', refresh_token: first.refresh })).json.refresh_token).toBe(first.refresh);
    }
    const omit = await start({ omitRefreshTokenOnRefresh: true });
    const second = await connect(omit);
    const answer = await postToken(omit, { grant_type: 'refresh_token', refresh_token: second.refresh });
    expect(answer.json).not.toHaveProperty('refresh_token');
    expect(omit.validRefreshTokens()).toEqual([second.refresh]);
  });

  it('refuses every refresh token after revokeRefreshTokens', async () => {
    const provider = await start();
    const { refresh } = await connect(provider);
    provider.revokeRefreshTokens();
    const answer = await postToken(provider, { grant_type: 'refresh_token', refresh_token: refresh });
    expect([answer.status, answer.json.error]).toEqual([400, 'invalid_grant']);
    expect(answer.json.error_description).toEqual(expect.any(String));
  });

  it('issues an access token without a refresh token for client_credentials, echoing the scope', async () => {
    const provider = await start();
    const answer = await postToken(provider, { grant_type: 'client_credentials', scope: 'a b' });
    expect(answer.json).toEqual({ access_token: expect.stringMatching(/^fat_/), token_type: 'bearer', expires_in: 3600, scope: 'a b' });
    expect(provider.count('client_credentials')).toBe(1);
  });

  it('answers unsupported_grant_type to other grants', async () => {
    const provider = await start();
    const answer = await postToken(provider, { grant_type: 'password', username: 'u', password: 'p' });
    expect([answer.status, answer.json.error]).toEqual([400, 'unsupported_grant_type']);
  });
});

describe('fake OAuth provider: protected API', () => {
  it('answers 401 invalid_token with a Bearer challenge to expired, unknown or missing tokens, and records each call', async () => {
    const provider = await start();
    const { access } = await connect(provider);
    expect((await apiGet(provider, '/items', access)).status).toBe(200);
    provider.expireAccessTokens();
    const expired = await apiGet(provider, '/items', access);
    expect([expired.status, expired.json.error]).toEqual([401, 'invalid_token']);
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect((await apiGet(provider, '/me')).status).toBe(401);
    expect((await apiGet(provider, '/me', 'fat_unknown')).status).toBe(401);
    const fresh = await connect(provider);
    expect((await apiGet(provider, '/me', fresh.access)).status).toBe(200);
    expect(provider.apiRequests.map((r) => [r.path, r.token, r.status])).toEqual([
      ['/api/items', access, 200],
      ['/api/items', access, 401],
      ['/api/me', null, 401],
      ['/api/me', 'fat_unknown', 401],
      ['/api/me', fresh.access, 200],
    ]);
  });

  it('expires access tokens after expires_in on its clock', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const provider = await start({ now: () => clock, accessTokenTtlSeconds: 60 });
    const { access } = await connect(provider);
    clock += 59_000;
    expect((await apiGet(provider, '/me', access)).status).toBe(200);
    clock += 1_000;
    expect((await apiGet(provider, '/me', access)).status).toBe(401);
  });
});
