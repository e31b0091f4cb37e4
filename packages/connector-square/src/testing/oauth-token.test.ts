import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSquare, squareCodeChallenge, type FakeSquare } from './index.js';

const CALLBACK = 'http://127.0.0.1:9/oauth/square/callback';
const DAY = 86_400_000;
let now = Date.parse('2025-03-04T18:31:06.500Z');
let square: FakeSquare;
afterEach(async () => {
  await square.close();
});
async function start(options: { accessTokenTtlMs?: number } = {}): Promise<void> {
  now = Date.parse('2025-03-04T18:31:06.500Z');
  square = await startFakeSquare({ redirectUri: CALLBACK, now: () => now, ...options });
}

async function codeFor(params: Record<string, string> = {}): Promise<string> {
  const url = `${square.authorizeUrl}?${new URLSearchParams({ client_id: square.applicationId, scope: 'ITEMS_READ ORDERS_READ', ...params }).toString()}`;
  return new URL(await square.visitAuthorizeUrl(url)).searchParams.get('code')!;
}

async function token(body: Record<string, unknown>): Promise<{ status: number; json: any }> {
  const response = await fetch(square.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: square.applicationId, ...body }) });
  return { status: response.status, json: await response.json() };
}
const withSecret = (body: Record<string, unknown>): Record<string, unknown> => ({ client_secret: square.applicationSecret, ...body });

const verifier = 'a-code-verifier-of-at-least-43-characters-for-rfc-7636';
const challenge = createHash('sha256').update(verifier).digest('base64url');

describe('POST /oauth2/token, code flow', () => {
  it("exchanges a code for the spec's token response, expiring in 30 days, and refuses the code a second time", async () => {
    await start();
    const code = await codeFor();
    const first = await token(withSecret({ code, grant_type: 'authorization_code' }));
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      access_token: expect.stringMatching(/^EAAA[A-Za-z0-9_-]{60}$/),
      token_type: 'bearer',
      expires_at: '2025-04-03T18:31:06Z',
      merchant_id: 'MLQW2MYBY81PZ',
      refresh_token: expect.stringMatching(/^EQAA[A-Za-z0-9_-]{60}$/),
      short_lived: false,
    });
    const again = await token(withSecret({ code, grant_type: 'authorization_code' }));
    expect(again.status).toBe(400);
    expect(again.json).toEqual({
      errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST', detail: 'The authorization code was already used' }],
      error: 'invalid_grant',
      error_description: 'The authorization code was already used',
    });
    expect(square.tokensOf()).toEqual([expect.objectContaining({ accessToken: first.json.access_token, flow: 'code', grantType: 'authorization_code', scopes: ['ITEMS_READ', 'ORDERS_READ'], revoked: false })]);
  });

  it('refuses a code older than 5 minutes with invalid_grant', async () => {
    await start();
    const code = await codeFor();
    now += 5 * 60_000 + 1;
    const late = await token(withSecret({ code, grant_type: 'authorization_code' }));
    expect([late.status, late.json.error, late.json.error_description]).toEqual([400, 'invalid_grant', 'The authorization code has expired']);
  });

  it('refuses a wrong or missing client secret and an unknown client_id with 401 invalid_client, leaving the code usable', async () => {
    await start();
    const code = await codeFor();
    for (const body of [{ client_secret: 'sq0csp-wrong', code, grant_type: 'authorization_code' }, { code, grant_type: 'authorization_code' }, { client_id: 'sq0idp-other', ...withSecret({ code, grant_type: 'authorization_code' }) }]) {
      const refused = await token(body);
      expect(refused.status).toBe(401);
      expect(refused.json).toMatchObject({ error: 'invalid_client', errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED' }] });
    }
    expect((await token(withSecret({ code, grant_type: 'authorization_code' }))).status).toBe(200);
  });

  it("requires the authorize request's redirect_uri again when it named one", async () => {
    await start();
    const code = await codeFor({ redirect_uri: CALLBACK });
    expect((await token(withSecret({ code, grant_type: 'authorization_code' }))).json.error).toBe('invalid_grant');
    expect((await token(withSecret({ code, grant_type: 'authorization_code', redirect_uri: 'http://127.0.0.1:9/other' }))).json.error).toBe('invalid_grant');
    expect((await token(withSecret({ code, grant_type: 'authorization_code', redirect_uri: CALLBACK }))).status).toBe(200);
  });

  it('refreshes with the same multi-use refresh token and a new access token, and needs the secret to do so', async () => {
    await start();
    const issued = (await token(withSecret({ code: await codeFor(), grant_type: 'authorization_code' }))).json;
    now += 7 * DAY;
    const refreshed = await token(withSecret({ grant_type: 'refresh_token', refresh_token: issued.refresh_token }));
    expect(refreshed.json).toEqual({ ...issued, access_token: expect.any(String), expires_at: '2025-04-10T18:31:06Z' });
    expect(refreshed.json.access_token).not.toBe(issued.access_token);
    expect((await token(withSecret({ grant_type: 'refresh_token', refresh_token: issued.refresh_token }))).status).toBe(200);
    const noSecret = await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token });
    expect([noSecret.status, noSecret.json.error]).toEqual([401, 'invalid_client']);
    // Code-flow refresh tokens never expire.
    now += 400 * DAY;
    expect((await token(withSecret({ grant_type: 'refresh_token', refresh_token: issued.refresh_token }))).status).toBe(200);
  });

  it('narrows scopes on refresh to those both asked and authorized', async () => {
    await start();
    const issued = (await token(withSecret({ code: await codeFor(), grant_type: 'authorization_code' }))).json;
    await token(withSecret({ grant_type: 'refresh_token', refresh_token: issued.refresh_token, scopes: ['ITEMS_READ', 'PAYMENTS_WRITE'] }));
    expect(square.tokensOf().at(-1)?.scopes).toEqual(['ITEMS_READ']);
  });

  it('issues short_lived tokens for 24 hours without a refresh token', async () => {
    await start();
    const issued = await token(withSecret({ code: await codeFor(), grant_type: 'authorization_code', short_lived: true }));
    expect(issued.json).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_at: '2025-03-05T18:31:06Z', merchant_id: 'MLQW2MYBY81PZ', short_lived: true });
  });

  it('honours a short access token lifetime for expiry tests', async () => {
    await start({ accessTokenTtlMs: 60_000 });
    const issued = (await token(withSecret({ code: await codeFor(), grant_type: 'authorization_code' }))).json;
    expect(issued.expires_at).toBe('2025-03-04T18:32:06Z');
  });

  it('refuses an unknown grant type, a missing code and an unknown refresh token', async () => {
    await start();
    expect((await token(withSecret({ grant_type: 'client_credentials' }))).json).toMatchObject({ error: 'unsupported_grant_type', errors: [{ code: 'INVALID_VALUE', field: 'grant_type' }] });
    expect((await token(withSecret({ grant_type: 'authorization_code' }))).json).toMatchObject({ error: 'invalid_request', errors: [{ code: 'MISSING_REQUIRED_PARAMETER', field: 'code' }] });
    expect((await token(withSecret({ grant_type: 'refresh_token', refresh_token: 'EQAAnope' }))).json.error).toBe('invalid_grant');
  });
});

