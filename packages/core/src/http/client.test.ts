import { Writable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthRuntime, OutgoingRequest } from '../connector/index.js';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { createFakeHttpServer, reply, type FakeHttpServer, type RecordedRequest } from '../testing/fake-http-server.js';
import { createConnectionClient } from './client.js';
import { LazyAgent } from './lazy-agent.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { BreakerState, ConnectionClient, ConnectionClientOptions, HttpMetrics } from './types.js';

let server: FakeHttpServer;
const clients: ConnectionClient[] = [];
let logText = '';

beforeEach(async () => {
  server = await createFakeHttpServer();
  logText = '';
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

interface RecordedMetrics extends HttpMetrics {
  attempts: Array<{ status?: number | undefined; error?: string | undefined; attempt: number }>;
  states: BreakerState[];
  waits: number[];
}

function recordingMetrics(): RecordedMetrics {
  const m: RecordedMetrics = {
    attempts: [],
    states: [],
    waits: [],
    attempt: (e) => m.attempts.push({ status: e.status, error: e.error, attempt: e.attempt }),
    breakerState: (e) => m.states.push(e.state),
    rateLimitWait: (e) => m.waits.push(e.waitedMs),
  };
  return m;
}

function client(options: Partial<ConnectionClientOptions> = {}): ConnectionClient {
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logText += chunk.toString();
      done();
    },
  });
  const c = createConnectionClient({
    name: 'test:acme',
    log: createLogger({ destination }),
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    ...options,
  });
  clients.push(c);
  return c;
}

