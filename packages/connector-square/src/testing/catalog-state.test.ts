import { describe, expect, it } from 'vitest';
import { CatalogState } from './catalog-state.js';
import { seededRandom } from './random.js';
import { squareIds } from './square-ids.js';

const context = (now: () => number) => ({ now, ids: squareIds(seededRandom(1)) });

describe('CatalogState', () => {
  it('gives every change a strictly greater version even when the clock stands still', () => {
    const catalog = new CatalogState(context(() => 1_700_000_000_000), 'USD');
    const item = catalog.addItem({ name: 'Tea', variations: [{}, {}] });
    const [a, b] = item.item_data.variations;
    expect(item.version).toBe(1_700_000_000_000);
    expect(a!.version).toBeGreaterThan(item.version);
    expect(b!.version).toBeGreaterThan(a!.version);
    const updated = catalog.updateVariation(a!.id, { priceAmount: 5 })!;
    expect(updated.version).toBeGreaterThan(item.version);
    expect(updated.updated_at).toBe('2023-11-14T22:13:20.000Z');
    expect(() => catalog.addItem({ id: item.id, name: 'Dup' })).toThrow(/already exists/);
  });

  it('lists changed objects strictly after a time, and nests only live variations in a live item', () => {
    let now = 1000;
    const catalog = new CatalogState(context(() => now), 'USD');
    const item = catalog.addItem({ name: 'Tea', variations: [{ name: 'A' }, { name: 'B' }] });
    now = 2000;
    catalog.deleteVariation(item.item_data.variations[0]!.id);
    expect(catalog.objects({ types: ['ITEM', 'ITEM_VARIATION'], includeDeleted: true, changedAfterMs: 1000 }).map((o) => [o.type, o.is_deleted]).sort()).toEqual([
      ['ITEM', false],
      ['ITEM_VARIATION', true],
    ]);
    expect(catalog.item(item.id)!.item_data.variations.map((v) => v.item_variation_data.name)).toEqual(['B']);
    expect(catalog.lastChangedMs()).toBe(2000);
  });
});
