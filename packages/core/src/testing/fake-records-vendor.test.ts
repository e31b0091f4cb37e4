import { afterEach, describe, expect, it } from 'vitest';
import { createFakeHttpServer, reply } from './fake-http-server.js';
import { createFakeRecordsVendor, DEFAULT_FAKE_TOKEN, fakeProducts, type FakeRecord, type FakeRecordsVendor } from './fake-records-vendor.js';

let vendor: FakeRecordsVendor | undefined;
afterEach(async () => {
  await vendor?.close();
  vendor = undefined;
});

interface Page {
  status: number;
  headers: Headers;
  body: { products?: FakeRecord[]; next_cursor?: string | null; has_more?: boolean; page?: number; next_page?: number | null; error?: string };
}

async function get(query: Record<string, string | number> = {}, token: string | null = DEFAULT_FAKE_TOKEN): Promise<Page> {
  const url = new URL(`${vendor!.url}${vendor!.path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  const res = await fetch(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Page['body'] };
}

/** Follows next_cursor from the first page to the last, collecting ids. */
async function walk(query: Record<string, string | number>): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await get(cursor === undefined || cursor === null ? query : { ...query, cursor });
    expect(page.status).toBe(200);
    ids.push(...page.body.products!.map((p) => p.id as number));
    cursor = page.body.next_cursor;
  } while (cursor !== null && cursor !== undefined);
  return ids;
}

const start = (records: FakeRecord[] = fakeProducts(120)) =>
  createFakeRecordsVendor({ path: '/products', recordsKey: 'products', records }).then((v) => (vendor = v));

describe('createFakeRecordsVendor', () => {
  it('refuses requests without the bearer token with 401, and logs them', async () => {
    await start();
    expect((await get({}, null)).status).toBe(401);
    expect((await get({}, 'wrong')).status).toBe(401);
    expect(vendor!.log.map((r) => r.status)).toEqual([401, 401]);
    expect(vendor!.served()).toEqual([]);
  });

  it('walks every record exactly once with keyset cursors, in updated_at then id order', async () => {
    await start();
    const ids = await walk({ limit: 25 });
    expect(ids).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    const served = vendor!.served();
    expect(served).toHaveLength(5);
    expect(served.map((r) => r.first)).toEqual([true, false, false, false, false]);
    expect(served.at(-1)!.nextCursor).toBeNull();
    expect(served.map((r) => r.ids.length)).toEqual([25, 25, 25, 25, 20]);
  });

  it('serves numbered pages from page and limit, with next_page', async () => {
    await start(fakeProducts(30));
    const second = await get({ page: 2, limit: 20 });
    expect(second.body.products!.map((p) => p.id)).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));
    expect(second.body).toMatchObject({ page: 2, next_page: null, has_more: false, next_cursor: null });
    const first = await get({ page: 1, limit: 20 });
    expect(first.body).toMatchObject({ page: 1, next_page: 2, has_more: true });
    expect(vendor!.served().map((r) => [r.page, r.first])).toEqual([
      [2, false],
      [1, true],
    ]);
  });

  it('uses the default page size without limit and caps a large one', async () => {
    vendor = await createFakeRecordsVendor({ path: '/products', recordsKey: 'products', records: fakeProducts(40), defaultPageSize: 15, maxPageSize: 30 });
    expect((await get()).body.products).toHaveLength(15);
    expect((await get({ limit: 1000 })).body.products).toHaveLength(30);
    expect(vendor.served().map((r) => r.limit)).toEqual([15, 30]);
  });

  it('answers 400 to a malformed cursor, page, limit or updated_since', async () => {
    await start();
    const queries: Array<Record<string, string | number>> = [{ cursor: 'nope' }, { page: 0 }, { limit: 'x' }, { updated_since: 'yesterday' }];
    for (const query of queries) {
      expect((await get(query)).status).toBe(400);
    }
  });

  it('filters by updated_since (inclusive) and keeps the order stable', async () => {
    const records = fakeProducts(10);
    await start(records);
    const since = records[6]!.updated_at as string;
    expect(await walk({ updated_since: since, limit: 2 })).toEqual([7, 8, 9, 10]);
    expect(vendor!.served().every((r) => r.since === since)).toBe(true);
  });

  it('update merges changes and bumps updated_at past every record, so incremental reads see only it', async () => {
    const records = fakeProducts(10);
    await start(records);
    const mark = records[9]!.updated_at as string;
    const changed = vendor!.update(3, { price: '99.00' });
    expect(changed).toMatchObject({ id: 3, sku: 'SKU-00003', price: '99.00' });
    expect(Date.parse(changed.updated_at as string)).toBeGreaterThan(Date.parse(mark));
    expect(vendor!.get(3)).toEqual(changed);
    // >= the old high-water mark: the boundary record and the changed one.
    expect(await walk({ updated_since: mark })).toEqual([10, 3]);
  });

  it('update keeps an updated_at given in the changes (an older version of a record)', async () => {
    await start(fakeProducts(3));
    const older = vendor!.update(3, { name: 'stale', updated_at: '2024-06-01T00:00:00.000Z' });
    expect(older.updated_at).toBe('2024-06-01T00:00:00.000Z');
    expect(await walk({})).toEqual([3, 1, 2]);
  });

  it('insert adds records (stamped when they lack updated_at) and remove drops them', async () => {
    await start(fakeProducts(2));
    const [added] = vendor!.insert({ id: 50, sku: 'NEW', name: 'New', price: '1.00' });
    expect(typeof added!.updated_at).toBe('string');
    vendor!.remove(1);
    expect(vendor!.records().map((r) => r.id)).toEqual([2, 50]);
    expect(await walk({})).toEqual([2, 50]);
    expect(() => vendor!.remove(1)).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_INTERNAL' }));
    expect(() => vendor!.insert({ id: 60, updated_at: 'not a date' })).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_INTERNAL' }));
  });

  it('keeps cursors valid while records change mid-walk: every record once, the changed one again at the end', async () => {
    await start(fakeProducts(6));
    const first = await get({ limit: 3 });
    vendor!.update(2, { name: 'changed' });
    vendor!.update(5, { name: 'changed' });
    const ids = [...first.body.products!.map((p) => p.id), ...(await walk({ limit: 3, cursor: first.body.next_cursor! }))];
    expect(ids).toEqual([1, 2, 3, 4, 6, 2, 5]);
  });

  it('plays injected faults before pages: 429 with Retry-After, 500, reset', async () => {
    await start();
    vendor!.failNext(reply.retryAfter(2), reply.status(500), reply.reset());
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await fetch(`${vendor!.url}${vendor!.path}`)).status).toBe(500);
    await expect(get()).rejects.toThrow();
    expect((await get()).status).toBe(200);
    expect(vendor!.log.map((r) => r.status)).toEqual([429, 500, 'reset', 200]);
  });

  it('enforces an optional fixed-window rate limit with 429 and Retry-After', async () => {
    vendor = await createFakeRecordsVendor({ path: '/products', recordsKey: 'products', records: fakeProducts(5), rateLimit: { requests: 2, windowMs: 60_000 } });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const third = await get();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('delays pages when asked, and the log keeps the arrival order', async () => {
    await start();
    vendor!.pageDelayMs = 50;
    const [a, b] = await Promise.all([get({ limit: 1 }), get({ limit: 2 })]);
    expect([a.body.products!.length, b.body.products!.length]).toEqual([1, 2]);
    expect(vendor!.served().map((r) => r.limit)).toEqual([1, 2]);
  });

  it('shares a server given to it and leaves it open on close', async () => {
    const server = await createFakeHttpServer();
    try {
      vendor = await createFakeRecordsVendor({ server, path: '/a', records: fakeProducts(1) });
      server.route('GET', '/health', reply.json({ ok: true }));
      expect(vendor.url).toBe(server.url);
      await vendor.close();
      vendor = undefined;
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('returns copies: changing what a test got never changes the source', async () => {
    await start(fakeProducts(1));
    const [record] = vendor!.records();
    record!.name = 'mutated';
    expect(vendor!.get(1)!.name).toBe('Product 1');
    expect(vendor!.clearLog()).toBeUndefined();
  });
});

describe('fakeProducts', () => {
  it('makes distinct skus and strictly increasing updated_at values', () => {
    const products = fakeProducts(3, { firstId: 10, start: '2025-02-01T00:00:00Z' });
    expect(products.map((p) => p.sku)).toEqual(['SKU-00010', 'SKU-00011', 'SKU-00012']);
    expect(products.map((p) => p.updated_at)).toEqual(['2025-02-01T00:00:00.000Z', '2025-02-01T00:00:01.000Z', '2025-02-01T00:00:02.000Z']);
    expect(products.every((p) => /^\d+\.\d{2}$/.test(p.price as string))).toBe(true);
  });
});
