import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSquare, type FakeSquare, type SquareInventoryCount } from './index.js';

const fixture = JSON.parse(readFileSync(new URL('../../../../test/fixtures/vendors/square/batch_retrieve_inventory_counts_response.json', import.meta.url), 'utf8')) as { counts: SquareInventoryCount[] };

let now = Date.parse('2025-03-01T12:00:00Z');
let square: FakeSquare;
let token: string;
beforeAll(async () => {
  square = await startFakeSquare({ now: () => now });
  square.merchant().seed({ locations: 2, items: 100, variationsPerItem: 2 });
  token = square.issueTokens().access_token;
});
afterAll(async () => {
  await square.close();
});

async function retrieve(body: Record<string, unknown>): Promise<{ status: number; json: any }> {
  const response = await fetch(`${square.url}/v2/inventory/counts/batch-retrieve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function walk(body: Record<string, unknown>): Promise<{ sizes: number[]; counts: SquareInventoryCount[] }> {
  const sizes: number[] = [];
  const counts: SquareInventoryCount[] = [];
  let cursor: string | undefined;
  do {
    const page = (await retrieve({ ...body, ...(cursor === undefined ? {} : { cursor }) })).json;
    sizes.push(page.counts?.length ?? 0);
    counts.push(...(page.counts ?? []));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { sizes, counts };
}

describe('POST /v2/inventory/counts/batch-retrieve', () => {
  it('pages 600 counts newest calculated_at first with limit and cursor in the body, each once, shaped like the fixture', async () => {
    const { sizes, counts } = await walk({ limit: 250 });
    expect(sizes).toEqual([250, 250, 100]);
    expect(counts).toHaveLength(600); // 200 variations × 3 locations (main + 2)
    expect(new Set(counts.map((c) => `${c.catalog_object_id}/${c.location_id}/${c.state}`)).size).toBe(600);
    const times = counts.map((c) => Date.parse(c.calculated_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Object.keys(counts[0]!).sort()).toEqual(Object.keys(fixture.counts[0]!).sort());
    expect(counts.every((c) => typeof c.quantity === 'string' && /^\d+$/.test(c.quantity) && c.state === 'IN_STOCK' && c.catalog_object_type === 'ITEM_VARIATION')).toBe(true);
    expect((await retrieve({})).json.counts).toHaveLength(600);
  });

  it('filters by catalog_object_ids, location_ids and states', async () => {
    const shop = square.merchant();
    const [v1, v2] = shop.variations();
    const [location] = shop.locations();
    const one = await retrieve({ catalog_object_ids: [v1!.id, v2!.id], location_ids: [location!.id] });
    expect(one.json.counts.map((c: SquareInventoryCount) => c.catalog_object_id).sort()).toEqual([v1!.id, v2!.id].sort());
    expect((await retrieve({ catalog_object_ids: [v1!.id], states: ['WASTE'] })).json).toEqual({});
  });

  it('with updated_after returns only counts calculated strictly after it, with their new quantity', async () => {
    const shop = square.merchant();
    const since = new Date(now).toISOString();
    now += 1000;
    const [variation] = shop.variations();
    const [location] = shop.locations();
    const { count } = shop.updateCount(variation!.id, location!.id, '2.5');
    expect((await retrieve({ updated_after: since })).json).toEqual({ counts: [count] });
    expect(count).toEqual({ catalog_object_id: variation!.id, catalog_object_type: 'ITEM_VARIATION', state: 'IN_STOCK', location_id: location!.id, quantity: '2.5', calculated_at: new Date(now).toISOString() });
    expect((await retrieve({ updated_after: count.calculated_at })).json).toEqual({});
  });

  it('refuses limit outside 1..1000 and a cursor sent with other filters', async () => {
    expect((await retrieve({ limit: 0 })).json.errors[0]).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'limit' });
    expect((await retrieve({ limit: 1001 })).json.errors[0]).toMatchObject({ code: 'VALUE_TOO_HIGH', field: 'limit' });
    expect((await retrieve({ states: ['SHINY'] })).json.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'states' });
    const first = await retrieve({ limit: 10 });
    const other = await retrieve({ limit: 10, cursor: first.json.cursor, location_ids: [square.merchant().locations()[0]!.id] });
    expect(other.status).toBe(400);
    expect(other.json.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CURSOR', field: 'cursor' });
    // A different limit with the same filters is the same query.
    expect((await retrieve({ limit: 20, cursor: first.json.cursor })).status).toBe(200);
  });
});
