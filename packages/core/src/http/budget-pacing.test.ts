/**
 * The cost-aware limiter end to end: a connection client walking a loopback vendor that enforces
 * a points budget (GraphQL cost) or a leaky bucket (REST call limit). Assertions are about what
 * the vendor refused (nothing), never about how long it took, so no machine is too slow for them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingRequest, RateLimitAdapterRuntime, RateLimitBudget, ReceivedPage } from '../connector/index.js';
import { createLogger } from '../log/index.js';
import { createFakeHttpServer, reply, type FakeHttpServer, type FakeReply, type RecordedRequest } from '../testing/fake-http-server.js';
import { createConnectionClient } from './client.js';
import { createRateLimiter, type RateLimiter, type RateLimitPermit } from './rate-limiter.js';
import type { ConnectionClient, ConnectionClientOptions } from './types.js';

const log = createLogger({ level: 'silent' });
const servers: FakeHttpServer[] = [];
const clients: ConnectionClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function client(options: Partial<ConnectionClientOptions>): ConnectionClient {
  const c = createConnectionClient({ name: 'test:budget', log, retry: { baseDelayMs: 10, maxDelayMs: 50 }, ...options });
  clients.push(c);
  return c;
}

/** A bucket on the server's side: `capacity` units, restored continuously at `perSecond`. */
function serverBucket(capacity: number, perSecond: number) {
  let level = capacity;
  let last = performance.now();
  return {
    level(): number {
      const now = performance.now();
      level = Math.min(capacity, level + ((now - last) * perSecond) / 1000);
      last = now;
      return level;
    },
    take(units: number): void {
      level -= units;
    },
  };
}

interface GraphqlBody {
  readonly query: string;
  readonly variables: { readonly first: number; readonly after?: string };
}

/**
 * A GraphQL vendor paced like Shopify's Admin API: requested cost `2 + first`, actual cost `2 +
 * records returned`, THROTTLED (HTTP 200) when the requested cost is above the points available,
 * `extensions.cost.throttleStatus` in every answer (levels rounded to whole points).
 */
function graphqlVendor(total: number, capacity: number, restorePerSecond: number) {
  const bucket = serverBucket(capacity, restorePerSecond);
  const stats = { throttled: 0, answered: 0 };
  const handler = (request: RecordedRequest): FakeReply => {
    const { variables } = request.json<GraphqlBody>();
    const from = variables.after === undefined ? 0 : Number(variables.after);
    const requested = 2 + variables.first;
    const status = (): Record<string, number> => ({ maximumAvailable: capacity, currentlyAvailable: Math.round(bucket.level()), restoreRate: restorePerSecond });
    if (requested > bucket.level()) {
      stats.throttled++;
      return reply.json({ errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status() } } });
    }
    const ids = Array.from({ length: Math.max(0, Math.min(variables.first, total - from)) }, (_, i) => from + i);
    bucket.take(2 + ids.length);
    stats.answered++;
    const next = from + ids.length;
    return reply.json({
      data: { items: { nodes: ids.map((id) => ({ id })), pageInfo: { hasNextPage: next < total, endCursor: String(next) } } },
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: 2 + ids.length, throttleStatus: status() } },
    });
  };
  return { handler, stats };
}

interface Cost {
  readonly requestedQueryCost: number;
  readonly throttleStatus: { readonly maximumAvailable: number; readonly currentlyAvailable: number; readonly restoreRate: number };
}

/** A vendor-neutral GraphQL cost adapter: learns each query's requested cost, guesses `2 + first` before. */
function graphqlCostAdapter(): RateLimitAdapterRuntime {
  const learned = new Map<string, number>();
  const bodyOf = (request: OutgoingRequest): GraphqlBody => JSON.parse(String(request.body)) as GraphqlBody;
  const key = (body: GraphqlBody): string => `${body.query}|${body.variables.first}`;
  return {
    costOf: (request) => {
      const body = bodyOf(request);
      return learned.get(key(body)) ?? 2 + body.variables.first;
    },
    observe: (page: ReceivedPage): RateLimitBudget | undefined => {
      const cost = (page.body as { extensions?: { cost?: Cost } }).extensions?.cost;
      if (cost === undefined) return undefined;
      learned.set(key(bodyOf(page.request)), cost.requestedQueryCost);
      const { currentlyAvailable: available, maximumAvailable: maximum, restoreRate: restorePerSecond } = cost.throttleStatus;
      return { available, maximum, restorePerSecond };
    },
  };
}

