import { afterEach, describe, expect, it } from 'vitest';
import { startFakeShopify, type FakeShopify, type FakeShopifyOptions } from './index.js';

const SHOP = 'acme.myshopify.com';
const started: FakeShopify[] = [];
async function start(options: FakeShopifyOptions = {}, seed: object = { products: 12, orders: 8 }): Promise<FakeShopify> {
  const shopify = await startFakeShopify({ shops: [{ domain: SHOP, seed }], ...options });
  started.push(shopify);
  return shopify;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((shopify) => shopify.close()));
});

async function gql(shopify: FakeShopify, query: string, variables: object = {}, scopes?: string[]): Promise<{ status: number; json: any }> {
  const token = shopify.shop(SHOP).issueTokens(scopes === undefined ? {} : { scopes }).access_token;
  const response = await fetch(`${shopify.shopUrl(SHOP)}/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, json: await response.json() };
}

const VARIANTS = `query Variants($first: Int!, $after: String, $query: String) {
  productVariants(first: $first, after: $after, query: $query) {
    nodes { id legacyResourceId sku title price barcode product { title status } inventoryItem { id } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('GraphQL Admin API: query shapes', () => {
  it('pages productVariants with first/after and Relay pageInfo, GIDs and legacyResourceId as strings', async () => {
    const shopify = await start();
    const shop = shopify.shop(SHOP);
    const seen: any[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const { json } = await gql(shopify, VARIANTS, { first: 5, after });
      seen.push(...json.data.productVariants.nodes);
      if (!json.data.productVariants.pageInfo.hasNextPage) break;
      after = json.data.productVariants.pageInfo.endCursor;
    }
    const expected = shop.variants().sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    expect(seen.map((v) => v.legacyResourceId)).toEqual(expected.map((v) => v.id));
    const first = expected[0]!;
    expect(seen[0]).toEqual({
      id: `gid://shopify/ProductVariant/${first.id}`,
      legacyResourceId: first.id,
      sku: first.sku,
      title: first.title,
      price: first.price,
      barcode: first.barcode,
      product: { title: shop.products().find((p) => p.id === first.productId)!.title, status: shop.products().find((p) => p.id === first.productId)!.status.toUpperCase() },
      inventoryItem: { id: `gid://shopify/InventoryItem/${first.inventoryItemId}` },
    });
  });

  it("filters with search queries like updated_at:>'…' AND …, and reports unknown search fields in extensions.search", async () => {
    let now = Date.parse('2026-01-10T12:00:00Z');
    const shopify = await start({ now: () => now });
    const shop = shopify.shop(SHOP);
    now += 60_000;
    const variant = shop.variants()[3]!;
    shop.updateVariant(variant.id, { price: '99.00' });
    const since = new Date(now - 1000).toISOString().replace('.000Z', 'Z');
    const { json } = await gql(shopify, VARIANTS, { first: 50, query: `updated_at:>'${since}'` });
    expect(json.data.productVariants.nodes.map((v: any) => v.legacyResourceId)).toEqual([variant.id]);
    const both = await gql(shopify, VARIANTS, { first: 50, query: `updated_at:>='${since}' AND sku:NO-SUCH-SKU` });
    expect(both.json.data.productVariants.nodes).toEqual([]);
    const unknown = await gql(shopify, VARIANTS, { first: 1, query: 'colour:red' });
    expect(unknown.json.extensions.search).toEqual([{ path: ['productVariants'], query: 'colour:red', warnings: [{ field: 'colour', message: 'Invalid search field for this query.' }] }]);
  });

  it('lists locations: fulfillment-service ones only with includeLegacy, with edges { node } too', async () => {
    const shopify = await start();
    const query = `query($legacy: Boolean) { locations(first: 50, includeLegacy: $legacy) { edges { cursor node { id legacyResourceId name isActive isFulfillmentService fulfillmentService { handle } } } } }`;
    const plain = await gql(shopify, query, { legacy: false });
    const all = await gql(shopify, query, { legacy: true });
    const names = (r: any): string[] => r.json.data.locations.edges.map((e: any) => e.node.name);
    expect(names(plain)).not.toContain('Fulfillment by Storq');
    expect(names(all)).toContain('Fulfillment by Storq');
    const service = all.json.data.locations.edges.find((e: any) => e.node.isFulfillmentService);
    expect(service.node.fulfillmentService).toEqual({ handle: 'storq-fulfillment' });
    expect(service.cursor).toEqual(expect.any(String));
  });

  it('reads inventory levels per location with quantities(names: ["available"]) and the item and its variant', async () => {
    const shopify = await start();
    const shop = shopify.shop(SHOP);
    const location = shop.locations()[0]!;
    const query = `query($id: ID!) { location(id: $id) { inventoryLevels(first: 200, query: "updated_at:>2000-01-01") {
      nodes { id updatedAt quantities(names: ["available"]) { name quantity } item { id legacyResourceId sku variant { id legacyResourceId } } }
      pageInfo { hasNextPage endCursor } } } }`;
    const { json } = await gql(shopify, query, { id: `gid://shopify/Location/${location.id}` });
    const levels = shop.levels().filter((l) => l.locationId === location.id);
    expect(json.data.location.inventoryLevels.nodes).toHaveLength(levels.length);
    const [node] = json.data.location.inventoryLevels.nodes;
    const level = levels.find((l) => node.item.legacyResourceId === l.inventoryItemId)!;
    const variant = shop.variants().find((v) => v.inventoryItemId === level.inventoryItemId)!;
    expect(node).toMatchObject({
      id: `gid://shopify/InventoryLevel/${location.id}?inventory_item_id=${level.inventoryItemId}`,
      quantities: [{ name: 'available', quantity: level.available ?? 0 }],
      item: { id: `gid://shopify/InventoryItem/${level.inventoryItemId}`, variant: { id: `gid://shopify/ProductVariant/${variant.id}`, legacyResourceId: variant.id } },
    });
  });

  it('reads inventoryItems with their levels at every location', async () => {
    const shopify = await start();
    const query = `{ inventoryItems(first: 3) { nodes { id tracked variant { sku } inventoryLevels(first: 10) { nodes { location { id } quantities(names: ["available", "on_hand"]) { name quantity } } } } } }`;
    const { json } = await gql(shopify, query);
    expect(json.data.inventoryItems.nodes).toHaveLength(3);
    expect(json.data.inventoryItems.nodes[0].inventoryLevels.nodes[0].quantities.map((q: any) => q.name)).toEqual(['available', 'on_hand']);
    expect(json.extensions.cost.requestedQueryCost).toBe(2 + 3 * (1 + 1 + (2 + 10 * (1 + 1 + 1))));
  });

  it('reads orders with line items, money sets and display statuses; searches updated_at', async () => {
    const shopify = await start();
    const shop = shopify.shop(SHOP);
    const query = `query($q: String) { orders(first: 10, query: $q, sortKey: UPDATED_AT) { nodes { id name updatedAt displayFinancialStatus displayFulfillmentStatus
      lineItems(first: 20) { nodes { sku quantity variant { id } originalUnitPriceSet { shopMoney { amount currencyCode } } } } } } }`;
    const { json } = await gql(shopify, query, { q: "updated_at:>='2000-01-01T00:00:00Z'" });
    expect(json.data.orders.nodes).toHaveLength(shop.orders().length);
    const order = shop.orders()[0]!;
    const node = json.data.orders.nodes.find((o: any) => o.id === `gid://shopify/Order/${order.id}`);
    expect(node).toMatchObject({ name: order.name, displayFinancialStatus: order.financialStatus.toUpperCase() });
    expect(node.lineItems.nodes[0]).toEqual({
      sku: order.lineItems[0]!.sku,
      quantity: order.lineItems[0]!.quantity,
      variant: order.lineItems[0]!.variantId === null ? null : { id: `gid://shopify/ProductVariant/${order.lineItems[0]!.variantId}` },
      originalUnitPriceSet: { shopMoney: { amount: order.lineItems[0]!.price, currencyCode: 'USD' } },
    });
    // A second query of this cost (832 points) would find the bucket short; these cost 12.
    const light = 'query($q: String) { orders(first: 10, query: $q) { nodes { id } } }';
    expect((await gql(shopify, light, { q: 'status:any' })).json.data.orders.nodes).toHaveLength(shop.orders().length);
    expect((await gql(shopify, light, { q: 'status:cancelled' })).json.data.orders.nodes).toEqual([]);
    const updatedAts = json.data.orders.nodes.map((o: any) => o.updatedAt);
    expect([...updatedAts].sort()).toEqual(updatedAts);
  });

  it('hides orders older than 60 days without read_all_orders', async () => {
    const shopify = await start({}, { orders: 0 });
    const shop = shopify.shop(SHOP);
    const old = shop.createOrder({ lineItems: [{ variantId: shop.variants()[0]!.id, quantity: 1 }], createdAtMs: Date.now() - 90 * 86_400_000 }).value;
    const query = `{ orders(first: 5) { nodes { id } } }`;
    expect((await gql(shopify, query)).json.data.orders.nodes).toEqual([]);
    expect((await gql(shopify, query, {}, ['read_orders', 'read_all_orders'])).json.data.orders.nodes).toEqual([{ id: `gid://shopify/Order/${old.id}` }]);
  });

  it('supports aliases, fragments, inline fragments, __typename and @include', async () => {
    const shopify = await start();
    const query = `query($with: Boolean!) { a: productVariants(first: 1) { nodes { ...V } } b: productVariants(first: 1, reverse: true) { nodes { ... on ProductVariant { id __typename } } }
      shop { name @include(if: $with) myshopifyDomain } } fragment V on ProductVariant { id sku }`;
    const { json } = await gql(shopify, query, { with: false });
    expect(Object.keys(json.data)).toEqual(['a', 'b', 'shop']);
    expect(json.data.b.nodes[0].__typename).toBe('ProductVariant');
    expect(json.data.shop).toEqual({ myshopifyDomain: SHOP });
    expect(json.data.a.nodes[0].id).not.toBe(json.data.b.nodes[0].id);
  });
});

describe('GraphQL Admin API: errors like Shopify', () => {
  it('answers an unknown field with undefinedField and no data', async () => {
    const shopify = await start();
    const { status, json } = await gql(shopify, '{ productVariants(first: 1) { nodes { id colour } } }');
    expect(status).toBe(200);
    expect(json.data).toBeUndefined();
    expect(json.errors).toEqual([
      {
        message: "Field 'colour' doesn't exist on type 'ProductVariant'",
        locations: [{ line: 1, column: 42 }],
        path: ['query', 'productVariants', 'nodes', 'colour'],
        extensions: { code: 'undefinedField', typeName: 'ProductVariant', fieldName: 'colour' },
      },
    ]);
    expect(json.extensions.cost).toMatchObject({ requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: { maximumAvailable: 1000, restoreRate: 50 } });
  });

  it('refuses unknown arguments, a missing first/last, a page over 250, bad literals, missing variables, syntax errors and mutations', async () => {
    const shopify = await start();
    const codes = async (query: string, variables: object = {}): Promise<unknown[]> => (await gql(shopify, query, variables)).json.errors.map((e: any) => e.extensions?.code ?? e.message);
    expect(await codes('{ products(first: 1, colour: "red") { nodes { id } } }')).toEqual(['argumentNotAccepted']);
    expect(await codes('{ products { nodes { id } } }')).toEqual(['BAD_REQUEST']);
    expect((await gql(shopify, '{ products { nodes { id } } }')).json.errors[0].message).toBe('you must provide one of first or last');
    expect(await codes('{ products(first: 251) { nodes { id } } }')).toEqual(['BAD_REQUEST']);
    expect(await codes('{ products(first: "ten") { nodes { id } } }')).toEqual(['argumentLiteralsIncompatible']);
    expect(await codes('{ products(first: 1, sortKey: COLOUR) { nodes { id } } }')).toEqual(['argumentLiteralsIncompatible']);
    expect(await codes('{ shop }')).toEqual(['selectionMismatch']);
    expect(await codes('{ shop { name { x } } }')).toEqual(['selectionMismatch']);
    expect(await codes('query($n: Int!) { products(first: $n) { nodes { id } } }')).toEqual(['Variable $n of type Int! was provided invalid value']);
    expect(await codes('{ products(first: $n) { nodes { id } } }')).toEqual(['variableNotDefined']);
    expect(await codes('{ products(first: 1) { nodes { id }')).toEqual([expect.stringMatching(/^syntax error, unexpected end of file at \[1, \d+\]$/)]);
    expect(await codes('mutation { inventorySetQuantities(input: {}) { userErrors { message } } }')).toEqual(['undefinedField']);
    const missing = await fetch(`${shopify.shopUrl(SHOP)}/admin/api/2025-10/graphql.json`, { method: 'POST', headers: { 'x-shopify-access-token': shopify.shop(SHOP).issueTokens().access_token }, body: '{}' });
    expect(missing.status).toBe(400);
  });

  it('denies a field whose scope the token lacks with ACCESS_DENIED and null there, serving the rest', async () => {
    const shopify = await start();
    const { json } = await gql(shopify, '{ shop { name } orders(first: 1) { nodes { id } } }', {}, ['read_products']);
    expect(json.data).toEqual({ shop: { name: 'Acme' }, orders: null });
    expect(json.errors).toEqual([
      {
        message: 'Access denied for orders field. Required access: `read_orders` access scope.',
        locations: [{ line: 1, column: 17 }],
        path: ['orders'],
        extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess: '`read_orders` access scope.' },
      },
    ]);
  });

  it('answers a malformed GID argument with a field error', async () => {
    const shopify = await start();
    const { json } = await gql(shopify, '{ productVariant(id: "123") { id } }');
    expect(json.data).toEqual({ productVariant: null });
    expect(json.errors[0]).toMatchObject({ message: "Invalid global id '123'", path: ['productVariant'] });
  });
});
