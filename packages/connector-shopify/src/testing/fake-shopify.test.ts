import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SHOPIFY_SHOP, parseJsonLossless, startFakeShopify, type FakeShopify, type FakeShopifyOptions } from './index.js';

const started: FakeShopify[] = [];
async function start(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const shopify = await startFakeShopify(options);
  started.push(shopify);
  return shopify;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((shopify) => shopify.close()));
});

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

describe('fake shopify basics', () => {
  it('starts on loopback with one seeded shop under its own path prefix, and Shopify-shaped app credentials', async () => {
    const shopify = await start();
    expect(shopify.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(shopify.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(shopify.clientSecret).toMatch(/^shpss_[0-9a-f]{32}$/);
    const shop = shopify.shop();
    expect(shop.domain).toBe(DEFAULT_SHOPIFY_SHOP);
    expect(shop.url).toBe(`${shopify.url}/${DEFAULT_SHOPIFY_SHOP}`);
    expect(shopify.shopUrl('acme.myshopify.com')).toBe(`${shopify.url}/acme.myshopify.com`);
    expect(shop.locations().length).toBeGreaterThanOrEqual(3);
    expect(shop.products().length).toBe(6);
    expect(shop.orders().length).toBe(4);
  });

  it('adds shops by valid myshopify domain only, and refuses duplicates and unknown ones', async () => {
    const shopify = await start({ shops: ['acme.myshopify.com', { domain: 'beta-tea.myshopify.com', seed: false, currency: 'CAD' }] });
    expect(shopify.shops().map((s) => s.domain)).toEqual(['acme.myshopify.com', 'beta-tea.myshopify.com']);
    expect(shopify.shop('beta-tea.myshopify.com').info()).toMatchObject({ name: 'Beta Tea', currency: 'CAD' });
    expect(shopify.shop('beta-tea.myshopify.com').products()).toEqual([]);
    for (const bad of ['evil.example.com', 'Acme.myshopify.com', 'acme.myshopify.com.evil.io', '-x.myshopify.com']) expect(() => shopify.addShop(bad), bad).toThrow(RangeError);
    expect(() => shopify.addShop('acme.myshopify.com')).toThrow(/already exists/);
    expect(() => shopify.shop('nope.myshopify.com')).toThrow();
    const response = await fetch(`${shopify.url}/nope.myshopify.com/admin/api/2025-10/products.json`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errors: 'Not Found' });
  });

  it('seeds reproducibly from the fake seed and the domain, whatever order shops are added in', async () => {
    const a = await start({ seed: 7, shops: ['one.myshopify.com', 'two.myshopify.com'] });
    const b = await start({ seed: 7, shops: ['two.myshopify.com', 'one.myshopify.com'] });
    const c = await start({ seed: 8, shops: ['one.myshopify.com'] });
    const ids = (s: FakeShopify, d: string): string[] => s.shop(d).variants().map((v) => v.id);
    expect(ids(a, 'one.myshopify.com')).toEqual(ids(b, 'one.myshopify.com'));
    expect(ids(a, 'two.myshopify.com')).toEqual(ids(b, 'two.myshopify.com'));
    expect(ids(a, 'one.myshopify.com')).not.toEqual(ids(c, 'one.myshopify.com'));
  });

  it('seeds ids above 2^53 of every kind, inventory item ids distinct from variant ids, untracked items with null available, a fulfillment service location', async () => {
    const shopify = await start({ shops: [{ domain: 'acme.myshopify.com', seed: { products: 30, orders: 10 } }] });
    const shop = shopify.shop();
    const big = (id: string): boolean => BigInt(id) > SAFE;
    expect(shop.products().some((p) => big(p.id))).toBe(true);
    expect(shop.variants().some((v) => big(v.id))).toBe(true);
    expect(shop.inventoryItems().every((i) => big(i.id))).toBe(true);
    expect(shop.orders().some((o) => big(o.id))).toBe(true);
    expect(shop.locations().some((l) => big(l.id))).toBe(true);
    expect(shop.variants().every((v) => v.id !== v.inventoryItemId)).toBe(true);
    expect(shop.levels().some((l) => l.available === null)).toBe(true);
    expect(shop.variants().some((v) => v.sku === null || v.sku === '')).toBe(true);
    const service = shop.locations().filter((l) => l.fulfillmentService !== null);
    expect(service).toHaveLength(1);
    expect(shop.levels().some((l) => l.locationId === service[0]!.id)).toBe(true);
  });

  it('refuses Admin API calls without a valid token of that shop with 401, and falls forward from an unsupported version', async () => {
    const shopify = await start({ shops: ['acme.myshopify.com', 'beta.myshopify.com'] });
    const token = shopify.shop('acme.myshopify.com').issueTokens().access_token;
    const get = (shop: string, version: string, t?: string): Promise<Response> =>
      fetch(`${shopify.url}/${shop}/admin/api/${version}/locations.json`, { headers: t === undefined ? {} : { 'x-shopify-access-token': t } });
    for (const response of [await get('acme.myshopify.com', '2025-10'), await get('acme.myshopify.com', '2025-10', 'shpat_nope'), await get('beta.myshopify.com', '2025-10', token)]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    const ok = await get('acme.myshopify.com', '2025-10', token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-shopify-api-version')).toBe('2025-10');
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const old = await get('acme.myshopify.com', '2023-01', token);
    expect(old.headers.get('x-shopify-api-version')).toBe('2025-07');
    const body = parseJsonLossless(await old.text()) as { locations: { id: bigint | number }[] };
    expect(body.locations.map((l) => String(l.id)).sort()).toEqual(shopify.shop('acme.myshopify.com').locations().map((l) => l.id).sort());
  });

  it('logs every request with its shop, route, status and kind, and counts them', async () => {
    const shopify = await start();
    const token = shopify.shop().issueTokens().access_token;
    await fetch(`${shopify.shopUrl(DEFAULT_SHOPIFY_SHOP)}/admin/api/2025-10/products.json?limit=2`, { headers: { 'x-shopify-access-token': token } });
    await fetch(`${shopify.shopUrl(DEFAULT_SHOPIFY_SHOP)}/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: { 'x-shopify-access-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ shop { name } }' }),
    });
    expect(shopify.requests.map((r) => [r.kind, r.route, r.status, r.shop])).toEqual([
      ['rest', 'GET /admin/api/{version}/products.json', 200, DEFAULT_SHOPIFY_SHOP],
      ['graphql', 'POST /admin/api/{version}/graphql.json', 200, DEFAULT_SHOPIFY_SHOP],
    ]);
    expect(shopify.requests[0]!.query).toEqual({ limit: '2' });
    expect(shopify.requests[1]!.body).toEqual({ query: '{ shop { name } }' });
    expect(shopify.requests[1]).toMatchObject({ requestedCost: 1, actualCost: 1, throttled: false });
    expect(shopify.counters()).toEqual({ requests: 2, rest429: 0, throttled: 0, faults: 0 });
    expect(shopify.shop().stats()).toMatchObject({ requests: 2, restRequests: 1, graphqlRequests: 1, rest429: 0, throttled: 0, graphqlPointsSpent: 1 });
    shopify.clearRequests();
    expect(shopify.requests).toEqual([]);
  });
});
