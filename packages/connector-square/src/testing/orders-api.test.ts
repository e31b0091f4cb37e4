import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSquare, type FakeSquare, type SquareOrder } from './index.js';

let now = Date.parse('2025-03-01T12:00:00Z');
let square: FakeSquare;
let token: string;
let locationIds: string[];
beforeAll(async () => {
  square = await startFakeSquare({ now: () => now });
  const shop = square.merchant();
  shop.seed({ locations: 2, items: 20, orders: 1200 });
  locationIds = shop.locations().map((l) => l.id);
  token = square.issueTokens().access_token;
});
afterAll(async () => {
  await square.close();
});

async function search(body: Record<string, unknown>): Promise<{ status: number; json: any }> {
  const response = await fetch(`${square.url}/v2/orders/search`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}
const byUpdatedAt = (startAt: string, endAt?: string): Record<string, unknown> => ({
  filter: { date_time_filter: { updated_at: { start_at: startAt, ...(endAt === undefined ? {} : { end_at: endAt }) } } },
  sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
});

async function walk(body: Record<string, unknown>): Promise<{ sizes: number[]; orders: SquareOrder[] }> {
  const sizes: number[] = [];
  const orders: SquareOrder[] = [];
  let cursor: string | undefined;
  do {
    const page = (await search({ ...body, ...(cursor === undefined ? {} : { cursor }) })).json;
    expect(page.errors).toBeUndefined();
    sizes.push(page.orders?.length ?? 0);
    orders.push(...(page.orders ?? []));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { sizes, orders };
}

describe('POST /v2/orders/search', () => {
  it('pages every order once by updated_at ascending, 500 a page by default, the cursor in the body', async () => {
    const { sizes, orders } = await walk({ location_ids: locationIds, query: byUpdatedAt('2000-01-01T00:00:00Z') });
    expect(sizes).toEqual([500, 500, 200]);
    expect(new Set(orders.map((o) => o.id)).size).toBe(1200);
    const stamps = orders.map((o) => Date.parse(o.updated_at));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('serves orders with catalog line items, string quantities and integer money', async () => {
    const [order] = (await search({ location_ids: locationIds, limit: 1 })).json.orders as SquareOrder[];
    expect(order).toMatchObject({ id: expect.stringMatching(/^[A-Za-z0-9]{27}$/), state: expect.stringMatching(/^(OPEN|COMPLETED|CANCELED)$/), version: expect.any(Number) });
    const line = order!.line_items![0]!;
    expect(line).toMatchObject({ catalog_object_id: expect.any(String), quantity: expect.stringMatching(/^\d+$/), item_type: 'ITEM', base_price_money: { currency: 'USD' } });
    expect(line.total_money.amount).toBe(line.base_price_money.amount * Number(line.quantity));
    expect(order!.total_money.amount).toBe(order!.line_items!.reduce((sum, l) => sum + l.total_money.amount, 0));
  });

  it('sorts by created_at, newest first, by default, and honours limit up to 1000', async () => {
    const { orders } = (await search({ location_ids: locationIds, limit: 1000 })).json as { orders: SquareOrder[] };
    expect(orders).toHaveLength(1000);
    const stamps = orders.map((o) => Date.parse(o.created_at));
    expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
    expect((await search({ location_ids: locationIds, limit: 1001 })).json.errors[0]).toMatchObject({ code: 'VALUE_TOO_HIGH', field: 'limit' });
  });

  it('filters by updated_at range (inclusive), location and state, and answers entries when return_entries is set', async () => {
    const all = (await walk({ location_ids: locationIds, query: byUpdatedAt('2000-01-01T00:00:00Z') })).orders;
    const middle = all[600]!;
    const ranged = await walk({ location_ids: locationIds, query: byUpdatedAt(middle.updated_at, middle.updated_at) });
    expect(ranged.orders.map((o) => o.id)).toContain(middle.id);
    expect(ranged.orders.every((o) => o.updated_at === middle.updated_at)).toBe(true);
    const oneLocation = await walk({ location_ids: [locationIds[0]], query: { filter: { state_filter: { states: ['COMPLETED'] } } } });
    expect(oneLocation.orders.length).toBeGreaterThan(0);
    expect(oneLocation.orders.every((o) => o.location_id === locationIds[0] && o.state === 'COMPLETED' && o.closed_at !== undefined)).toBe(true);
    const entries = await search({ location_ids: locationIds, limit: 2, return_entries: true });
    expect(Object.keys(entries.json).sort()).toEqual(['cursor', 'order_entries']);
    expect(entries.json.order_entries[0]).toEqual({ order_id: expect.any(String), version: expect.any(Number), location_id: expect.any(String) });
  });

  it('ends a range without end_at at the first request: orders updated during the walk are not served', async () => {
    const first = await search({ location_ids: locationIds, query: byUpdatedAt('2000-01-01T00:00:00Z'), limit: 1000 });
    now += 60_000;
    const { order } = square.merchant().updateOrder(first.json.orders[0].id, { state: 'COMPLETED' });
    const rest = await search({ location_ids: locationIds, query: byUpdatedAt('2000-01-01T00:00:00Z'), limit: 1000, cursor: first.json.cursor });
    expect(rest.json.orders.map((o: SquareOrder) => o.id)).not.toContain(order.id);
    // A new walk sees it, at the end, with its new version.
    const fresh = await walk({ location_ids: locationIds, query: byUpdatedAt(order.updated_at) });
    expect(fresh.orders).toEqual([order]);
  });

  it('answers {} when nothing matches', async () => {
    expect(await search({ location_ids: locationIds, query: byUpdatedAt('2099-01-01T00:00:00Z') })).toEqual({ status: 200, json: {} });
  });

  it('refuses more than 10 location_ids, none, or a foreign one, and a date filter on another field than the sort field', async () => {
    const eleven = Array.from({ length: 11 }, () => locationIds[0]);
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ location_ids: eleven }, 'INVALID_VALUE', 'location_ids'],
      [{}, 'MISSING_REQUIRED_PARAMETER', 'location_ids'],
      [{ location_ids: ['FOREIGN0LOC01'] }, 'INVALID_VALUE', 'location_ids'],
      [{ location_ids: locationIds, query: { filter: { date_time_filter: { updated_at: { start_at: '2025-01-01T00:00:00Z' } } } } }, 'INVALID_VALUE', 'query.sort.sort_field'],
      [{ location_ids: locationIds, query: { filter: { date_time_filter: { created_at: {}, updated_at: {} } }, sort: { sort_field: 'CREATED_AT' } } }, 'INVALID_VALUE', 'query.filter.date_time_filter'],
      [{ location_ids: locationIds, query: { filter: { state_filter: { states: ['SHIPPED'] } } } }, 'INVALID_ENUM_VALUE', 'query.filter.state_filter.states'],
      [{ location_ids: locationIds, query: { sort: { sort_field: 'CREATED_AT', sort_order: 'SIDEWAYS' } } }, 'INVALID_SORT_ORDER', 'query.sort.sort_order'],
      [{ location_ids: locationIds, query: byUpdatedAt('last week') }, 'INVALID_TIME', 'query.filter.date_time_filter.updated_at.start_at'],
    ];
    for (const [body, code, field] of cases) {
      const answer = await search(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.errors, JSON.stringify(body)).toEqual([{ category: 'INVALID_REQUEST_ERROR', code, detail: expect.any(String), field }]);
    }
  });

  it('refuses a cursor sent with a different query with INVALID_CURSOR', async () => {
    const first = await search({ location_ids: locationIds, limit: 10 });
    const changed = await search({ location_ids: [locationIds[0]], limit: 10, cursor: first.json.cursor });
    expect(changed.json).toEqual({ errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CURSOR', detail: expect.any(String), field: 'cursor' }] });
    const requery = await search({ location_ids: locationIds, limit: 10, cursor: first.json.cursor, query: { filter: { state_filter: { states: ['OPEN'] } } } });
    expect(requery.json.errors[0].code).toBe('INVALID_CURSOR');
    expect((await search({ location_ids: locationIds, limit: 10, cursor: first.json.cursor, return_entries: true })).status).toBe(200);
  });
});
