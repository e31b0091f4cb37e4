import type { OutgoingRequest, ReceivedPage } from '@connectd/core/connector';
import { describe, expect, it } from 'vitest';
import { MAX_REMEMBERED_QUERIES, ShopifyGraphqlCost } from './graphql-cost.js';

const QUERY = 'query Variants($first: Int!, $after: String) { productVariants(first: $first, after: $after) { nodes { id sku } pageInfo { hasNextPage endCursor } } }';

function request(variables: Record<string, unknown>, query = QUERY): OutgoingRequest {
  return { method: 'POST', url: 'https://shop.example/admin/api/2025-01/graphql.json', headers: {}, body: JSON.stringify({ query, variables }) };
}

function answer(req: OutgoingRequest, cost: unknown): ReceivedPage {
  return { request: req, status: 200, headers: {}, body: { data: {}, extensions: { cost } } };
}

const throttleStatus = { maximumAvailable: 1000, currentlyAvailable: 874, restoreRate: 50 };

describe('shopify/graphql-cost', () => {
  it('prices a query from its text until Shopify has answered it once', () => {
    const adapter = new ShopifyGraphqlCost();
    expect(adapter.costOf(request({ first: 100 }))).toBe(2 + 100 * 1 + 1);
  });

  it('then prices every page of it at the requested cost Shopify reported, cursor or not', () => {
    const adapter = new ShopifyGraphqlCost();
    adapter.observe(answer(request({ first: 100 }), { requestedQueryCost: 102, actualQueryCost: 40, throttleStatus }));
    expect(adapter.costOf(request({ first: 100, after: 'eyJsYXN0X2lkIjoxfQ' }))).toBe(102);
    // Another page size is another requested cost.
    expect(adapter.costOf(request({ first: 50 }))).toBe(2 + 50 + 1);
  });

  it("reports the points bucket from every answer's throttle status", () => {
    const adapter = new ShopifyGraphqlCost();
    expect(adapter.observe(answer(request({ first: 1 }), { requestedQueryCost: 4, actualQueryCost: 4, throttleStatus }))).toEqual({
      available: 874,
      maximum: 1000,
      restorePerSecond: 50,
      remainingRatio: 0.874,
    });
  });

  it('learns from a THROTTLED answer too (its requested cost is there, its actual cost null)', () => {
    const adapter = new ShopifyGraphqlCost();
    const req = request({ first: 250 });
    const throttled: ReceivedPage = {
      request: req,
      status: 200,
      headers: {},
      body: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: { cost: { requestedQueryCost: 752, actualQueryCost: null, throttleStatus: { ...throttleStatus, currentlyAvailable: 300 } } } },
    };
    expect(adapter.observe(throttled)?.available).toBe(300);
    expect(adapter.costOf(req)).toBe(752);
  });

  it('says nothing about answers without cost data, and prices no request that is not GraphQL', () => {
    const adapter = new ShopifyGraphqlCost();
    expect(adapter.observe({ request: request({}), status: 502, headers: {}, body: '<html>bad gateway</html>' })).toBeUndefined();
    expect(adapter.observe(answer(request({}), { requestedQueryCost: 3 }))).toBeUndefined();
    expect(adapter.costOf({ method: 'GET', url: 'https://shop.example/admin/api/2025-01/products.json', headers: {} })).toBeUndefined();
    expect(adapter.costOf({ method: 'POST', url: 'https://x', headers: {}, body: 'not json' })).toBeUndefined();
    expect(adapter.costOf({ method: 'POST', url: 'https://x', headers: {}, body: new TextEncoder().encode('{"query":"{ shop { id } }"}') })).toBe(1);
  });

  it('remembers a bounded number of queries, forgetting the oldest', () => {
    const adapter = new ShopifyGraphqlCost();
    const first = request({ first: 1 });
    adapter.observe(answer(first, { requestedQueryCost: 999, throttleStatus }));
    for (let i = 0; i < MAX_REMEMBERED_QUERIES; i++) adapter.observe(answer(request({ first: 1 }, `{ q${i} { id } }`), { requestedQueryCost: 1, throttleStatus }));
    expect(adapter.costOf(first)).toBe(2 + 1 + 1);
  });
});
