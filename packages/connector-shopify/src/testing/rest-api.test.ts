import { afterEach, describe, expect, it } from 'vitest';
import { parseJsonLossless, startFakeShopify, type FakeShopify, type FakeShopifyOptions } from './index.js';

const SHOP = 'acme.myshopify.com';
const started: FakeShopify[] = [];
let clock = 0;
async function start(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  clock = 0;
  const shopify = await startFakeShopify({ shops: [{ domain: SHOP, seed: { products: 23, orders: 12 } }], rateClock: () => clock, ...options });
  started.push(shopify);
  return shopify;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((shopify) => shopify.close()));
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}
async function get(shopify: FakeShopify, pathOrUrl: string, scopes?: string[]): Promise<Answer> {
  const token = shopify.shop(SHOP).issueTokens(scopes === undefined ? {} : { scopes }).access_token;
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${shopify.shopUrl(SHOP)}/admin/api/2025-10/${pathOrUrl}`;
  const response = await fetch(url, { headers: { 'x-shopify-access-token': token } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: parseJsonLossless(text) };
}

/** `Link` parsed as Shopify's JS library does: `<url>; rel="next"`, split on ", ". */
function links(answer: Answer): Record<string, string> {
  const header = answer.headers.get('link');
  if (header === null) return {};
  return Object.fromEntries(header.split(', ').map((part) => /<([^<]+)>; rel="([^"]+)"/.exec(part)!).map((m) => [m[2]!, m[1]!]));
}

describe('REST Admin API', () => {
  it('pages products.json by Link page_info cursors, next then previous, with ids above 2^53 as bare JSON numbers', async () => {
    const shopify = await start();
    const shop = shopify.shop(SHOP);
    const first = await get(shopify, 'products.json?limit=10');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-shopify-shop-api-call-limit')).toBe('1/40');
    expect(Object.keys(links(first))).toEqual(['next']);
    const next = new URL(links(first).next!);
    expect(next.origin + next.pathname).toBe(`${shopify.shopUrl(SHOP)}/admin/api/2025-10/products.json`);
    expect([...next.searchParams.keys()]).toEqual(['limit', 'page_info']);
    const second = await get(shopify, links(first).next!);
    expect(Object.keys(links(second))).toEqual(['previous', 'next']);
    const third = await get(shopify, links(second).next!);
    expect(Object.keys(links(third))).toEqual(['previous']);
    const back = await get(shopify, links(second).previous!);
    expect(back.body).toEqual(first.body);
    const ids = [first, second, third].flatMap((page) => page.body.products.map((p: any) => String(p.id)));
    expect(ids).toEqual(shop.products().map((p) => p.id));
    const bigVariant = shop.variants().find((v) => BigInt(v.id) > BigInt(Number.MAX_SAFE_INTEGER))!;
    const text = [first, second, third].map((p) => p.text).join('');
    expect(text).toContain(`"id":${bigVariant.id},`);
    expect(text).toContain(`"inventory_item_id":${bigVariant.inventoryItemId},`);
  });

  it('keeps the first request filters through page_info, refuses other parameters beside it and an altered token', async () => {
    const shopify = await start();
    const first = await get(shopify, 'products.json?limit=2&status=active');
    const page = await get(shopify, links(first).next!);
    expect(page.body.products.every((p: any) => p.status === 'active')).toBe(true);
    const withStatus = await get(shopify, `${links(first).next!}&status=draft`);
    expect(withStatus).toMatchObject({ status: 400, body: { errors: { status: 'status cannot be passed.' } } });
    const altered = await get(shopify, links(first).next!.replace(/page_info=[^&]+/, 'page_info=abc'));
    expect(altered).toMatchObject({ status: 400, body: { errors: { page_info: 'Invalid value.' } } });
    expect((await get(shopify, 'products.json?limit=251')).status).toBe(400);
    expect((await get(shopify, 'products.json?limit=5&fields=id,title')).body.products[0]).toEqual({ id: expect.anything(), title: expect.any(String) });
  });

  it('serves locations.json whole, fulfillment-service locations with legacy: true', async () => {
    const shopify = await start();
    const { body, headers } = await get(shopify, 'locations.json');
    expect(headers.get('link')).toBeNull();
    expect(body.locations.map((l: any) => String(l.id)).sort()).toEqual(shopify.shop(SHOP).locations().map((l) => l.id).sort());
    expect(body.locations.filter((l: any) => l.legacy).map((l: any) => l.name)).toEqual(['Fulfillment by Storq']);
    expect(Object.keys(body.locations[0])).toEqual(expect.arrayContaining(['id', 'name', 'active', 'legacy', 'admin_graphql_api_id', 'country_code']));
  });

  it('serves inventory_levels.json by location_ids or inventory_item_ids, with null available for untracked items', async () => {
    const shopify = await start();
    const shop = shopify.shop(SHOP);
    const location = shop.locations()[0]!;
    const levels: any[] = [];
    let url: string | undefined = `inventory_levels.json?location_ids=${location.id}&limit=7`;
    while (url !== undefined) {
      const page = await get(shopify, url);
      levels.push(...page.body.inventory_levels);
      url = links(page).next;
    }
    const expected = shop.levels().filter((l) => l.locationId === location.id);
    expect(levels.map((l) => String(l.inventory_item_id)).sort()).toEqual(expected.map((l) => l.inventoryItemId).sort());
    expect(levels.some((l) => l.available === null)).toBe(true);
    expect(Object.keys(levels[0])).toEqual(['inventory_item_id', 'location_id', 'available', 'updated_at', 'admin_graphql_api_id']);
    const item = shop.inventoryItems()[0]!;
    const byItem = await get(shopify, `inventory_levels.json?inventory_item_ids=${item.id}`);
    expect(byItem.body.inventory_levels.map((l: any) => String(l.location_id)).sort()).toEqual(shop.levels().filter((l) => l.inventoryItemId === item.id).map((l) => l.locationId).sort());
    expect((await get(shopify, 'inventory_levels.json')).status).toBe(422);
  });

  it('serves orders.json: open only by default, every status with status=any, filtered by updated_at_min', async () => {
    let now = Date.parse('2026-01-10T12:00:00Z');
    const shopify = await start({ now: () => now });
    const shop = shopify.shop(SHOP);
    const [closing, cancelling] = shop.orders();
    now += 60_000;
    shop.updateOrder(closing!.id, { close: true });
    shop.updateOrder(cancelling!.id, { cancel: true });
    const open = await get(shopify, 'orders.json?limit=250');
    expect(open.body.orders).toHaveLength(shop.orders().length - 2);
    const any = await get(shopify, 'orders.json?status=any&limit=250');
    expect(any.body.orders).toHaveLength(shop.orders().length);
    const createdAts = any.body.orders.map((o: any) => Date.parse(o.created_at));
    expect(createdAts).toEqual([...createdAts].sort((a, b) => b - a));
    const since = await get(shopify, `orders.json?status=any&updated_at_min=${encodeURIComponent(new Date(now - 1000).toISOString())}`);
    expect(since.body.orders.map((o: any) => String(o.id)).sort()).toEqual([closing!.id, cancelling!.id].sort());
    expect(Object.keys(since.body.orders[0].line_items[0])).toEqual(expect.arrayContaining(['id', 'variant_id', 'product_id', 'sku', 'quantity', 'price', 'admin_graphql_api_id']));
  });

  it('refuses a resource the token has no scope for with 403, and writes and unknown paths with 404', async () => {
    const shopify = await start();
    expect(await get(shopify, 'orders.json', ['read_products'])).toMatchObject({ status: 403, body: { errors: '[API] This action requires merchant approval for read_orders scope.' } });
    expect(await get(shopify, 'customers.json')).toMatchObject({ status: 404, body: { errors: 'Not Found' } });
  });
});

describe('REST call limit', () => {
  it('takes 40 calls at once, answers the 41st 429 with a fractional Retry-After, counts it, and leaks 2 a second', async () => {
    const shopify = await start();
    const answers: Answer[] = [];
    for (let i = 0; i < 41; i++) answers.push(await get(shopify, 'locations.json'));
    expect(answers.slice(0, 40).map((a) => a.headers.get('x-shopify-shop-api-call-limit'))).toEqual(Array.from({ length: 40 }, (_, i) => `${i + 1}/40`));
    const refused = answers[40]!;
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' });
    expect(refused.headers.get('retry-after')).toBe('0.5');
    expect(refused.headers.get('x-shopify-shop-api-call-limit')).toBe('40/40');
    expect(shopify.counters().rest429).toBe(1);
    expect(shopify.shop(SHOP).stats().rest429).toBe(1);
    clock += 500;
    const after = await get(shopify, 'locations.json');
    expect(after.status).toBe(200);
    expect(after.headers.get('x-shopify-shop-api-call-limit')).toBe('40/40');
    clock += 5000;
    expect((await get(shopify, 'locations.json')).headers.get('x-shopify-shop-api-call-limit')).toBe('31/40');
  });

  it('follows a per-shop bucket size and leak rate, and keeps buckets apart per shop', async () => {
    const shopify = await start({ shops: [SHOP, 'beta.myshopify.com'] });
    shopify.shop(SHOP).setRestBucket({ size: 2, leakPerSecond: 4 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(shopify, 'locations.json')).status);
    expect(statuses).toEqual([200, 200, 429]);
    const beta = shopify.shop('beta.myshopify.com').issueTokens().access_token;
    const other = await fetch(`${shopify.shopUrl('beta.myshopify.com')}/admin/api/2025-10/locations.json`, { headers: { 'x-shopify-access-token': beta } });
    expect(other.headers.get('x-shopify-shop-api-call-limit')).toBe('1/40');
  });
});
