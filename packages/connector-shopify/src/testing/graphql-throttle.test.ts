import { afterEach, describe, expect, it } from 'vitest';
import { startFakeShopify, type FakeShopify, type FakeShopifyOptions } from './index.js';

const SHOP = 'acme.myshopify.com';
const started: FakeShopify[] = [];
let clock = 0;
async function start(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  clock = 0;
  const shopify = await startFakeShopify({ shops: [{ domain: SHOP, seed: { products: 5, maxVariantsPerProduct: 2, orders: 2 } }], rateClock: () => clock, ...options });
  started.push(shopify);
  return shopify;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((shopify) => shopify.close()));
});

async function gql(shopify: FakeShopify, query: string): Promise<{ status: number; json: any }> {
  const token = shopify.shop(SHOP).issueTokens().access_token;
  const response = await fetch(`${shopify.shopUrl(SHOP)}/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, json: await response.json() };
}

describe('GraphQL calculated cost', () => {
  it('charges the requested cost, refunds down to the actual one, and reports both with throttleStatus', async () => {
    const shopify = await start();
    const variants = shopify.shop(SHOP).variants().length;
    const { json } = await gql(shopify, '{ productVariants(first: 50) { nodes { id product { title } } pageInfo { hasNextPage } } }');
    expect(json.data.productVariants.nodes).toHaveLength(variants);
    expect(json.extensions.cost).toEqual({
      requestedQueryCost: 2 + 50 * 2,
      actualQueryCost: 2 + variants * 2,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 1000 - (2 + variants * 2), restoreRate: 50 },
    });
  });

  it('prices objects at 1, scalars at 0, connections at 2 + first × node, edges and pageInfo at nothing', async () => {
    const shopify = await start();
    const cost = async (query: string): Promise<number> => (await gql(shopify, query)).json.extensions.cost.requestedQueryCost;
    expect(await cost('{ shop { name myshopifyDomain } }')).toBe(1);
    expect(await cost('{ locations(first: 10) { pageInfo { hasNextPage } } }')).toBe(2);
    expect(await cost('{ locations(first: 10) { edges { cursor node { id } } } }')).toBe(12);
    expect(await cost('{ products(first: 10) { nodes { id variants(first: 5) { nodes { sku inventoryItem { id } } } } } }')).toBe(2 + 10 * (1 + 2 + 5 * 2));
  });

  it('refuses a query over the single-query maximum with MAX_COST_EXCEEDED, charging nothing', async () => {
    const shopify = await start();
    const { json } = await gql(shopify, '{ products(first: 250) { nodes { variants(first: 10) { nodes { id } } } } }');
    expect(json.errors).toEqual([{ message: expect.stringMatching(/^Query cost is 3252, which exceeds the single query max cost limit \(1000\)/), extensions: { code: 'MAX_COST_EXCEEDED', cost: 3252, maxCost: 1000 } }]);
    expect(json.extensions.cost).toMatchObject({ requestedQueryCost: 3252, actualQueryCost: null, throttleStatus: { currentlyAvailable: 1000 } });
  });

  it('answers THROTTLED when the bucket is short (200, actualQueryCost null), counts it, and serves again once points restore', async () => {
    const shopify = await start();
    const shop = shopify.shop(SHOP);
    shop.drainGraphqlPoints();
    const query = '{ locations(first: 10) { nodes { id } } }';
    const throttled = await gql(shopify, query);
    expect(throttled.status).toBe(200);
    expect(throttled.json).toEqual({
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
      extensions: { cost: { requestedQueryCost: 12, actualQueryCost: null, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 50 } } },
    });
    clock += 200;
    expect((await gql(shopify, query)).json.errors).toBeDefined();
    clock += 40;
    const served = await gql(shopify, query);
    expect(served.json.errors).toBeUndefined();
    expect(shop.stats().throttled).toBe(2);
    expect(shopify.counters().throttled).toBe(2);
    expect(shopify.requests.filter((r) => r.throttled).map((r) => r.requestedCost)).toEqual([12, 12]);
  });

  it('answers THROTTLED with 429 when configured so, and follows a per-shop bucket size and restore rate', async () => {
    const shopify = await start({ throttledStatus: 429, graphqlMaximumAvailable: 100, graphqlRestoreRate: 10 });
    const query = '{ locations(first: 40) { nodes { id } } }';
    expect((await gql(shopify, query)).json.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 100, restoreRate: 10 });
    expect((await gql(shopify, '{ products(first: 99) { nodes { id } } }')).json.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', maxCost: 100 });
    shopify.shop(SHOP).drainGraphqlPoints();
    expect((await gql(shopify, query)).status).toBe(429);
    shopify.shop(SHOP).setGraphqlBucket({ maximumAvailable: 2000, restoreRate: 100 });
    clock += 1000;
    expect((await gql(shopify, query)).json.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
  });

  it('keeps one bucket per shop', async () => {
    const shopify = await start({ shops: [SHOP, 'beta.myshopify.com'] });
    shopify.shop(SHOP).drainGraphqlPoints();
    expect(shopify.shop('beta.myshopify.com').throttleStatus().currentlyAvailable).toBe(1000);
  });
});