describe('POST /oauth2/token, PKCE flow', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', () => {
    expect(squareCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('exchanges a code with the S256 verifier and no secret, and refuses a wrong or missing verifier', async () => {
    await start();
    const code = await codeFor({ code_challenge: challenge });
    for (const body of [{ code, grant_type: 'authorization_code', code_verifier: 'wrong' }, { code, grant_type: 'authorization_code' }]) {
      const refused = await token(body);
      expect([refused.status, refused.json.error]).toEqual([400, 'invalid_grant']);
    }
    const issued = await token({ code, grant_type: 'authorization_code', code_verifier: verifier });
    expect(issued.json).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_at: '2025-04-03T18:31:06Z',
      merchant_id: 'MLQW2MYBY81PZ',
      refresh_token: expect.any(String),
      short_lived: false,
      refresh_token_expires_at: '2025-06-02T18:31:06Z',
    });
    expect(square.tokensOf()[0]?.flow).toBe('pkce');
  });

  it('answers a new single-use refresh token on each refresh; the used one is invalid_grant', async () => {
    await start();
    const issued = (await token({ code: await codeFor({ code_challenge: challenge, code_challenge_method: 'S256' }), grant_type: 'authorization_code', code_verifier: verifier })).json;
    now += DAY;
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).not.toBe(issued.refresh_token);
    expect(refreshed.json.refresh_token_expires_at).toBe('2025-06-03T18:31:06Z');
    const reused = await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token });
    expect([reused.status, reused.json.error_description]).toEqual([400, 'The refresh token was already used']);
    expect((await token({ grant_type: 'refresh_token', refresh_token: refreshed.json.refresh_token })).status).toBe(200);
  });

  it('lets a PKCE refresh token expire after 90 days', async () => {
    await start();
    const issued = (await token({ code: await codeFor({ code_challenge: challenge }), grant_type: 'authorization_code', code_verifier: verifier })).json;
    now += 90 * DAY + 1;
    const late = await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token });
    expect([late.status, late.json.error_description]).toEqual([400, 'The refresh token has expired']);
  });
});
