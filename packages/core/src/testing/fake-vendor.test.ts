import { afterEach, describe, expect, it } from 'vitest';
import { createFakeVendor, type FakeVendor } from './fake-vendor.js';
import type { PagingStyle } from './fake-vendor-paging.js';

const items = Array.from({ length: 23 }, (_, i) => ({ id: `i-${String(i + 1).padStart(2, '0')}`, n: i + 1 }));
type Item = (typeof items)[number];

let vendor: FakeVendor;
afterEach(() => vendor.close());

const get = async (url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> => {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
};

/** Walks a collection the way a client of the style does; returns the ids in order and the pages taken. */
async function walk(style: PagingStyle, first: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let url: string | null = first;
  let pages = 0;
  let offset = 0;
  let page = 1;
  while (url !== null) {
    const answer = await get(url);
    expect(answer.status).toBe(200);
    pages += 1;
    const records: Item[] = Array.isArray(answer.body) ? answer.body : answer.body.items;
    ids.push(...records.map((r) => r.id));
    const next: URL = new URL(url);
    if (style === 'cursor') url = answer.body.next_cursor === null ? null : (next.searchParams.set('cursor', answer.body.next_cursor), next.toString());
    if (style === 'offset') url = answer.body.hasMore ? (next.searchParams.set('offset', String((offset += records.length))), next.toString()) : null;
    if (style === 'page') url = records.length === 10 ? (next.searchParams.set('page', String((page += 1))), next.toString()) : null;
    if (style === 'link_header') url = /<([^>]+)>; rel="next"/.exec(answer.headers.get('link') ?? '')?.[1] ?? null;
  }
  return { ids, pages };
}

describe('createFakeVendor: collections', () => {
  it.each([
    ['cursor', { recordsKey: 'items' }, '/items?limit=10'],
    ['offset', { recordsKey: 'items', hasMoreKey: 'hasMore' }, '/items?limit=10'],
    ['page', { recordsKey: 'items' }, '/items?per_page=10'],
    ['link_header', { recordsKey: null }, '/items?limit=10&status=any'],
  ] as const)('serves every record exactly once, in order, with %s paging', async (style, shape, first) => {
    vendor = await createFakeVendor();
    vendor.records('/items', items, { paging: style, ...shape });
    expect(await walk(style, `${vendor.url}${first}`)).toEqual({ ids: items.map((i) => i.id), pages: 3 });
  });

  it('keeps every other parameter in the Link rel="next" URL, which is absolute', async () => {
    vendor = await createFakeVendor();
    vendor.records('/items', items, { paging: 'link_header', recordsKey: null });
    const link = (await get(`${vendor.url}/items?limit=10&status=any`)).headers.get('link');
    const next = new URL(/<([^>]+)>/.exec(link!)![1]!);
    expect([next.origin, next.pathname, next.searchParams.get('limit'), next.searchParams.get('status'), typeof next.searchParams.get('cursor')]).toEqual([vendor.url, '/items', '10', 'any', 'string']);
  });

  it('starts a keyset page strictly after the cursor key, so a row removed between pages shifts nothing', async () => {
    vendor = await createFakeVendor();
    const rows = [...items];
    vendor.records('/items', () => rows, { paging: 'cursor', cursorKey: (row) => row.id, pageSize: 5 });
    const first = await get(`${vendor.url}/items`);
    rows.splice(0, 3);
    const second = await get(`${vendor.url}/items?cursor=${first.body.next_cursor}`);
    expect(second.body.records.map((r: Item) => r.n)).toEqual([6, 7, 8, 9, 10]);
  });

  it('uses the default page size, caps a larger one, and refuses bad parameters with 400 naming the parameter', async () => {
    vendor = await createFakeVendor();
    vendor.records('/items', items, { paging: 'offset', pageSize: 4, maxPageSize: 20 });
    vendor.records('/strict', items, { paging: 'cursor', maxPageSize: 10, overMaxPageSize: 'refuse' });
    expect((await get(`${vendor.url}/items`)).body.records).toHaveLength(4);
    expect((await get(`${vendor.url}/items?limit=500`)).body.records).toHaveLength(20);
    expect((await get(`${vendor.url}/items?offset=20&limit=10`)).body.records.map((r: Item) => r.n)).toEqual([21, 22, 23]);
    for (const [path, param] of [['/items?limit=0', 'limit'], ['/items?offset=-1', 'offset'], ['/strict?limit=11', 'limit'], ['/strict?cursor=bogus', 'cursor']]) {
      const answer = await get(`${vendor.url}${path}`);
      expect([answer.status, answer.body.param], path).toEqual([400, param]);
    }
  });

  it('shapes bodies with a custom builder (NetSuite-style offset pages) on a POST route', async () => {
    vendor = await createFakeVendor();
    vendor.records('/query', items, { paging: 'offset', method: 'POST', body: (page) => ({ items: page.items, hasMore: page.hasMore, offset: page.offset, count: page.items.length, totalResults: page.total }) });
    const response = await fetch(`${vendor.url}/query?limit=20&offset=20`, { method: 'POST', body: '{}' });
    expect(await response.json()).toEqual({ items: items.slice(20), hasMore: false, offset: 20, count: 3, totalResults: 23 });
  });
});

describe('createFakeVendor: routes, authorization and faults', () => {
  it('routes by method and path with {name} segments, and answers 404 elsewhere', async () => {
    vendor = await createFakeVendor();
    vendor.route('GET', '/orders/{id}/status', (_request, { params, count }) => ({ json: { id: params.id, count } }));
    expect((await get(`${vendor.url}/orders/o%201/status`)).body).toEqual({ id: 'o 1', count: 1 });
    expect((await get(`${vendor.url}/orders/o2/status`)).body).toEqual({ id: 'o2', count: 2 });
    expect((await get(`${vendor.url}/orders/o2`)).status).toBe(404);
    expect((await fetch(`${vendor.url}/orders/o2/status`, { method: 'DELETE' })).status).toBe(404);
  });

  it('applies authorize to every route: 401 when it says false, its own reply when it gives one', async () => {
    vendor = await createFakeVendor({
      authorize: (request) => request.headers.authorization === 'Bearer t' || (request.headers.authorization === undefined ? false : { status: 403, json: { error: 'wrong key' } }),
    });
    vendor.records('/items', items, { paging: 'cursor' }).route('GET', '/me', { json: { id: 'me' } });
    expect((await get(`${vendor.url}/items`)).status).toBe(401);
    expect(await get(`${vendor.url}/me`, { authorization: 'Bearer x' })).toMatchObject({ status: 403, body: { error: 'wrong key' } });
    expect(await get(`${vendor.url}/me`, { authorization: 'Bearer t' })).toMatchObject({ status: 200, body: { id: 'me' } });
  });

  it('answers queued faults in order, before authorization, on the route they name only, then serves normally', async () => {
    vendor = await createFakeVendor({ authorize: (request) => request.headers.authorization === 'Bearer t' });
    vendor.records('/items', items, { paging: 'cursor' }).route('GET', '/me', { json: { id: 'me' } });
    vendor.fail('GET /items', [{ status: 429, retryAfter: 2 }, { status: 503 }], { times: 2 });
    const auth = { authorization: 'Bearer t' };
    expect((await get(`${vendor.url}/me`, auth)).status).toBe(200);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await get(`${vendor.url}/items`));
    expect(answers.map((a) => a.status)).toEqual([429, 503, 429, 503, 401]);
    expect(answers[0]!.headers.get('retry-after')).toBe('2');
    expect((await get(`${vendor.url}/items`, auth)).status).toBe(200);
  });

  it('resets the connection or never answers for reset and hang faults, on any route with *', async () => {
    vendor = await createFakeVendor();
    vendor.route('GET', '/me', { json: { id: 'me' } });
    vendor.fail('*', [{ fault: 'reset' }, { fault: 'hang' }]);
    await expect(fetch(`${vendor.url}/me`)).rejects.toThrow();
    await expect(fetch(`${vendor.url}/me`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/aborted|timeout/i);
    expect((await get(`${vendor.url}/me`)).body).toEqual({ id: 'me' });
    expect(vendor.requests.map((r) => r.path)).toEqual(['/me', '/me', '/me']);
  });

  it('tells observe how each request was answered', async () => {
    const stages: string[] = [];
    vendor = await createFakeVendor({ observe: (e) => stages.push(`${e.stage} ${e.route ?? '-'}`), authorize: (r) => r.path !== '/secret' });
    vendor.route('GET', '/me', { json: {} }).route('GET', '/secret', { json: {} }).fail('/me', [{ status: 500 }]);
    for (const path of ['/me', '/me', '/secret', '/nope']) await get(`${vendor.url}${path}`);
    expect(stages).toEqual(['fault GET /me', 'route GET /me', 'unauthorized GET /secret', 'not_found -']);
  });

  it('lets intercept answer before authorize (seeded chaos), and delayMs slow route answers but never faults', async () => {
    let n = 0;
    vendor = await createFakeVendor({
      intercept: (request) => (request.query.get('chaos') === '1' ? { status: 500, json: { error: 'chaos', n: ++n } } : undefined),
      authorize: (request) => request.headers.authorization === 'Bearer t',
      delayMs: () => 200,
    });
    vendor.route('GET', '/me', { json: { id: 'me' } });
    const timed = async (path: string, headers: Record<string, string> = {}) => {
      const started = Date.now();
      const answer = await get(`${vendor.url}${path}`, headers);
      return [answer.status, Date.now() - started >= 200] as const;
    };
    expect(await timed('/me?chaos=1')).toEqual([500, false]);
    expect(await timed('/me')).toEqual([401, false]);
    expect(await timed('/me', { authorization: 'Bearer t' })).toEqual([200, true]);
  });
});

describe('createFakeVendor: open routes, validation, fault scopes and finishing', () => {
  it('serves a route added with authorize: false without the check, and validates only authorized requests', async () => {
    const stages: string[] = [];
    vendor = await createFakeVendor({
      authorize: (request) => request.headers.authorization === 'Bearer t',
      validate: (request) => (request.query.has('bad') ? { status: 400, json: { error: 'bad' } } : undefined),
      observe: (e) => stages.push(e.stage),
    });
    vendor.route('POST', '/oauth/token', { json: { access_token: 't' } }, { authorize: false }).route('GET', '/me', { json: { id: 'me' } });
    vendor.records('/public', items, { paging: 'cursor', authorize: false });
    const auth = { authorization: 'Bearer t' };
    expect((await fetch(`${vendor.url}/oauth/token`, { method: 'POST' })).status).toBe(200);
    expect((await get(`${vendor.url}/public`)).status).toBe(200);
    expect((await get(`${vendor.url}/me?bad=1`)).status).toBe(401);
    expect(await get(`${vendor.url}/me?bad=1`, auth)).toMatchObject({ status: 400, body: { error: 'bad' } });
    expect((await get(`${vendor.url}/me`, auth)).status).toBe(200);
    expect(stages).toEqual(['route', 'route', 'unauthorized', 'invalid', 'route']);
  });

  it('aims faults at every route under a path, at {name} paths, and takes method-specific queues first', async () => {
    vendor = await createFakeVendor();
    vendor.route('GET', '/api/a', { json: 'a' }).route('POST', '/api/b/{id}', { json: 'b' }).route('GET', '/me', { json: 'me' });
    vendor.fail('/api/*', [{ status: 503 }], { times: 2 }).fail('POST /api/b/{id}', [{ status: 429 }]);
    const status = async (method: string, path: string): Promise<number> => (await fetch(`${vendor.url}${path}`, { method })).status;
    expect(await status('GET', '/me')).toBe(200);
    expect(await status('POST', '/api/b/7')).toBe(429);
    expect(await status('POST', '/api/b/8')).toBe(503);
    expect(await status('GET', '/api/a')).toBe(503);
    expect([await status('GET', '/api/a'), await status('POST', '/api/b/9')]).toEqual([200, 200]);
  });

  it('lets finish shape every answer, faults and 404s included, before observe sees it', async () => {
    const seen: unknown[] = [];
    vendor = await createFakeVendor({
      finish: (answer) => ('fault' in answer ? answer : { ...answer, headers: { ...answer.headers, 'x-vendor': 'v1' } }),
      observe: (e) => seen.push('fault' in e.reply ? undefined : e.reply.headers?.['x-vendor']),
    });
    vendor.route('GET', '/me', { json: {} }).fail('/me', [{ status: 500 }]);
    const headers = [];
    for (const path of ['/me', '/me', '/nope']) headers.push((await get(`${vendor.url}${path}`)).headers.get('x-vendor'));
    expect(headers).toEqual(['v1', 'v1', 'v1']);
    expect(seen).toEqual(['v1', 'v1', 'v1']);
  });
});
