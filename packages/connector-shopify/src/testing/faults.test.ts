import { afterEach, describe, expect, it } from 'vitest';
import { FaultPlan } from './faults.js';
import { startFakeShopify, type FakeShopify } from './index.js';
import { seededRandom } from './random.js';

const SHOP = 'acme.myshopify.com';
const started: FakeShopify[] = [];
async function start(seed = 1): Promise<{ shopify: FakeShopify; token: string }> {
  const shopify = await startFakeShopify({ shops: [SHOP], seed, restBucketSize: 10_000 });
  started.push(shopify);
  return { shopify, token: shopify.shop(SHOP).issueTokens().access_token };
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((shopify) => shopify.close()));
});

async function get(shopify: FakeShopify, token: string): Promise<number | 'reset'> {
  try {
    const response = await fetch(`${shopify.shopUrl(SHOP)}/admin/api/2025-10/locations.json`, { headers: { 'x-shopify-access-token': token } });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'reset';
  }
}

describe('fake shopify faults', () => {
  it('injects 500s, 502s, 503s and resets in a seeded mixed run, before auth and buckets, serving the rest', async () => {
    const { shopify, token } = await start(11);
    shopify.faults.set({ rate500: 0.1, rate502: 0.05, rate503: 0.1, rateReset: 0.05 });
    const outcomes: Array<number | 'reset'> = [];
    for (let i = 0; i < 300; i++) outcomes.push(await get(shopify, token));
    const count = (value: number | 'reset'): number => outcomes.filter((o) => o === value).length;
    for (const status of [500, 502, 503, 'reset'] as const) expect(count(status), String(status)).toBeGreaterThan(5);
    expect(count(200)).toBeGreaterThan(150);
    expect(count(200) + count(500) + count(502) + count(503) + count('reset')).toBe(300);
    expect(new Map(shopify.requests.map((r) => [r.fault, r.status]))).toEqual(
      new Map<string | null, number | string>([[null, 200], ['internal_error', 500], ['bad_gateway', 502], ['unavailable', 503], ['reset', 'reset']]),
    );
    expect(shopify.shop(SHOP).stats().restRequests).toBe(count(200));
    expect(shopify.counters().faults).toBe(300 - count(200));
    shopify.faults.set(undefined);
    expect(await get(shopify, token)).toBe(200);
  });

  it('answers scripted replies first, in order, then serves', async () => {
    const { shopify, token } = await start();
    shopify.faults.failNext({ status: 503, json: { errors: 'Service Unavailable' } }, { fault: 'reset' });
    expect([await get(shopify, token), await get(shopify, token), await get(shopify, token)]).toEqual([503, 'reset', 200]);
    expect(shopify.requests.map((r) => r.fault)).toEqual(['scripted', 'scripted', null]);
  });

  it('aims Admin API scripts at known shops only, and token scripts at token requests only', async () => {
    const { shopify, token } = await start();
    shopify.faults.failNext({ status: 500 });
    shopify.faults.failNextTokenRequest({ status: 503 });
    expect((await fetch(`${shopify.url}/nope.myshopify.com/admin/api/2025-10/locations.json`)).status).toBe(404);
    const faulted = await fetch(`${shopify.shopUrl(SHOP)}/admin/api/2025-10/locations.json`, { headers: { 'x-shopify-access-token': token } });
    expect([faulted.status, await faulted.text()]).toEqual([500, '']);
    expect(await get(shopify, token)).toBe(200);
    expect((await fetch(`${shopify.shopUrl(SHOP)}/admin/oauth/access_token`, { method: 'POST', body: '{}' })).status).toBe(503);
    expect(shopify.requests.map((r) => [r.shop, r.kind, r.route, r.fault])).toEqual([
      [null, 'other', null, null],
      [SHOP, 'rest', null, 'scripted'],
      [SHOP, 'rest', 'GET /admin/api/{version}/locations.json', null],
      [SHOP, 'oauth', 'POST /admin/oauth/access_token', 'scripted'],
    ]);
  });

  it('slows served requests by slowMs', async () => {
    const { shopify, token } = await start();
    shopify.faults.set({ slowMs: 150 });
    const began = performance.now();
    expect(await get(shopify, token)).toBe(200);
    expect(performance.now() - began).toBeGreaterThanOrEqual(140);
    expect(shopify.requests[0]!.fault).toBe('slow');
  });

  it('loses a refresh answer after rotating, and the retained refresh token lets the client retry', async () => {
    const { shopify } = await start();
    const refreshToken = shopify.shop(SHOP).issueTokens().refresh_token!;
    const refresh = (): Promise<Response> =>
      fetch(`${shopify.shopUrl(SHOP)}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: shopify.clientId, client_secret: shopify.clientSecret, refresh_token: refreshToken, grant_type: 'refresh_token' }),
      });
    shopify.faults.dropTokenAnswers(1);
    await expect(refresh()).rejects.toThrow();
    // start() issued one, the test another, the lost refresh a third.
    expect(shopify.shop(SHOP).tokens()).toHaveLength(3);
    expect(shopify.shop(SHOP).refreshTokenState(refreshToken)).toBe('retained');
    const retried = await refresh();
    expect(retried.status).toBe(200);
    shopify.faults.failNextTokenRequest({ status: 500, json: { errors: 'Internal Server Error' } });
    expect((await refresh()).status).toBe(500);
    expect(shopify.requests.map((r) => r.fault)).toEqual(['dropped', null, 'scripted']);
  });

  it('refuses nonsense rates', () => {
    const plan = new FaultPlan(seededRandom(1));
    expect(() => plan.set({ rate500: 1.5 })).toThrow(RangeError);
    expect(() => plan.set({ rate500: 0.6, rate503: 0.6 })).toThrow(RangeError);
    expect(() => plan.dropTokenAnswers(0)).toThrow(RangeError);
  });
});