const logLines = (): Array<Record<string, unknown>> => logText.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const requestLines = (): Array<Record<string, unknown>> => logLines().filter((l) => l.msg === 'http request');
const gaps = (arrivals: readonly RecordedRequest[]): number[] => arrivals.slice(1).map((r, i) => r.arrivedAt - arrivals[i]!.arrivedAt);

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('retries against a live server', () => {
  it('waits at least Retry-After seconds after a 429 before the next attempt', async () => {
    server.route('GET', '/limited', reply.json({ ok: true })).enqueue('GET', '/limited', reply.retryAfter(2));
    const res = await client().send({ method: 'GET', url: `${server.url}/limited` });
    expect(res.status).toBe(200);
    const arrivals = server.requestsTo('GET', '/limited');
    expect(arrivals).toHaveLength(2);
    expect(gaps(arrivals)[0]).toBeGreaterThanOrEqual(2_000);
    expect(requestLines()[0]).toMatchObject({ status: 429, attempt: 1, retryInMs: 2_000 });
  });

  it('honours Retry-After as an HTTP-date', async () => {
    const at = new Date(Math.ceil((Date.now() + 1_500) / 1_000) * 1_000);
    server.route('GET', '/dated', reply.json({ ok: true })).enqueue('GET', '/dated', reply.retryAfter(at, 503));
    await client().send({ method: 'GET', url: `${server.url}/dated` });
    const arrivals = server.requestsTo('GET', '/dated');
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]!.arrivedAt).toBeGreaterThanOrEqual(at.getTime());
  });

  it('fails with a coded error, without waiting, when Retry-After exceeds maxWaitMs', async () => {
    server.route('GET', '/later', reply.retryAfter(300));
    const start = Date.now();
    const err = await caught(client({ retry: { maxWaitMs: 60_000 } }).send({ method: 'GET', url: `${server.url}/later` }));
    expect(isConnectdError(err, 'CONNECTD_ERR_HTTP_RETRY_AFTER_TOO_LONG')).toBe(true);
    expect((err as { details: { waitMs: number } }).details.waitMs).toBe(300_000);
    expect(Date.now() - start).toBeLessThan(5_000);
    expect(server.requestsTo('GET', '/later')).toHaveLength(1);
  });

  it('succeeds after exactly 3 attempts on 503, 503, 200', async () => {
    server.route('GET', '/flaky', reply.json({ ok: true })).enqueue('GET', '/flaky', reply.status(503), reply.status(503));
    const metrics = recordingMetrics();
    const res = await client({ metrics }).send({ method: 'GET', url: `${server.url}/flaky` });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(server.requestsTo('GET', '/flaky')).toHaveLength(3);
    expect(metrics.attempts).toEqual([
      { status: 503, error: undefined, attempt: 1 },
      { status: 503, error: undefined, attempt: 2 },
      { status: 200, error: undefined, attempt: 3 },
    ]);
    expect(requestLines().map((l) => [l.attempt, l.status])).toEqual([[1, 503], [2, 503], [3, 200]]);
  });

  it('throws RETRIES_EXHAUSTED with the last status when attempts run out', async () => {
    server.route('GET', '/down', reply.status(502));
    const err = await caught(client({ retry: { maxAttempts: 3, baseDelayMs: 1 } }).send({ method: 'GET', url: `${server.url}/down` }));
    expect(isConnectdError(err, 'CONNECTD_ERR_HTTP_RETRIES_EXHAUSTED')).toBe(true);
    expect((err as { details: Record<string, unknown> }).details).toMatchObject({ attempts: 3, status: 502 });
    expect(server.requestsTo('GET', '/down')).toHaveLength(3);
  });

  it('returns statuses that are not retried to the caller at once', async () => {
    server.route('GET', '/missing', reply.json({ error: 'nope' }, 404));
    const res = await client().send({ method: 'GET', url: `${server.url}/missing` });
    expect(res.status).toBe(404);
    expect(server.requestsTo('GET', '/missing')).toHaveLength(1);
  });

  it('does not retry a POST without an idempotency key', async () => {
    server.route('POST', '/orders', reply.status(503));
    const res = await client().send({ method: 'POST', url: `${server.url}/orders`, body: '{}' });
    expect(res.status).toBe(503);
    expect(server.requestsTo('POST', '/orders')).toHaveLength(1);

    server.route('POST', '/reset-orders', reply.reset());
    const err = await caught(client().send({ method: 'POST', url: `${server.url}/reset-orders`, body: '{}' }));
    expect(isConnectdError(err, 'CONNECTD_ERR_HTTP_REQUEST_FAILED')).toBe(true);
    expect(server.requestsTo('POST', '/reset-orders')).toHaveLength(1);
  });

  it('retries a POST that carries an idempotency key, sending the key each time', async () => {
    server.route('POST', '/orders', reply.json({ id: 1 }, 201)).enqueue('POST', '/orders', reply.status(503), reply.reset());
    const res = await client().send({ method: 'POST', url: `${server.url}/orders`, body: '{"a":1}', idempotencyKey: 'order-42' });
    expect(res.status).toBe(201);
    const arrivals = server.requestsTo('POST', '/orders');
    expect(arrivals).toHaveLength(3);
    expect(arrivals.map((r) => r.headers['idempotency-key'])).toEqual(['order-42', 'order-42', 'order-42']);
    expect(arrivals.every((r) => r.text() === '{"a":1}')).toBe(true);
  });

  it('retries a POST marked idempotent (a search is a read), and never repeats a GET marked not idempotent', async () => {
    server.route('POST', '/search', reply.json({ items: [] })).enqueue('POST', '/search', reply.status(429), reply.status(503));
    const res = await client().send({ method: 'POST', url: `${server.url}/search`, body: '{"q":1}', idempotent: true });
    expect(res.status).toBe(200);
    const arrivals = server.requestsTo('POST', '/search');
    expect(arrivals).toHaveLength(3);
    expect(arrivals.every((r) => r.text() === '{"q":1}' && r.headers['idempotency-key'] === undefined)).toBe(true);

    server.route('GET', '/once', reply.status(503));
    const once = await client().send({ method: 'GET', url: `${server.url}/once`, idempotent: false });
    expect(once.status).toBe(503);
    expect(server.requestsTo('GET', '/once')).toHaveLength(1);
  });

  it('retries a connection reset', async () => {
    server.route('GET', '/reset', reply.json({ ok: true })).enqueue('GET', '/reset', reply.reset());
    const res = await client().send({ method: 'GET', url: `${server.url}/reset` });
    expect(res.status).toBe(200);
    expect(server.requestsTo('GET', '/reset')).toHaveLength(2);
    expect(requestLines()[0]!.error).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it('retries a hung response once the headers timeout fires', async () => {
    server.route('GET', '/hang', reply.json({ ok: true })).enqueue('GET', '/hang', reply.hang());
    const metrics = recordingMetrics();
    const res = await client({ timeouts: { headersMs: 300 }, metrics }).send({ method: 'GET', url: `${server.url}/hang` });
    expect(res.status).toBe(200);
    expect(server.requestsTo('GET', '/hang')).toHaveLength(2);
    expect(metrics.attempts[0]).toMatchObject({ error: 'UND_ERR_HEADERS_TIMEOUT', attempt: 1 });
    expect(requestLines()[0]).toMatchObject({ error: 'UND_ERR_HEADERS_TIMEOUT', attempt: 1 });
  });

  it('stops waiting for a retry when the caller aborts', async () => {
    server.route('GET', '/slow-retry', reply.retryAfter(20));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const start = Date.now();
    const err = await caught(client().send({ method: 'GET', url: `${server.url}/slow-retry`, signal: controller.signal }));
    expect(isConnectdError(err, 'CONNECTD_ERR_HTTP_ABORTED')).toBe(true);
    expect(Date.now() - start).toBeLessThan(5_000);
  });
});

