import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQUARE_CATALOG_LIST_PAGE_SIZE, startFakeSquare, type FakeSquare, type SquareCatalogObject } from './index.js';

let now = Date.parse('2025-03-01T12:00:00Z');
let square: FakeSquare;
let token: string;
beforeAll(async () => {
  square = await startFakeSquare({ now: () => now });
  square.merchant().seed({ items: 250, variationsPerItem: 2, deletedItems: 3 });
  token = square.issueTokens().access_token;
});
afterAll(async () => {
  await square.close();
});

async function get(path: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${square.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, json: await response.json() };
}
async function search(body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${square.url}/v2/catalog/search`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

/** Follows cursors from `first` to the end, collecting the page sizes and objects. */
async function walk(next: (cursor: string | undefined) => Promise<{ json: any }>): Promise<{ sizes: number[]; objects: SquareCatalogObject[] }> {
  const sizes: number[] = [];
  const objects: SquareCatalogObject[] = [];
  let cursor: string | undefined;
  do {
    const page = (await next(cursor)).json;
    sizes.push(page.objects?.length ?? 0);
    objects.push(...(page.objects ?? []));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { sizes, objects };
}

describe('GET /v2/catalog/list', () => {
  it('lists 250 live items with nested variations in pages of exactly 100, the cursor in the query and absent on the last page', async () => {
    const { sizes, objects } = await walk((cursor) => get(`/v2/catalog/list?types=ITEM${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`));
    expect(sizes).toEqual([100, 100, 50]);
    expect(objects).toEqual(square.merchant().items());
    expect(new Set(objects.map((o) => o.id)).size).toBe(250);
    const [item] = objects;
    expect(item).toMatchObject({ type: 'ITEM', is_deleted: false, present_at_all_locations: true, item_data: { name: expect.any(String), product_type: 'REGULAR' } });
    if (item?.type !== 'ITEM') throw new Error('expected an item');
    expect(item.item_data.variations).toHaveLength(2);
    expect(item.item_data.variations[0]).toMatchObject({ type: 'ITEM_VARIATION', item_variation_data: { item_id: item.id, pricing_type: 'FIXED_PRICING', price_money: { amount: expect.any(Number), currency: 'USD' } } });
    expect(Number.isInteger(item.item_data.variations[0]!.item_variation_data.price_money.amount)).toBe(true);
  });

  it('keeps the page size at 100 whatever limit is sent, and lists ITEM and ITEM_VARIATION as top-level objects, types case-insensitive', async () => {
    expect((await get('/v2/catalog/list?types=ITEM&limit=5')).json.objects).toHaveLength(SQUARE_CATALOG_LIST_PAGE_SIZE);
    const { sizes, objects } = await walk((cursor) => get(`/v2/catalog/list?types=item,Item_Variation${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`));
    expect(sizes).toEqual([100, 100, 100, 100, 100, 100, 100, 50]);
    expect(objects.filter((o) => o.type === 'ITEM')).toHaveLength(250);
    expect(objects.filter((o) => o.type === 'ITEM_VARIATION')).toHaveLength(500);
  });

  it('lists ITEM objects when no types are given, never deleted ones, and nothing for types the fake does not store', async () => {
    const first = await get('/v2/catalog/list');
    expect(first.json.objects.every((o: SquareCatalogObject) => o.type === 'ITEM' && !o.is_deleted)).toBe(true);
    expect(await get('/v2/catalog/list?types=TAX,CATEGORY')).toEqual({ status: 200, json: {} });
    const refused = await get('/v2/catalog/list?types=ITEM,WIDGET');
    expect(refused).toEqual({ status: 400, json: { errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_ENUM_VALUE', detail: expect.any(String), field: 'types' }] } });
  });
});

describe('POST /v2/catalog/search', () => {
  it('pages with the cursor and an advisory limit in the body; a limit of 0 or above 1000 is ignored', async () => {
    const { sizes } = await walk((cursor) => search({ object_types: ['ITEM'], limit: 120, ...(cursor === undefined ? {} : { cursor }) }));
    expect(sizes).toEqual([120, 120, 10]);
    expect((await search({ object_types: ['ITEM'], limit: 0 })).json.objects).toHaveLength(100);
    expect((await search({ object_types: ['ITEM'], limit: 5000 })).json.objects).toHaveLength(100);
  });

  it('includes deleted items and their variations with is_deleted when include_deleted_objects is true', async () => {
    const live = await walk((cursor) => search({ object_types: ['ITEM'], limit: 1000, ...(cursor === undefined ? {} : { cursor }) }));
    const all = await walk((cursor) => search({ object_types: ['ITEM', 'ITEM_VARIATION'], include_deleted_objects: true, limit: 1000, ...(cursor === undefined ? {} : { cursor }) }));
    expect(live.objects).toHaveLength(250);
    const deleted = all.objects.filter((o) => o.is_deleted);
    expect(deleted.filter((o) => o.type === 'ITEM')).toHaveLength(3);
    expect(deleted.filter((o) => o.type === 'ITEM_VARIATION')).toHaveLength(6);
    expect(all.objects).toHaveLength(253 + 506);
  });

  it('returns only objects changed strictly after begin_time', async () => {
    const beginTime = new Date(now).toISOString();
    now += 1000;
    const shop = square.merchant();
    const [variation] = shop.variations();
    shop.updateVariation(variation!.id, { priceAmount: 999 });
    const changed = await search({ object_types: ['ITEM', 'ITEM_VARIATION'], begin_time: beginTime });
    expect(changed.json.objects.map((o: SquareCatalogObject) => o.id)).toEqual([variation!.id]);
    expect(changed.json.objects[0].item_variation_data.price_money.amount).toBe(999);
    // A variation's edit does not change its item: a search for ITEM alone sees nothing new.
    expect((await search({ object_types: ['ITEM'], begin_time: beginTime })).json).toEqual({});
  });

  it('refuses unknown object types, a bad begin_time and query filters with 400s naming the field', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ object_types: ['WIDGET'] }, 'INVALID_ENUM_VALUE', 'object_types'],
      [{ begin_time: 'yesterday' }, 'INVALID_TIME', 'begin_time'],
      [{ object_types: ['ITEM'], query: { prefix_query: { attribute_name: 'name', attribute_prefix: 'tea' } } }, 'BAD_REQUEST', 'query'],
    ];
    for (const [body, code, field] of cases) {
      const answer = await search(body);
      expect(answer.status).toBe(400);
      expect(answer.json.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
    }
    const notJson = await fetch(`${square.url}/v2/catalog/search`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{nope' });
    expect(((await notJson.json()) as any).errors[0].code).toBe('EXPECTED_JSON_BODY');
  });
});