async function walkGraphql(c: ConnectionClient, url: string, first: number): Promise<number> {
  let after: string | undefined;
  let records = 0;
  for (;;) {
    const body = JSON.stringify({ query: 'query($first:Int!,$after:String){items(first:$first,after:$after){nodes{id} pageInfo{hasNextPage endCursor}}}', variables: { first, ...(after === undefined ? {} : { after }) } });
    const res = await c.send({ method: 'POST', url, body, idempotent: true });
    const page = res.json<{ data: { items: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>().data.items;
    records += page.nodes.length;
    if (!page.pageInfo.hasNextPage) return records;
    after = page.pageInfo.endCursor;
  }
}

describe('a GraphQL walk paced by the points budget', () => {
  it('reads every page without a single THROTTLED', async () => {
    const vendor = graphqlVendor(600, 100, 1_000);
    const server = await createFakeHttpServer();
    servers.push(server);
    server.route('POST', '/graphql', vendor.handler);
    const adapter = graphqlCostAdapter();
    const c = client({ adapter, rateLimiter: createRateLimiter({}, adapter) });
    expect(await walkGraphql(c, `${server.url}/graphql`, 20)).toBe(600);
    expect(vendor.stats).toEqual({ throttled: 0, answered: 30 });
  });

  it('throttles a client that does not pace (the fake has teeth)', async () => {
    const vendor = graphqlVendor(600, 100, 1);
    const server = await createFakeHttpServer();
    servers.push(server);
    server.route('POST', '/graphql', vendor.handler);
    await expect(walkGraphql(client({}), `${server.url}/graphql`, 20)).rejects.toThrow();
    expect(vendor.stats).toEqual({ throttled: 1, answered: 4 });
  });

  it('holds for three walks sharing the connection at once', async () => {
    const vendor = graphqlVendor(300, 100, 1_000);
    const server = await createFakeHttpServer();
    servers.push(server);
    server.route('POST', '/graphql', vendor.handler);
    const adapter = graphqlCostAdapter();
    const c = client({ adapter, rateLimiter: createRateLimiter({}, adapter) });
    const walks = await Promise.all([20, 30, 15].map((first) => walkGraphql(c, `${server.url}/graphql`, first)));
    expect(walks).toEqual([300, 300, 300]);
    expect(vendor.stats.throttled).toBe(0);
  });
});

/** A REST vendor with a leaky bucket: `used/capacity` in a header (rounded down), 429 + fractional Retry-After when full. */
function restVendor(capacity: number, leakPerSecond: number) {
  const bucket = serverBucket(capacity, leakPerSecond);
  const stats = { refused: 0, answered: 0 };
  const handler = (): FakeReply => {
    const used = (): string => `${Math.floor(capacity - bucket.level())}/${capacity}`;
    if (bucket.level() < 1) {
      stats.refused++;
      return reply.json({ errors: 'Exceeded' }, 429, { 'retry-after': String(1 / leakPerSecond), 'x-call-limit': used() });
    }
    bucket.take(1);
    stats.answered++;
    return reply.json({ items: [] }, 200, { 'x-call-limit': used() });
  };
  return { handler, stats };
}

/** Reads `used/size`; the leak rate comes from the declared `rate` (or, when given, from the adapter). */
function callLimitAdapter(leakPerSecond?: number): RateLimitAdapterRuntime {
  return {
    observe: (page) => {
      const [used, size] = String(page.headers['x-call-limit']).split('/').map(Number);
      if (!Number.isFinite(used) || !Number.isFinite(size)) return undefined;
      return { available: size! - used!, maximum: size!, ...(leakPerSecond === undefined ? {} : { restorePerSecond: leakPerSecond }) };
    },
  };
}

describe('a REST walk paced by the call-limit header', () => {
  it('sends every request without a single 429, learning the bucket from the header', async () => {
    const vendor = restVendor(10, 200);
    const server = await createFakeHttpServer();
    servers.push(server);
    server.route('GET', '/items', vendor.handler);
    const adapter = callLimitAdapter(200);
    const c = client({ adapter, rateLimiter: createRateLimiter({}, adapter) });
    for (let i = 0; i < 80; i++) expect((await c.send({ method: 'GET', url: `${server.url}/items?page=${i}` })).status).toBe(200);
    expect(vendor.stats).toEqual({ refused: 0, answered: 80 });
  });

  it('holds with the leak rate declared as rate_limit.rate and two walks at once', async () => {
    const vendor = restVendor(10, 200);
    const server = await createFakeHttpServer();
    servers.push(server);
    server.route('GET', '/items', vendor.handler);
    const adapter = callLimitAdapter();
    const c = client({ adapter, rateLimiter: createRateLimiter({ rate: '200/s', burst: 10 }, adapter) });
    const walk = async (): Promise<void> => {
      for (let i = 0; i < 40; i++) await c.send({ method: 'GET', url: `${server.url}/items?page=${i}` });
    };
    await Promise.all([walk(), walk()]);
    expect(vendor.stats).toEqual({ refused: 0, answered: 80 });
  });
});

describe('client wiring of the adapter and classifier', () => {
  it('prices each attempt before its wait and reports the answer to the permit before releasing it', async () => {
    const server = await createFakeHttpServer();
    servers.push(server);
    server.route('POST', '/graphql', reply.json({ extensions: { cost: { left: 40 } } }));
    const events: string[] = [];
    const limiter: RateLimiter = {
      acquire: async (_signal, cost): Promise<RateLimitPermit> => {
        events.push(`acquire ${cost}`);
        return {
          waitedMs: 0,
          observe: (budget) => events.push(`observe ${budget?.available}`),
          release: () => events.push('release'),
        };
      },
    };
    const adapter: RateLimitAdapterRuntime = {
      costOf: (request) => String(request.body).length,
      observe: (page) => ({ available: (page.body as { extensions: { cost: { left: number } } }).extensions.cost.left }),
    };
    await client({ adapter, rateLimiter: limiter }).send({ method: 'POST', url: `${server.url}/graphql`, body: '{"query":"{a}"}' });
    expect(events).toEqual(['acquire 15', 'observe 40', 'release']);
  });

  it('gives a limiter without permits the fraction left, from available and maximum', async () => {
    const server = await createFakeHttpServer();
    servers.push(server);
    server.route('GET', '/x', reply.json({}));
    const observed: number[] = [];
    const limiter: RateLimiter = { acquire: async () => ({ waitedMs: 0 }), observe: (ratio) => observed.push(ratio) };
    const adapter: RateLimitAdapterRuntime = { observe: () => ({ available: 10, maximum: 40 }) };
    await client({ adapter, rateLimiter: limiter }).send({ method: 'GET', url: `${server.url}/x` });
    expect(observed).toEqual([0.25]);
  });

  it("waits what the classifier reads from a throttled body, and the longer of it and Retry-After on a 429", async () => {
    const server = await createFakeHttpServer();
    servers.push(server);
    server
      .route('POST', '/graphql', reply.json({ data: {} }))
      .enqueue('POST', '/graphql', reply.json({ errors: [{ wait: 1_234.2 }] }), reply.json({ errors: [{ wait: 900 }] }, 429, { 'retry-after': '0.5' }), reply.json({ errors: [{ wait: 100 }] }, 429, { 'retry-after': '0.5' }));
    const slept: number[] = [];
    const c = client({
      sleep: async (ms) => void slept.push(ms),
      classifier: {
        classify: (page) => {
          const wait = (page.body as { errors?: Array<{ wait: number }> }).errors?.[0]?.wait;
          return wait === undefined ? 'ok' : { kind: 'rate-limited', retryAfterMs: wait };
        },
      },
    });
    const res = await c.send({ method: 'POST', url: `${server.url}/graphql`, body: '{}', idempotent: true });
    expect(res.json()).toEqual({ data: {} });
    expect(slept).toEqual([1_235, 900, 500]);
  });
});