describe('rate limit against a live server', () => {
  /** For every arrival, the arrivals in the window starting there must stay within rate × window + burst. */
  function assertWindows(arrivals: readonly RecordedRequest[], ratePerSecond: number, burst: number, windowMs: number): void {
    const times = arrivals.map((r) => r.arrivedAt).sort((a, b) => a - b);
    const bound = Math.floor((ratePerSecond * windowMs) / 1_000 + burst);
    for (const from of times) {
      const count = times.filter((t) => t >= from && t < from + windowMs).length;
      expect(count, `window from ${from}`).toBeLessThanOrEqual(bound);
    }
  }

  it('lets no more than rate × window + burst requests reach the server in any window', async () => {
    server.route('GET', '/items', reply.json({ items: [] }));
    const metrics = recordingMetrics();
    const c = client({ rateLimiter: createRateLimiter({ rate: '20/s', burst: 5 }), metrics });
    for (let i = 0; i < 30; i++) await c.send({ method: 'GET', url: `${server.url}/items?page=${i}` });
    const arrivals = server.requestsTo('GET', '/items');
    expect(arrivals).toHaveLength(30);
    assertWindows(arrivals, 20, 5, 1_000);
    assertWindows(arrivals, 20, 5, 500);
    expect(metrics.waits.filter((w) => w > 0).length).toBeGreaterThan(20);
  });

  it('holds the bound for 3 streams of one connection running at once', async () => {
    server.route('GET', '/a', reply.json({}));
    server.route('GET', '/b', reply.json({}));
    server.route('GET', '/c', reply.json({}));
    const c = client({ rateLimiter: createRateLimiter({ rate: '20/s', burst: 5, concurrency: 4 }) });
    const stream = async (path: string): Promise<void> => {
      for (let i = 0; i < 20; i++) await c.send({ method: 'GET', url: `${server.url}${path}?page=${i}` });
    };
    const start = Date.now();
    await Promise.all([stream('/a'), stream('/b'), stream('/c')]);
    expect(server.requests).toHaveLength(60);
    assertWindows(server.requests, 20, 5, 1_000);
    assertWindows(server.requests, 20, 5, 250);
    // 60 requests at 20/s after a burst of 5 cannot take less than (60 - 5) / 20 s.
    expect(Date.now() - start).toBeGreaterThanOrEqual(2_700);
  });

  it('takes a token for every attempt, retries included', async () => {
    server.route('GET', '/retry', reply.json({})).enqueue('GET', '/retry', reply.status(503), reply.status(503));
    let acquired = 0;
    const limiter: RateLimiter = {
      acquire: async () => {
        acquired++;
        return { waitedMs: 0 };
      },
    };
    await client({ rateLimiter: limiter }).send({ method: 'GET', url: `${server.url}/retry` });
    expect(acquired).toBe(3);
  });

  it('makes its agent before it takes a rate-limit permit, so a granted request is not held up behind the first one', async () => {
    const order: string[] = [];
    class SlowAgent extends LazyAgent {
      override async get(): Promise<Dispatcher> {
        order.push('agent asked');
        await new Promise((resolve) => setTimeout(resolve, 20));
        const agent = await super.get();
        order.push('agent ready');
        return agent;
      }
    }
    server.route('GET', '/first', reply.json({}));
    const agent = new SlowAgent({});
    const limiter: RateLimiter = {
      acquire: async () => {
        order.push('permit');
        return { waitedMs: 0 };
      },
    };
    try {
      await client({ rateLimiter: limiter, dispatcher: agent }).send({ method: 'GET', url: `${server.url}/first` });
      expect(order).toEqual(['agent asked', 'agent ready', 'permit']);
    } finally {
      await agent.close();
    }
  });

  it('hands the vendor budget a rate-limit adapter reads to the limiter', async () => {
    server.route('GET', '/budget', reply.json({}, 200, { 'x-call-limit': '38/40' }));
    const observed: number[] = [];
    const limiter: RateLimiter = { acquire: async () => ({ waitedMs: 0 }), observe: (r) => observed.push(r) };
    const c = client({
      rateLimiter: limiter,
      adapter: {
        observe: (page) => {
          const [used, max] = String(page.headers['x-call-limit']).split('/').map(Number);
          return { remainingRatio: (max! - used!) / max! };
        },
      },
    });
    await c.send({ method: 'GET', url: `${server.url}/budget` });
    expect(observed).toEqual([0.05]);
  });
});

