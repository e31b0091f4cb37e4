import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSquare, type FakeSquare } from './index.js';

let square: FakeSquare;
let writer: string;
let reader: string;
let variation: string;
let location: string;
beforeAll(async () => {
  square = await startFakeSquare({ now: () => Date.parse('2025-03-01T12:00:00Z') });
  const merchant = square.merchant();
  merchant.seed({ locations: 0, items: 2 });
  variation = merchant.variations()[0]!.id;
  location = merchant.locations()[0]!.id;
  writer = square.issueTokens({ scopes: ['INVENTORY_READ', 'INVENTORY_WRITE'] }).access_token;
  reader = square.issueTokens({ scopes: ['INVENTORY_READ'] }).access_token;
});
afterAll(async () => {
  await square.close();
});

const count = (quantity: string, catalogObjectId = variation) => ({
  type: 'PHYSICAL_COUNT',
  physical_count: { catalog_object_id: catalogObjectId, location_id: location, state: 'IN_STOCK', quantity, occurred_at: '2025-03-01T11:59:00Z' },
});

async function batchCreate(body: Record<string, unknown>, token = writer): Promise<{ status: number; json: any }> {
  const response = await fetch(`${square.url}/v2/inventory/changes/batch-create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

const inStock = () => square.merchant().counts().find((c) => c.catalog_object_id === variation && c.location_id === location && c.state === 'IN_STOCK')?.quantity;

describe('POST /v2/inventory/changes/batch-create', () => {
  it('sets the count and answers the current counts and the changes made, as BatchChangeInventoryResponse', async () => {
    const { status, json } = await batchCreate({ idempotency_key: 'k-1', changes: [count('53')], ignore_unchanged_counts: true });
    expect(status).toBe(200);
    expect(json.counts).toEqual([expect.objectContaining({ catalog_object_id: variation, catalog_object_type: 'ITEM_VARIATION', location_id: location, state: 'IN_STOCK', quantity: '53' })]);
    expect(json.changes[0]).toMatchObject({ type: 'PHYSICAL_COUNT', physical_count: { catalog_object_id: variation, quantity: '53' } });
    expect(inStock()).toBe('53');
  });

  it('answers a repeated idempotency key with the first answer and changes nothing; refuses the key with another body', async () => {
    const first = await batchCreate({ idempotency_key: 'k-2', changes: [count('8')] });
    square.merchant().updateCount(variation, location, '9');
    const again = await batchCreate({ idempotency_key: 'k-2', changes: [count('8')] });
    expect(again).toEqual(first);
    expect(inStock()).toBe('9');
    const reused = await batchCreate({ idempotency_key: 'k-2', changes: [count('10')] });
    expect([reused.status, reused.json.errors[0].code]).toEqual([400, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('refuses a deleted variation, a missing key and a token without INVENTORY_WRITE, changing nothing', async () => {
    const merchant = square.merchant();
    const deleted = merchant.variations()[1]!.id;
    merchant.deleteVariation(deleted);
    const before = inStock();
    const refused = await batchCreate({ idempotency_key: 'k-3', changes: [count('1'), count('2', deleted)] });
    expect([refused.status, refused.json.errors[0]]).toEqual([400, expect.objectContaining({ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', field: 'changes[1].physical_count.catalog_object_id' })]);
    expect(inStock()).toBe(before);
    expect((await batchCreate({ changes: [count('1')] })).status).toBe(400);
    const scope = await batchCreate({ idempotency_key: 'k-4', changes: [count('1')] }, reader);
    expect([scope.status, scope.json.errors[0].code]).toEqual([403, 'INSUFFICIENT_SCOPES']);
  });
});
