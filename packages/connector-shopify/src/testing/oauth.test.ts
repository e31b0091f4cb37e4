import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SHOPIFY_OFFLINE_TOKEN_TYPE, SHOPIFY_TOKEN_EXCHANGE_GRANT, startFakeShopify, type FakeShopify, type FakeShopifyOptions } from './index.js';

const SHOP = 'acme.myshopify.com';
const REDIRECT = 'https://connectd.example.com/oauth/shopify/callback';
const started: FakeShopify[] = [];
async function start(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const shopify = await startFakeShopify({ shops: [SHOP, 'beta.myshopify.com'], ...options });
  started.push(shopify);
  return shopify;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((shopify) => shopify.close()));
});

/** A verifier written from VENDORS.md §1.2 for these tests only: every param but hmac, sorted, `k=v&…`, hex HMAC-SHA256. */
function callbackHmacValid(callback: URL, secret: string): boolean {
  const pairs = [...callback.searchParams.entries()].filter(([k]) => k !== 'hmac').sort(([a], [b]) => (a < b ? -1 : 1));
  const message = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return createHmac('sha256', secret).update(message).digest('hex') === callback.searchParams.get('hmac');
}

function authorizeUrl(shopify: FakeShopify, params: Record<string, string> = {}, shop = SHOP): string {
  const url = new URL(`${shopify.shopUrl(shop)}/admin/oauth/authorize`);
  const all = { client_id: shopify.clientId, scope: 'read_products,read_orders', redirect_uri: REDIRECT, state: 'n0nce-1', 'grant_options[]': '', ...params };
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  return url.toString();
}

