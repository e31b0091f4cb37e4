/**
 * The Shopify pacing components against a small loopback Shopify: a GraphQL endpoint with a
 * points bucket (requested cost charged, the unused part refunded, THROTTLED when short) and a
 * REST endpoint with a leaky bucket (`X-Shopify-Shop-Api-Call-Limit`, 429 + fractional
 * Retry-After). The assertions count what the fake refused, never how long the walk took.
 */
import type { ComponentContext } from '@connectd/core/connector';
import { createFakeHttpServer, createTestClient, reply, type FakeHttpServer, type FakeReply, type RecordedRequest } from '@connectd/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CALL_LIMIT_HEADER, shopifyCallLimit } from './call-limit.js';
import { shopifyGraphqlCost } from './graphql-cost.js';
import plugin from './index.js';
import { shopifyThrottled } from './throttled.js';

const log = { child: () => log } as unknown as ComponentContext['log'];
const ctx: ComponentContext = { log, signal: new AbortController().signal, now: () => new Date() };
const servers: FakeHttpServer[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(path: string, method: string, handler: (request: RecordedRequest) => FakeReply): Promise<string> {
  const s = await createFakeHttpServer();
  servers.push(s);
  s.route(method, path, handler);
  return `${s.url}${path}`;
}

function clientWith(options: Parameters<typeof createTestClient>[0]) {
  const client = createTestClient(options);
  closers.push(() => client.close());
  return client;
}

/** Continuous restore on the shared clock; `level()` is the exact level now. */
function bucket(capacity: number, perSecond: number) {
  let level = capacity;
  let last = performance.now();
  return {
    level(): number {
      const now = performance.now();
      level = Math.min(capacity, level + ((now - last) * perSecond) / 1000);
      last = now;
      return level;
    },
    add(units: number): void {
      level += units;
    },
    drain(): void {
      this.level();
      level = 0;
    },
  };
}

const VARIANTS = 'query Variants($first: Int!, $after: String) { productVariants(first: $first, after: $after) { nodes { id sku inventoryItem { id } } pageInfo { hasNextPage endCursor } } }';

/**
 * Shopify's GraphQL pacing: requested `2 + first × 2`, actual `2 + returned × 2`, floor of the
 * level reported. `drainedFirst`: another app empties the bucket just before the first query.
 */
function fakeGraphql(total: number, maximum: number, restoreRate: number, drainedFirst = false) {
  const points = bucket(maximum, restoreRate);
  const stats = { throttled: 0, pages: 0 };
  let first = true;
  const handler = (request: RecordedRequest): FakeReply => {
    if (first && drainedFirst) points.drain();
    first = false;
    const { variables } = request.json<{ variables: { first: number; after?: string } }>();
    const requested = 2 + variables.first * 2;
    const status = () => ({ maximumAvailable: maximum, currentlyAvailable: Math.floor(points.level()), restoreRate });
    if (points.level() < requested) {
      stats.throttled++;
      return reply.json({ errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status() } } });
    }
    const from = Number(variables.after ?? 0);
    const count = Math.min(variables.first, total - from);
    points.add(-requested);
    points.add(requested - (2 + count * 2));
    stats.pages++;
    const nodes = Array.from({ length: count }, (_, i) => ({ id: `gid://shopify/ProductVariant/${from + i}` }));
    return reply.json({
      data: { productVariants: { nodes, pageInfo: { hasNextPage: from + count < total, endCursor: String(from + count) } } },
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: 2 + count * 2, throttleStatus: status() } },
    });
  };
  return { handler, stats };
}

