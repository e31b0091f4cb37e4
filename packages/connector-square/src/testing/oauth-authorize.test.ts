import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSquare, type FakeSquare, type FakeSquareOptions } from './index.js';

const started: FakeSquare[] = [];
async function start(options: FakeSquareOptions = {}): Promise<FakeSquare> {
  const square = await startFakeSquare(options);
  started.push(square);
  return square;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((square) => square.close()));
});

const CALLBACK = 'http://127.0.0.1:9/oauth/square/callback';
function authorizeUrl(square: FakeSquare, params: Record<string, string>): string {
  return `${square.authorizeUrl}?${new URLSearchParams({ client_id: square.applicationId, ...params }).toString()}`;
}

describe('GET /oauth2/authorize', () => {
  it('redirects to the registered redirect URL with code, response_type=code and the state echoed', async () => {
    const square = await start({ redirectUri: CALLBACK });
    const location = new URL(await square.visitAuthorizeUrl(authorizeUrl(square, { scope: 'ITEMS_READ ORDERS_READ', state: 'st-1', session: 'False' })));
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(Object.fromEntries(location.searchParams)).toEqual({ code: expect.stringMatching(/^sq0cgb-[A-Za-z0-9_-]{22}$/), response_type: 'code', state: 'st-1' });
  });

  it("redirects to the request's redirect_uri when none is registered, and refuses one that differs from the registered URL", async () => {
    const square = await start();
    const location = await square.visitAuthorizeUrl(authorizeUrl(square, { redirect_uri: 'http://127.0.0.1:9/cb?tenant=a' }));
    expect(new URL(location).searchParams.get('tenant')).toBe('a');
    expect(new URL(location).searchParams.get('code')).not.toBeNull();
    square.redirectUri = CALLBACK;
    const refused = await fetch(authorizeUrl(square, { redirect_uri: 'http://evil.example/cb' }), { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', field: 'redirect_uri' });
    // The registered one, given explicitly, is fine.
    expect(await square.visitAuthorizeUrl(authorizeUrl(square, { redirect_uri: CALLBACK }))).toMatch(/^http:\/\/127\.0\.0\.1:9\/oauth\/square\/callback\?code=/);
  });

  it('redirects with error=access_denied&error_description=user_denied when the seller denies, then approves again', async () => {
    const square = await start({ redirectUri: CALLBACK });
    square.denyAuthorizations();
    const denied = new URL(await square.visitAuthorizeUrl(authorizeUrl(square, { state: 'st-2' })));
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: 'access_denied', error_description: 'user_denied', state: 'st-2' });
    const approved = new URL(await square.visitAuthorizeUrl(authorizeUrl(square, { state: 'st-3' })));
    expect(approved.searchParams.get('code')).not.toBeNull();
    expect(() => square.denyAuthorizations(0)).toThrow(RangeError);
  });

  it('approves as the seller the test chose', async () => {
    const square = await start({ redirectUri: CALLBACK });
    const other = square.addMerchant();
    square.authorizeAs(other.id);
    const code = new URL(await square.visitAuthorizeUrl(authorizeUrl(square, {}))).searchParams.get('code')!;
    const token = await fetch(square.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: square.applicationId, client_secret: square.applicationSecret, code, grant_type: 'authorization_code' }),
    });
    expect(((await token.json()) as { merchant_id: string }).merchant_id).toBe(other.id);
    expect(() => square.authorizeAs('UNKNOWN')).toThrow();
  });

  it('refuses an unknown client_id, a missing redirect URL and a challenge method other than S256 with 400 Square errors', async () => {
    const square = await start();
    const cases: Array<[string, string]> = [
      [`${square.authorizeUrl}?client_id=sq0idp-someone-else&redirect_uri=${encodeURIComponent(CALLBACK)}`, 'client_id'],
      [authorizeUrl(square, {}), 'redirect_uri'],
      [authorizeUrl(square, { redirect_uri: CALLBACK, code_challenge: 'abc', code_challenge_method: 'plain' }), 'code_challenge_method'],
      [authorizeUrl(square, { redirect_uri: CALLBACK, code_challenge_method: 'S256' }), 'code_challenge'],
    ];
    for (const [url, field] of cases) {
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status, field).toBe(400);
      expect(((await response.json()) as any).errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', field });
    }
  });
});