async function token(shopify: FakeShopify, body: Record<string, string>, shop = SHOP, form = false): Promise<{ status: number; json: any }> {
  const response = await fetch(`${shopify.shopUrl(shop)}/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', accept: 'application/json' },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function codeFor(shopify: FakeShopify, params: Record<string, string> = {}, shop = SHOP): Promise<string> {
  return new URL(await shopify.visitAuthorizeUrl(authorizeUrl(shopify, params, shop))).searchParams.get('code')!;
}

describe('authorize', () => {
  it("redirects with Shopify's signed query: code, hmac, host, shop, state, timestamp", async () => {
    const shopify = await start({ now: () => Date.parse('2026-01-10T12:00:00Z') });
    const callback = new URL(await shopify.visitAuthorizeUrl(authorizeUrl(shopify)));
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect([...callback.searchParams.keys()].sort()).toEqual(['code', 'hmac', 'host', 'shop', 'state', 'timestamp']);
    expect(callback.searchParams.get('shop')).toBe(SHOP);
    expect(callback.searchParams.get('state')).toBe('n0nce-1');
    expect(callback.searchParams.get('timestamp')).toBe(String(Date.parse('2026-01-10T12:00:00Z') / 1000));
    expect(callback.searchParams.get('code')).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(callback.searchParams.get('host')!, 'base64').toString()).toBe('admin.shopify.com/store/acme');
    expect(callback.searchParams.get('hmac')).toMatch(/^[0-9a-f]{64}$/);
    expect(callbackHmacValid(callback, shopify.clientSecret)).toBe(true);
    expect(callbackHmacValid(callback, 'another-secret')).toBe(false);
  });

  it('redirects a denial with error=access_denied, still signed; refuses a wrong client_id or a redirect_uri outside the allowed ones without redirecting', async () => {
    const shopify = await start({ redirectUris: [REDIRECT] });
    shopify.denyAuthorizations();
    const denied = new URL(await shopify.visitAuthorizeUrl(authorizeUrl(shopify)));
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('code')).toBeNull();
    expect(callbackHmacValid(denied, shopify.clientSecret)).toBe(true);
    await expect(shopify.visitAuthorizeUrl(authorizeUrl(shopify, { client_id: 'wrong' }))).rejects.toThrow(/400/);
    await expect(shopify.visitAuthorizeUrl(authorizeUrl(shopify, { redirect_uri: 'https://evil.example.com/cb' }))).rejects.toThrow(/400/);
    expect(new URL(await shopify.visitAuthorizeUrl(authorizeUrl(shopify))).searchParams.get('code')).not.toBeNull();
  });
});

describe('token endpoint', () => {
  it('exchanges a code once for an expiring offline token (expiring=1), and installs the app', async () => {
    const shopify = await start();
    const code = await codeFor(shopify);
    expect(shopify.shop(SHOP).installed).toBe(false);
    const first = await token(shopify, { client_id: shopify.clientId, client_secret: shopify.clientSecret, code, expiring: '1' });
    expect(first).toEqual({
      status: 200,
      json: { access_token: expect.stringMatching(/^shpat_[0-9a-f]{32}$/), scope: 'read_products,read_orders', expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/), refresh_token_expires_in: 2592000 },
    });
    expect(shopify.shop(SHOP).installed).toBe(true);
    const again = await token(shopify, { client_id: shopify.clientId, client_secret: shopify.clientSecret, code, expiring: '1' });
    expect(again).toEqual({ status: 400, json: { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' } });
  });

  it('answers a non-expiring {access_token, scope} without expiring (or with "0"), an online token for per-user, and accepts a form-encoded body', async () => {
    const shopify = await start();
    const offline = await token(shopify, { client_id: shopify.clientId, client_secret: shopify.clientSecret, code: await codeFor(shopify) });
    expect(Object.keys(offline.json).sort()).toEqual(['access_token', 'scope']);
    const zero = await token(shopify, { client_id: shopify.clientId, client_secret: shopify.clientSecret, code: await codeFor(shopify), expiring: '0' }, SHOP, true);
    expect(Object.keys(zero.json).sort()).toEqual(['access_token', 'scope']);
    const online = await token(shopify, { client_id: shopify.clientId, client_secret: shopify.clientSecret, code: await codeFor(shopify, { 'grant_options[]': 'per-user' }) });
    expect(online.json).toMatchObject({ access_token: expect.stringMatching(/^shpua_/), expires_in: 86399, associated_user: expect.objectContaining({ email: 'john@example.com' }) });
  });

  it("refuses a wrong secret, another shop's code and a bad body", async () => {
    const shopify = await start();
    const code = await codeFor(shopify);
    expect(await token(shopify, { client_id: shopify.clientId, client_secret: 'nope', code })).toMatchObject({ status: 400, json: { error: 'invalid_client' } });
    expect(await token(shopify, { client_id: shopify.clientId, client_secret: shopify.clientSecret, code }, 'beta.myshopify.com')).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    const bad = await fetch(`${shopify.shopUrl(SHOP)}/admin/oauth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[' });
    expect(bad.status).toBe(400);
    expect((await token(shopify, { client_id: shopify.clientId, client_secret: shopify.clientSecret, code })).status).toBe(200);
  });

  it('rotates refresh tokens: the used one is retained until its replacement is used, then invalid_grant', async () => {
    const shopify = await start();
    const app = { client_id: shopify.clientId, client_secret: shopify.clientSecret };
    const r1 = shopify.shop(SHOP).issueTokens().refresh_token!;
    const refresh = (refreshToken: string): Promise<{ status: number; json: any }> => token(shopify, { ...app, refresh_token: refreshToken, grant_type: 'refresh_token' });
    const second = await refresh(r1);
    expect(second.json).toEqual({ access_token: expect.any(String), scope: 'read_locations,read_products,read_inventory,read_orders', expires_in: 3600, refresh_token: expect.any(String), refresh_token_expires_in: 2592000 });
    const r2 = second.json.refresh_token as string;
    expect(r2).not.toBe(r1);
    expect(shopify.shop(SHOP).refreshTokenState(r1)).toBe('retained');
    // A client that lost the answer retries with r1: a new pair, and the r2 it never saw is void.
    const retry = await refresh(r1);
    expect(retry.status).toBe(200);
    const r3 = retry.json.refresh_token as string;
    expect(shopify.shop(SHOP).refreshTokenState(r2)).toBe('revoked');
    expect(await refresh(r2)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    // Using the replacement drops r1 for good.
    expect((await refresh(r3)).status).toBe(200);
    expect(shopify.shop(SHOP).refreshTokenState(r1)).toBe('retired');
    expect(await refresh(r1)).toEqual({ status: 400, json: { error: 'invalid_grant', error_description: expect.any(String) } });
  });

  it("with refreshTokenRetention 'none', a used refresh token is dead at once", async () => {
    const shopify = await start({ refreshTokenRetention: 'none' });
    const r1 = shopify.shop(SHOP).issueTokens().refresh_token!;
    const body = { client_id: shopify.clientId, client_secret: shopify.clientSecret, refresh_token: r1, grant_type: 'refresh_token' };
    expect((await token(shopify, body)).status).toBe(200);
    expect(await token(shopify, body)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
  });

  it('migrates a non-expiring offline token by token exchange once; the old token then fails on the API', async () => {
    const shopify = await start();
    const old = shopify.shop(SHOP).issueTokens({ kind: 'offline' }).access_token;
    const body = {
      client_id: shopify.clientId,
      client_secret: shopify.clientSecret,
      grant_type: SHOPIFY_TOKEN_EXCHANGE_GRANT,
      subject_token: old,
      subject_token_type: SHOPIFY_OFFLINE_TOKEN_TYPE,
      requested_token_type: SHOPIFY_OFFLINE_TOKEN_TYPE,
      expiring: '1',
    };
    const migrated = await token(shopify, body);
    expect(migrated.json).toMatchObject({ expires_in: 3600, refresh_token: expect.any(String) });
    expect(await token(shopify, body)).toMatchObject({ status: 400, json: { error: 'invalid_subject_token' } });
    expect(await token(shopify, { ...body, subject_token: migrated.json.access_token })).toMatchObject({ status: 400, json: { error: 'invalid_subject_token' } });
    const api = (t: string): Promise<Response> => fetch(`${shopify.shopUrl(SHOP)}/admin/api/2025-10/locations.json`, { headers: { 'x-shopify-access-token': t } });
    expect((await api(old)).status).toBe(401);
    expect((await api(migrated.json.access_token)).status).toBe(200);
    expect(shopify.shop(SHOP).tokens().map((t) => [t.kind, t.grantType, t.revoked])).toEqual([
      ['offline', 'direct', true],
      ['expiring', 'token_exchange', false],
    ]);
  });

  it('expires access tokens early on demand (refresh still works), and an uninstall kills every token', async () => {
    let now = Date.parse('2026-01-10T12:00:00Z');
    const shopify = await start({ now: () => now });
    const shop = shopify.shop(SHOP);
    const issued = shop.issueTokens();
    const api = (t: string): Promise<Response> => fetch(`${shopify.shopUrl(SHOP)}/admin/api/2025-10/locations.json`, { headers: { 'x-shopify-access-token': t } });
    expect((await api(issued.access_token)).status).toBe(200);
    expect(shop.expireAccessTokens()).toBe(1);
    expect((await api(issued.access_token)).status).toBe(401);
    const body = { client_id: shopify.clientId, client_secret: shopify.clientSecret, refresh_token: issued.refresh_token!, grant_type: 'refresh_token' };
    const fresh = await token(shopify, body);
    expect((await api(fresh.json.access_token)).status).toBe(200);
    now += 3600_000;
    expect((await api(fresh.json.access_token)).status).toBe(401);
    const { event } = shop.uninstall();
    expect(event.topic).toBe('app/uninstalled');
    expect(shop.installed).toBe(false);
    expect(await token(shopify, { ...body, refresh_token: fresh.json.refresh_token })).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
  });
});