describe('circuit breaker against a live server', () => {
  it('opens after the threshold, fails fast without sending, probes after the cool-down and closes', async () => {
    server.route('GET', '/vendor', reply.status(503));
    const metrics = recordingMetrics();
    const c = client({ metrics, retry: { maxAttempts: 1 }, breaker: { failureThreshold: 3, cooldownMs: 300 } });
    const send = (): Promise<unknown> => c.send({ method: 'GET', url: `${server.url}/vendor` });
    for (let i = 0; i < 3; i++) expect(isConnectdError(await caught(send()), 'CONNECTD_ERR_HTTP_RETRIES_EXHAUSTED')).toBe(true);
    expect(c.breakerState()).toBe('open');
    expect(c.stats().probeAt).toBeDefined();

    const fast = await caught(send());
    expect(isConnectdError(fast, 'CONNECTD_ERR_HTTP_BREAKER_OPEN')).toBe(true);
    expect(server.requestsTo('GET', '/vendor')).toHaveLength(3); // nothing was sent

    await new Promise((resolve) => setTimeout(resolve, 350));
    server.route('GET', '/vendor', reply.json({ ok: true }));
    const probe = (await send()) as { status: number };
    expect(probe.status).toBe(200);
    expect(server.requestsTo('GET', '/vendor')).toHaveLength(4);
    expect(c.breakerState()).toBe('closed');
    expect(metrics.states).toEqual(['closed', 'open', 'half_open', 'closed']);
    const breakerLines = logLines().filter((l) => typeof l.breaker === 'string');
    expect(breakerLines.map((l) => [l.level, l.breaker])).toEqual([[40, 'open'], [30, 'half_open'], [30, 'closed']]);
  });

  it('holds the probe to one attempt and reopens when it fails', async () => {
    server.route('GET', '/still-down', reply.status(500));
    const c = client({ retry: { maxAttempts: 4, baseDelayMs: 1 }, breaker: { failureThreshold: 1, cooldownMs: 200 } });
    await caught(c.send({ method: 'GET', url: `${server.url}/still-down` }));
    expect(server.requestsTo('GET', '/still-down')).toHaveLength(4);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await caught(c.send({ method: 'GET', url: `${server.url}/still-down` }));
    expect(server.requestsTo('GET', '/still-down')).toHaveLength(5);
    expect(c.breakerState()).toBe('open');
  });

  it('does not count answered client errors against the vendor', async () => {
    server.route('GET', '/bad', reply.status(400));
    const c = client({ breaker: { failureThreshold: 2, cooldownMs: 10_000 } });
    for (let i = 0; i < 5; i++) await c.send({ method: 'GET', url: `${server.url}/bad` });
    expect(c.breakerState()).toBe('closed');
  });
});