async function walk(client: ReturnType<typeof createTestClient>, url: string, first: number): Promise<number> {
  let after: string | undefined;
  let records = 0;
  for (;;) {
    const body = JSON.stringify({ query: VARIANTS, variables: { first, ...(after === undefined ? {} : { after }) } });
    const res = await client.send({ method: 'POST', url, body, idempotent: true });
    const { nodes, pageInfo } = res.json<{ data: { productVariants: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>().data.productVariants;
    records += nodes.length;
    if (!pageInfo.hasNextPage) return records;
    after = pageInfo.endCursor;
  }
}

describe('GraphQL Admin API paced by shopify/graphql-cost and shopify/throttled', () => {
  it('walks every page without a single THROTTLED', async () => {
    const fake = fakeGraphql(1_000, 200, 2_000);
    const url = await server('/admin/api/2025-01/graphql.json', 'POST', fake.handler);
    const client = clientWith({ adapter: shopifyGraphqlCost.create({}, ctx), classifier: shopifyThrottled.create({}, ctx) });
    expect(await walk(client, url, 25)).toBe(1_000);
    expect(fake.stats).toEqual({ throttled: 0, pages: 40 });
  });

  it('holds for several streams of one shop at once', async () => {
    const fake = fakeGraphql(300, 200, 2_000);
    const url = await server('/admin/api/2025-01/graphql.json', 'POST', fake.handler);
    const client = clientWith({ adapter: shopifyGraphqlCost.create({}, ctx), classifier: shopifyThrottled.create({}, ctx) });
    expect(await Promise.all([25, 40, 10].map((first) => walk(client, url, first)))).toEqual([300, 300, 300]);
    expect(fake.stats.throttled).toBe(0);
  });

  it('recovers from a bucket another app drained: one THROTTLED, retried after the missing points, then none', async () => {
    const fake = fakeGraphql(200, 200, 2_000, true);
    const url = await server('/admin/api/2025-01/graphql.json', 'POST', fake.handler);
    const slept: number[] = [];
    const client = clientWith({
      adapter: shopifyGraphqlCost.create({}, ctx),
      classifier: shopifyThrottled.create({}, ctx),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, (slept.push(ms), ms))),
    });
    expect(await walk(client, url, 25)).toBe(200);
    expect(fake.stats.throttled).toBe(1);
    // 52 points requested, none available at 2000/s: about 26 ms, not a blind backoff.
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeLessThanOrEqual(27);
  });
});

/** Shopify's REST leaky bucket: used (rounded up) in the header, 429 with fractional Retry-After when full. */
function fakeRest(size: number, leakPerSecond: number) {
  const level = bucket(size, leakPerSecond); // here the level counts free room
  const stats = { refused: 0, answered: 0 };
  const handler = (): FakeReply => {
    const used = (): string => `${Math.min(size, Math.ceil(size - level.level() - 1e-9))}/${size}`;
    if (level.level() < 1) {
      stats.refused++;
      return reply.json({ errors: 'Exceeded 2 calls per second for api client.' }, 429, { 'retry-after': ((1 - level.level()) / leakPerSecond).toFixed(3), [CALL_LIMIT_HEADER]: used() });
    }
    level.add(-1);
    stats.answered++;
    return reply.json({ products: [] }, 200, { [CALL_LIMIT_HEADER]: used() });
  };
  return { handler, stats };
}

describe('REST Admin API paced by shopify/call-limit', () => {
  it('sends every request without a single 429', async () => {
    const fake = fakeRest(10, 250);
    const url = await server('/admin/api/2025-01/products.json', 'GET', fake.handler);
    const client = clientWith({ adapter: shopifyCallLimit.create({ leak_per_second: 250 }, ctx) });
    for (let i = 0; i < 80; i++) await client.send({ method: 'GET', url });
    expect(fake.stats).toEqual({ refused: 0, answered: 80 });
  });

  it('holds for two walks at once under a declared rate_limit', async () => {
    const fake = fakeRest(10, 250);
    const url = await server('/admin/api/2025-01/products.json', 'GET', fake.handler);
    const client = clientWith({ adapter: shopifyCallLimit.create({ leak_per_second: 250 }, ctx), rateLimit: { rate: '200/s', burst: 5 } });
    const run = async (): Promise<void> => {
      for (let i = 0; i < 40; i++) await client.send({ method: 'GET', url });
    };
    await Promise.all([run(), run()]);
    expect(fake.stats).toEqual({ refused: 0, answered: 80 });
  });
});

describe('registration', () => {
  it('registers the pacing components under the shopify namespace', () => {
    expect(Object.keys(plugin.rateLimitAdapters ?? {})).toEqual(['graphql-cost', 'call-limit']);
    expect(Object.keys(plugin.errorClassifiers ?? {})).toEqual(['throttled']);
    expect(plugin.rateLimitAdapters?.['graphql-cost']).toBe(shopifyGraphqlCost);
  });
});
