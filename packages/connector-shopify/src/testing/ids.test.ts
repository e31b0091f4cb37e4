import { describe, expect, it } from 'vitest';
import { compareIds, gid, idOfGid, inventoryLevelGid, ShopifyIds } from './ids.js';
import { seededRandom } from './random.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

describe('Shopify ids', () => {
  it('grows ids per kind; big kinds start above 2^53, mixed ones cross it at their 2nd or 3rd id, small ones never', () => {
    const ids = new ShopifyIds(seededRandom(3));
    const run = (kind: Parameters<ShopifyIds['next']>[0]): string[] => Array.from({ length: 6 }, () => ids.next(kind));
    for (const kind of ['inventoryItem', 'lineItem', 'product', 'variant', 'order', 'location', 'customer', 'shop'] as const) {
      const list = run(kind);
      expect([...list].sort(compareIds), kind).toEqual(list);
      const big = list.map((id) => BigInt(id) > SAFE);
      if (kind === 'inventoryItem' || kind === 'lineItem') expect(big.every(Boolean), kind).toBe(true);
      else if (kind === 'shop') expect(big.some(Boolean), kind).toBe(false);
      else {
        expect(big[0], kind).toBe(false);
        expect(big.slice(3).every(Boolean), kind).toBe(true);
      }
    }
  });

  it('keeps ids chosen by a test and refuses them twice', () => {
    const ids = new ShopifyIds(seededRandom(3));
    ids.claim('product', '632910392');
    expect(() => ids.claim('product', '632910392')).toThrow(RangeError);
    expect(() => ids.claim('product', '12.5')).toThrow(RangeError);
    expect(ids.next('product')).not.toBe('632910392');
  });

  it('writes and reads GIDs', () => {
    expect(gid('ProductVariant', '447654529')).toBe('gid://shopify/ProductVariant/447654529');
    expect(inventoryLevelGid('655441491', '49148385')).toBe('gid://shopify/InventoryLevel/655441491?inventory_item_id=49148385');
    expect(idOfGid('gid://shopify/Location/271878346596884015', 'Location')).toBe('271878346596884015');
    expect(idOfGid('gid://shopify/Product/1', 'Location')).toBeUndefined();
    expect(idOfGid('123', 'Location')).toBeUndefined();
  });

  it('makes tokens and codes in Shopify shapes', () => {
    const ids = new ShopifyIds(seededRandom(3));
    expect(ids.code()).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.accessToken(false)).toMatch(/^shpat_[0-9a-f]{32}$/);
    expect(ids.accessToken(true)).toMatch(/^shpua_[0-9a-f]{32}$/);
    expect(ids.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