describe('auth and secrets', () => {
  const SECRET_TOKEN = 'sk_live_TOKEN_9f8e7d6c';
  const SECRET_KEY = 'QUERYKEY_1a2b3c4d';

  it('refreshes once on 401 and retries with the new token', async () => {
    let token = 'old-token-1';
    let refreshes = 0;
    const auth: AuthRuntime = {
      authorize: async (req: OutgoingRequest) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } }),
      refresh: async () => {
        refreshes++;
        token = 'new-token-2';
      },
    };
    server.route('POST', '/me', (req) => (req.headers.authorization === 'Bearer new-token-2' ? reply.json({ ok: 1 }) : reply.status(401)));
    const res = await client({ auth }).send({ method: 'POST', url: `${server.url}/me`, body: '{}' });
    expect(res.status).toBe(200);
    expect(refreshes).toBe(1);
    expect(server.requestsTo('POST', '/me').map((r) => r.headers.authorization)).toEqual(['Bearer old-token-1', 'Bearer new-token-2']);
  });

  it('returns a 401 that survives the refresh, after refreshing once', async () => {
    let refreshes = 0;
    const auth: AuthRuntime = { authorize: async (req) => req, refresh: async () => void refreshes++ };
    server.route('GET', '/denied', reply.status(401));
    const res = await client({ auth }).send({ method: 'GET', url: `${server.url}/denied` });
    expect(res.status).toBe(401);
    expect(refreshes).toBe(1);
    expect(server.requestsTo('GET', '/denied')).toHaveLength(2);
  });

  it('writes no secret to the log, from the Authorization header or an api_key query', async () => {
    const auth: AuthRuntime = {
      authorize: async (req) => ({
        ...req,
        url: `${req.url}${req.url.includes('?') ? '&' : '?'}api_key=${SECRET_KEY}`,
        headers: { ...req.headers, authorization: `Bearer ${SECRET_TOKEN}` },
      }),
    };
    server.route('GET', '/things', reply.json({ ok: true })).enqueue('GET', '/things', reply.status(503), reply.reset());
    server.route('GET', '/gone', reply.status(503));
    const c = client({ auth, retry: { maxAttempts: 3, baseDelayMs: 1 }, breaker: { failureThreshold: 1, cooldownMs: 10_000 } });
    await c.send({ method: 'GET', url: `${server.url}/things?page=1` });
    const err = await caught(c.send({ method: 'GET', url: `${server.url}/gone?access_token=${SECRET_TOKEN}` }));
    createLogger({ destination: new Writable({ write: (chunk: Buffer, _e, done) => ((logText += chunk.toString()), done()) }) }).error({ err }, 'failed');
    expect(server.requestsTo('GET', '/things')[0]!.query.get('api_key')).toBe(SECRET_KEY); // it was really sent
    expect(requestLines().length).toBeGreaterThanOrEqual(6);
    expect(requestLines()[0]!.url).toBe(`${server.url}/things?page=1&api_key=[redacted]`);
    expect(logText).not.toContain(SECRET_TOKEN);
    expect(logText).not.toContain(SECRET_KEY);
    expect(String((err as Error).message)).not.toContain(SECRET_TOKEN);
  });
});

