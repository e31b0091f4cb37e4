import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStorq, type FakeStorq, type StorqOrder, type StorqStockRow } from './index.js';
import { decodeCursor, encodeCursor, pageOf } from './core-test-kit.js';
import { LIST_PAGING } from './pagination.js';

let storq: FakeStorq;
beforeAll(async () => {
  storq = await startFakeStorq();
  storq.setStock(Array.from({ length: 250 }, (_, i) => ({ sku: `SKU-${String(i).padStart(4, '0')}`, quantity: i })));
  storq.setStock([{ sku: 'T-1', quantity: 9 }], 'test');
  for (let i = 0; i < 7; i++) storq.addOrder({ customer_email: 'a@b.c', external_id: i % 2 === 0 ? 'even' : `odd-${i}`, line_items: [{ sku: 'A', quantity: 1 }] });
  for (let i = 0; i < 3; i++) storq.addProduct({ name: `P${i}`, sku: `P-${i}` });
});
afterAll(async () => {
  await storq.close();
});

const get = async (url: string): Promise<Response> => fetch(url, { headers: { authorization: `Bearer ${storq.liveKey}` } });

describe('fake storq pagination', () => {
  it('walks 250 stock rows with limit 100 in 3 pages, every row exactly once in sku order', async () => {
    const seen: StorqStockRow[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? 'limit=100' : `limit=100&cursor=${cursor}`;
      const body = (await (await get(`${storq.baseUrl}/stock?${query}`)).json()) as { stock: StorqStockRow[]; next_cursor: string | null };
      seen.push(...body.stock);
      cursor = body.next_cursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(storq.stock());
  });

  it('serves 50 rows when no limit is sent and refuses a limit outside 1..100 or a foreign cursor', async () => {
    const body = (await (await get(`${storq.baseUrl}/stock`)).json()) as { stock: unknown[]; next_cursor: string | null };
    expect(body.stock).toHaveLength(50);
    expect(body.next_cursor).not.toBeNull();
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'cursor=%%%', `cursor=${encodeCursor(3)}`]) {
      const response = await get(`${storq.baseUrl}/stock?${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error).toMatchObject({ type: 'invalid_request_error', param: query.split('=')[0] });
    }
  });

  it('filters stock and products to one sku, and answers an empty list for an unknown sku', async () => {
    const one = (await (await get(`${storq.baseUrl}/stock?sku=SKU-0042`)).json()) as { stock: StorqStockRow[] };
    expect(one.stock).toEqual([{ sku: 'SKU-0042', quantity: 42, updated_at: expect.any(String) }]);
    expect(await (await get(`${storq.baseUrl}/stock?sku=NOPE`)).json()).toEqual({ stock: [], next_cursor: null });
    const product = (await (await get(`${storq.baseUrl}/products?sku=P-1`)).json()) as { products: Array<{ sku: string }> };
    expect(product.products.map((p) => p.sku)).toEqual(['P-1']);
  });

  it('pages products with next_cursor like stock', async () => {
    const first = (await (await get(`${storq.baseUrl}/products?limit=2`)).json()) as { products: Array<{ sku: string }>; next_cursor: string };
    const second = (await (await get(`${storq.baseUrl}/products?limit=2&cursor=${first.next_cursor}`)).json()) as { products: Array<{ sku: string }>; next_cursor: null };
    expect([...first.products, ...second.products].map((p) => p.sku)).toEqual(['P-0', 'P-1', 'P-2']);
    expect(second.next_cursor).toBeNull();
  });

  it('pages orders as bare arrays through an absolute Link rel="next" URL that keeps the other parameters', async () => {
    const seen: StorqOrder[] = [];
    let next: string | undefined = `${storq.baseUrl}/orders?limit=3`;
    const links: string[] = [];
    while (next !== undefined) {
      const response = await get(next);
      const body = (await response.json()) as StorqOrder[];
      expect(Array.isArray(body)).toBe(true);
      seen.push(...body);
      const link = response.headers.get('link');
      if (link !== null) links.push(link);
      next = link === null ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
    }
    expect(links).toHaveLength(2);
    expect(links[0]).toMatch(new RegExp(`^<${storq.baseUrl}/orders\\?limit=3&cursor=[A-Za-z0-9_-]+>; rel="next"$`));
    expect(seen).toEqual(storq.orders());

    const filtered = await get(`${storq.baseUrl}/orders?external_id=even&limit=2`);
    const firstPage = (await filtered.json()) as StorqOrder[];
    expect(firstPage.map((o) => o.external_id)).toEqual(['even', 'even']);
    const nextUrl = /^<([^>]+)>/.exec(filtered.headers.get('link') ?? '')?.[1] ?? '';
    expect(new URL(nextUrl).searchParams.get('external_id')).toBe('even');
    const rest = (await (await get(nextUrl)).json()) as StorqOrder[];
    expect(rest.map((o) => o.external_id)).toEqual(['even', 'even']);
    const none = await get(`${storq.baseUrl}/orders?external_id=unknown`);
    expect(await none.json()).toEqual([]);
    expect(none.headers.get('link')).toBeNull();
  });
});

describe('pagination helpers', () => {
  it('round-trips cursors of the expected kind only', () => {
    expect(decodeCursor(encodeCursor('SKU-1'), 'string')).toBe('SKU-1');
    expect(decodeCursor(encodeCursor(7), 'number')).toBe(7);
    expect(decodeCursor(encodeCursor(7), 'string')).toBeUndefined();
    expect(decodeCursor('not-base64-json', 'string')).toBeUndefined();
  });

  it('starts strictly after the cursor key even when that row is gone, and takes limit 1..100, 50 by default', () => {
    const rows = ['a', 'c', 'd'].map((sku) => ({ sku }));
    const page = (query: string) => {
      const answer = pageOf(rows, new URLSearchParams(query), LIST_PAGING);
      return 'items' in answer ? { items: answer.items.map((r) => r.sku), nextCursor: answer.nextCursor, limit: answer.limit } : answer;
    };
    expect(page(`limit=2&cursor=${encodeCursor('b')}`)).toEqual({ items: ['c', 'd'], nextCursor: null, limit: 2 });
    expect(page('limit=1')).toEqual({ items: ['a'], nextCursor: encodeCursor('a'), limit: 1 });
    expect(page(`limit=5&cursor=${encodeCursor('z')}`)).toEqual({ items: [], nextCursor: null, limit: 5 });
    expect([page(''), page('limit=100')].map((p) => ('limit' in p ? p.limit : p))).toEqual([50, 100]);
    for (const limit of ['0', '-1', '1e2', '101']) expect(page(`limit=${limit}`)).toEqual({ param: 'limit', message: 'limit must be an integer from 1 to 100' });
  });
});
