import { afterEach, describe, expect, it } from 'vitest';
import { createFakeMeteredVendor, maxInWindow, type FakeMeteredVendor } from './fake-metered-vendor.js';

let vendor: FakeMeteredVendor | undefined;
afterEach(async () => {
  await vendor?.close();
  vendor = undefined;
});

async function get(path: string, client = 'c1'): Promise<{ status: number; body: { items?: Array<{ sku: string }>; next_cursor?: string | null } }> {
  const res = await fetch(`${vendor!.url}${path}`, { headers: { 'x-client': client } });
  return { status: res.status, body: (await res.json()) as { items?: Array<{ sku: string }>; next_cursor?: string | null } };
}

describe('fake metered vendor', () => {
  it('serves pages by cursor until next_cursor is null, and logs each request with its client', async () => {
    vendor = await createFakeMeteredVendor({ ratePerSecond: 1000, burst: 100, collections: { a: 3 }, pageSize: 2 });
    const first = await get('/a');
    expect(first.status).toBe(200);
    expect(first.body.items?.map((r) => r.sku)).toEqual(['A-00000', 'A-00001']);
    expect(first.body.next_cursor).toBe('1');
    expect((await get('/a?cursor=2')).body.next_cursor).toBeNull();
    expect((await get('/a?cursor=3')).status).toBe(404);
    expect(vendor.log.map((r) => [r.collection, r.page, r.client, r.status])).toEqual([
      ['a', 0, 'c1', 200],
      ['a', 2, 'c1', 200],
      ['a', 3, 'c1', 404],
    ]);
    expect(vendor.records('a')).toHaveLength(6);
  });

  it('answers 429 with Retry-After once the bucket is empty, and a failing status while failWith is set', async () => {
    // A rate so low that the bucket does not refill a whole token during the test.
    vendor = await createFakeMeteredVendor({ ratePerSecond: 0.001, burst: 2, collections: { a: 10 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(`/a?cursor=${i}`)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    vendor.failWith = 503;
    expect((await get('/a')).status).toBe(503);
    expect(vendor.log.map((r) => r.status)).toEqual([200, 200, 429, 429, 503]);
  });

  it('counts the requests of a collection in flight when another arrives', async () => {
    vendor = await createFakeMeteredVendor({ ratePerSecond: 1000, burst: 100, collections: { a: 10, b: 10 }, pageDelayMs: 200 });
    await Promise.all([get('/a'), get('/a?cursor=1'), get('/b')]);
    const byPage = vendor.log.filter((r) => r.collection === 'a').map((r) => r.concurrent).sort();
    expect(byPage).toEqual([0, 1]);
    expect(vendor.log.find((r) => r.collection === 'b')?.concurrent).toBe(0);
  });

  it('finds the most arrivals in any window', () => {
    const at = (...times: number[]) => times.map((arrivedAt) => ({ arrivedAt }));
    expect(maxInWindow(at(0, 500, 1200), 1000)).toBe(2);
    expect(maxInWindow(at(0, 999, 1000, 1001, 1500), 1000)).toBe(4);
    expect(maxInWindow([], 1000)).toBe(0);
  });
});
