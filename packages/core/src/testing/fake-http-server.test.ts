import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeHttpServer, reply, type FakeHttpServer } from './fake-http-server.js';

let server: FakeHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(path: string, init: Parameters<typeof request>[1] = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const res = await request(`${server!.url}${path}`, init);
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('createFakeHttpServer', () => {
  it('listens on 127.0.0.1 and answers routes with JSON', async () => {
    server = await createFakeHttpServer();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    server.route('GET', '/items', reply.json({ items: [1, 2] }));
    const res = await get('/items?page=2');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.text)).toEqual({ items: [1, 2] });
  });

  it('records what arrived: method, url, query, headers, body and arrival time', async () => {
    server = await createFakeHttpServer();
    server.route('POST', '/orders', reply.json({ id: 1 }, 201));
    const before = Date.now();
    await get('/orders?x=1', { method: 'POST', headers: { 'x-test': 'yes', 'content-type': 'application/json' }, body: '{"a":1}' });
    const [arrived] = server.requestsTo('POST', '/orders');
    expect(arrived).toMatchObject({ method: 'POST', url: '/orders?x=1', path: '/orders' });
    expect(arrived!.query.get('x')).toBe('1');
    expect(arrived!.headers['x-test']).toBe('yes');
    expect(arrived!.json()).toEqual({ a: 1 });
    expect(arrived!.arrivedAt).toBeGreaterThanOrEqual(before);
  });

  it('plays scripted replies first, then the route, and counts requests per route', async () => {
    server = await createFakeHttpServer();
    const counts: number[] = [];
    server.route('GET', '/x', (_req, { count }) => {
      counts.push(count);
      return reply.json({ count });
    });
    server.enqueue('GET', '/x', reply.status(503), reply.retryAfter(2));
    expect((await get('/x')).status).toBe(503);
    const limited = await get('/x');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    expect(JSON.parse((await get('/x')).text)).toEqual({ count: 3 });
    expect(counts).toEqual([3]);
  });

  it('sends Retry-After as an HTTP-date when given a date', async () => {
    server = await createFakeHttpServer();
    const at = new Date(Date.now() + 5_000);
    server.route('GET', '/d', reply.retryAfter(at));
    expect((await get('/d')).headers['retry-after']).toBe(at.toUTCString());
  });

  it('answers unknown routes with 404 or the fallback, and matches wildcards', async () => {
    server = await createFakeHttpServer();
    expect((await get('/nothing')).status).toBe(404);
    server.route('*', '*', reply.status(204));
    expect((await get('/anything', { method: 'DELETE' })).status).toBe(204);
  });

  it('resets connections', async () => {
    server = await createFakeHttpServer();
    server.route('GET', '/reset', reply.reset());
    await expect(get('/reset')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
    expect(server.requestsTo('GET', '/reset')).toHaveLength(1);
  });

  it('hangs until the client gives up, and close() ends hung requests', async () => {
    server = await createFakeHttpServer();
    server.route('GET', '/hang', reply.hang());
    await expect(get('/hang', { headersTimeout: 200 })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    const pending = get('/hang').catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();
    server = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });

  it('sends late headers and slow bodies', async () => {
    server = await createFakeHttpServer();
    server.route('GET', '/late', { status: 200, body: 'ok', delayMs: 150 });
    server.route('GET', '/slow', { status: 200, body: 'abcdefgh', chunkDelayMs: 60, chunks: 4 });
    const start = Date.now();
    expect((await get('/late')).text).toBe('ok');
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
    const slowStart = Date.now();
    expect((await get('/slow')).text).toBe('abcdefgh');
    expect(Date.now() - slowStart).toBeGreaterThanOrEqual(170);
    // undici checks body timeouts on a coarse (about 1 s) timer, so the pause must be longer than that.
    server.route('GET', '/stalled', { status: 200, body: 'abcd', chunkDelayMs: 2_000, chunks: 2 });
    await expect(get('/stalled', { bodyTimeout: 100 })).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });

  it('turns a failing handler into a 500 and forgets everything on reset()', async () => {
    server = await createFakeHttpServer();
    server.route('GET', '/boom', () => {
      throw new Error('nope');
    });
    expect((await get('/boom')).status).toBe(500);
    server.reset();
    expect(server.requests).toHaveLength(0);
    expect((await get('/boom')).status).toBe(404);
  });
});