describe('client lifecycle and limits', () => {
  it('refuses bodies over the limit with a coded error', async () => {
    server.route('GET', '/big', { status: 200, body: 'x'.repeat(1_000) });
    const err = await caught(client({ bodyLimitBytes: 100 }).send({ method: 'GET', url: `${server.url}/big` }));
    expect(isConnectdError(err, 'CONNECTD_ERR_HTTP_BODY_TOO_LARGE')).toBe(true);
    server.route('GET', '/chunked', { status: 200, body: 'y'.repeat(1_000), headers: { 'transfer-encoding': 'chunked' }, chunkDelayMs: 1, chunks: 10 });
    const streamed = await caught(client({ bodyLimitBytes: 100 }).send({ method: 'GET', url: `${server.url}/chunked` }));
    expect(isConnectdError(streamed, 'CONNECTD_ERR_HTTP_BODY_TOO_LARGE')).toBe(true);
  });

  it('rejects URLs that are not absolute http(s)', async () => {
    const err = await caught(client().send({ method: 'GET', url: '/relative?token=x' }));
    expect(isConnectdError(err, 'CONNECTD_ERR_HTTP_INVALID_URL')).toBe(true);
  });

  it('reports a non-JSON body with a coded error', async () => {
    server.route('GET', '/html', { status: 200, body: '<html>' });
    const res = await client().send({ method: 'GET', url: `${server.url}/html` });
    expect(res.text()).toBe('<html>');
    expect(isConnectdError(await caught(Promise.resolve().then(() => res.json())), 'CONNECTD_ERR_HTTP_RESPONSE_NOT_JSON')).toBe(true);
  });

  it('keeps connections alive across calls, on its own Agent', async () => {
    server.route('GET', '/ka', reply.json({}));
    const c = client();
    for (let i = 0; i < 5; i++) await c.send({ method: 'GET', url: `${server.url}/ka` });
    expect(server.requestsTo('GET', '/ka').every((r) => r.headers.connection !== 'close')).toBe(true);
    expect(c.stats()).toMatchObject({ calls: 5, attempts: 5, inFlight: 0, breaker: 'closed' });
  });

  it('uses an injected dispatcher and leaves it open on close', async () => {
    server.route('GET', '/injected', reply.json({}));
    const agent = new Agent();
    const c = client({ dispatcher: agent });
    await c.send({ method: 'GET', url: `${server.url}/injected` });
    await c.close();
    expect(agent.closed).toBe(false);
    expect(isConnectdError(await caught(c.send({ method: 'GET', url: `${server.url}/injected` })), 'CONNECTD_ERR_HTTP_CLIENT_CLOSED')).toBe(true);
    await agent.close();
  });

  it('lets a plugin classifier turn a 200 into a retry (GraphQL THROTTLED)', async () => {
    server
      .route('POST', '/graphql', reply.json({ data: { ok: true } }))
      .enqueue('POST', '/graphql', reply.json({ errors: [{ extensions: { code: 'THROTTLED' } }] }));
    const c = client({
      classifier: {
        classify: (page) => ((page.body as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code === 'THROTTLED' ? 'rate-limited' : 'ok'),
      },
    });
    const res = await c.send({ method: 'POST', url: `${server.url}/graphql`, body: '{"query":"{}"}', idempotencyKey: 'q1', idempotencyHeader: null });
    expect(res.json()).toEqual({ data: { ok: true } });
    const arrivals = server.requestsTo('POST', '/graphql');
    expect(arrivals).toHaveLength(2);
    expect(arrivals[0]!.headers['idempotency-key']).toBeUndefined();
  });

  it('classifies a request with its own classifier in place of the client’s (a stream’s error_classifier)', async () => {
    server.route('GET', '/busy', reply.json({ busy: true }));
    const busy = { classify: (page: { body: unknown }) => ((page.body as { busy?: boolean }).busy === true ? ('rate-limited' as const) : ('ok' as const)) };
    const noOpinion = { classify: () => 'ok' as const };
    const c = client({ classifier: busy, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    expect((await c.send({ method: 'GET', url: `${server.url}/busy`, classifier: noOpinion })).status).toBe(200);
    expect(server.requestsTo('GET', '/busy')).toHaveLength(1);
    const exhausted = await caught(client({ retry: { maxAttempts: 2, baseDelayMs: 1 } }).send({ method: 'GET', url: `${server.url}/busy`, classifier: busy }));
    expect(isConnectdError(exhausted, 'CONNECTD_ERR_HTTP_RETRIES_EXHAUSTED')).toBe(true);
    expect(server.requestsTo('GET', '/busy')).toHaveLength(3);
  });
});

describe('bodiless responses', () => {
  it('reads nothing for HEAD, whatever content-length says', async () => {
    server.route('HEAD', '/file', { status: 200, headers: { 'content-length': '999999' } });
    const res = await client({ bodyLimitBytes: 10 }).send({ method: 'HEAD', url: `${server.url}/file` });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
  });
});
