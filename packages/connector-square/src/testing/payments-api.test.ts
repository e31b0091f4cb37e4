import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSquare, type FakeSquare, type SquarePayment } from './index.js';

const now = Date.parse('2025-03-01T12:00:00Z');
let square: FakeSquare;
let token: string;
beforeAll(async () => {
  square = await startFakeSquare({ now: () => now });
  const shop = square.merchant();
  const main = shop.locations()[0]!;
  const second = shop.addLocation({ name: 'Second' });
  for (let i = 0; i < 230; i++) shop.addPayment({ locationId: main.id, amount: 100 + i, createdAtMs: now - (i + 1) * 60_000 });
  shop.addPayment({ locationId: second.id, amount: 5000, createdAtMs: now - 1000 });
  shop.addPayment({ locationId: main.id, amount: 7000, createdAtMs: now - 400 * 86_400_000 });
  token = square.issueTokens().access_token;
});
afterAll(async () => {
  await square.close();
});

async function list(query: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${square.url}/v2/payments${query === '' ? '' : `?${query}`}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, json: await response.json() };
}
async function walk(query: string): Promise<{ sizes: number[]; payments: SquarePayment[] }> {
  const sizes: number[] = [];
  const payments: SquarePayment[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams(query);
    if (cursor !== undefined) params.set('cursor', cursor);
    const page = (await list(params.toString())).json;
    sizes.push(page.payments?.length ?? 0);
    payments.push(...(page.payments ?? []));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { sizes, payments };
}

describe('GET /v2/payments', () => {
  it("pages the main location's payments of the last year, newest first, 100 a page, the cursor in the query", async () => {
    const { sizes, payments } = await walk('');
    expect(sizes).toEqual([100, 100, 30]);
    expect(payments.map((p) => p.total_money.amount)).toEqual(Array.from({ length: 230 }, (_, i) => 100 + i));
    expect(payments[0]).toMatchObject({ status: 'COMPLETED', source_type: 'CARD', amount_money: { amount: 100, currency: 'USD' }, card_details: { status: 'CAPTURED' } });
  });

  it('ignores a limit above 100, and honours a smaller one', async () => {
    expect((await list('limit=500')).json.payments).toHaveLength(100);
    expect((await list('limit=7')).json.payments).toHaveLength(7);
    expect((await list('limit=0')).json.errors[0]).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'limit' });
  });

  it('selects on created_at with begin_time and end_time (both inclusive), oldest first with sort_order=ASC', async () => {
    const begin = new Date(now - 5 * 60_000).toISOString();
    const end = new Date(now - 2 * 60_000).toISOString();
    const { payments } = await walk(`begin_time=${begin}&end_time=${end}&sort_order=ASC`);
    expect(payments.map((p) => p.total_money.amount)).toEqual([104, 103, 102, 101]);
    expect((await walk('begin_time=2020-01-01T00:00:00Z')).payments).toHaveLength(231);
  });

  it('lists another location only when asked by location_id, and refuses a foreign one', async () => {
    const second = square.merchant().locations().find((l) => l.name === 'Second')!;
    expect((await list(`location_id=${second.id}`)).json.payments.map((p: SquarePayment) => p.total_money.amount)).toEqual([5000]);
    expect((await list('location_id=FOREIGN0LOC01')).json.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'location_id' });
  });

  it('refuses a bad sort_order with INVALID_SORT_ORDER, a bad time with INVALID_TIME, and a cursor with another query', async () => {
    expect((await list('sort_order=NEWEST')).json.errors[0]).toMatchObject({ code: 'INVALID_SORT_ORDER', field: 'sort_order' });
    expect((await list('begin_time=today')).json.errors[0]).toMatchObject({ code: 'INVALID_TIME', field: 'begin_time' });
    const first = await list('');
    const other = await list(`sort_order=ASC&cursor=${encodeURIComponent(first.json.cursor)}`);
    expect(other.json.errors[0].code).toBe('INVALID_CURSOR');
  });
});
