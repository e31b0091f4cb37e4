import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { createEntityCatalog } from './catalog.js';
import { tableNameOf } from './table-name.js';

const LOYALTY = {
  loyalty_member: {
    natural_key: ['member_id'],
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['member_id', 'points'],
      properties: { member_id: { type: 'string' }, email: { type: 'string' }, points: { type: 'integer', minimum: 0 } },
    },
  },
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isConnectdError(err) ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
}

describe('createEntityCatalog', () => {
  it('lists the canonical entities first, then custom ones', () => {
    const catalog = createEntityCatalog({ ...LOYALTY, gift_card: { schema: { type: 'object' }, natural_key: 'code' } });
    expect(catalog.names()).toEqual(['store', 'product', 'inventory_level', 'transaction', 'order', 'loyalty_member', 'gift_card']);
    expect(catalog.get('order')?.table).toBe('orders');
    expect(catalog.get('nope')).toBeUndefined();
  });

  it('gives a custom entity a plural table, no typed columns, and its natural key', () => {
    const member = createEntityCatalog(LOYALTY).get('loyalty_member');
    expect(member?.table).toBe('loyalty_members');
    expect(member?.columns).toEqual([]);
    expect(member?.naturalKey({ member_id: 'm1', points: 3 })).toBe('m1');
    expect(member?.naturalKey({ member_id: 'm1', key: 'k' })).toBe('k');
    expect(codeOf(() => member?.naturalKey({ points: 3 }))).toBe('CONNECTD_ERR_MAPPING_NATURAL_KEY');
  });

  it('joins several natural key fields with "/"', () => {
    const seat = createEntityCatalog({ seat: { schema: { type: 'object' }, natural_key: ['venue', 'row', 'number'] } }).get('seat');
    expect(seat?.naturalKey({ venue: 'v1', row: 'B', number: 12 })).toBe('v1/B/12');
    expect(codeOf(() => seat?.naturalKey({ venue: 'v1', row: '', number: 12 }))).toBe('CONNECTD_ERR_MAPPING_NATURAL_KEY');
  });

  it('validates custom entities with their schema, allowing the source fields', () => {
    const catalog = createEntityCatalog(LOYALTY);
    expect(catalog.validate('loyalty_member', { member_id: 'm1', points: 3, vendor_id: '9', vendor_updated_at: '2025-01-01T00:00:00Z' }).ok).toBe(true);
    expect(catalog.validate('loyalty_member', { member_id: 'm1', points: -1, tier: 'gold' })).toEqual({
      ok: false,
      errors: ['/tier is not allowed', '/points must be >= 0'],
    });
  });

  it('does not change the schema it was given', () => {
    const config = structuredClone(LOYALTY);
    createEntityCatalog(config);
    expect(config).toEqual(LOYALTY);
  });

  it('accepts a draft 2020-12 custom schema', () => {
    const catalog = createEntityCatalog({
      badge: { natural_key: ['id'], schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
    });
    expect(catalog.validate('badge', { id: 'b' }).ok).toBe(true);
    expect(catalog.validate('badge', {}).ok).toBe(false);
  });

  it('rejects custom entities that clash, are badly named, have no key, or a broken schema', () => {
    expect(codeOf(() => createEntityCatalog({ product: { schema: { type: 'object' }, natural_key: ['sku'] } }))).toBe('CONNECTD_ERR_MAPPING_ENTITY_INVALID');
    expect(codeOf(() => createEntityCatalog({ 'Gift-Card': { schema: { type: 'object' }, natural_key: ['id'] } }))).toBe('CONNECTD_ERR_MAPPING_ENTITY_INVALID');
    expect(codeOf(() => createEntityCatalog({ 'x; drop table y': { schema: { type: 'object' }, natural_key: ['id'] } }))).toBe('CONNECTD_ERR_MAPPING_ENTITY_INVALID');
    expect(codeOf(() => createEntityCatalog({ card: { schema: { type: 'object' }, natural_key: [] } }))).toBe('CONNECTD_ERR_MAPPING_ENTITY_INVALID');
    expect(codeOf(() => createEntityCatalog({ card: { schema: { type: 'strin' }, natural_key: ['id'] } }))).toBe('CONNECTD_ERR_MAPPING_ENTITY_INVALID');
    expect(codeOf(() => createEntityCatalog({ a: { schema: { type: 'object' }, natural_key: ['id'] }, as: { schema: { type: 'object' }, natural_key: ['id'] } }))).toBeUndefined();
    expect(codeOf(() => createEntityCatalog({ bus: { schema: { type: 'object' }, natural_key: ['id'] }, buse: { schema: { type: 'object' }, natural_key: ['id'] } }))).toBe(
      'CONNECTD_ERR_MAPPING_ENTITY_INVALID',
    );
  });

  it('reports an unknown entity with a suggestion', () => {
    const catalog = createEntityCatalog();
    try {
      catalog.validate('prodcut', {});
      expect.unreachable();
    } catch (err) {
      expect(isConnectdError(err, 'CONNECTD_ERR_MAPPING_UNKNOWN_ENTITY')).toBe(true);
      expect((err as { details: Record<string, unknown> }).details['suggestion']).toBe('product');
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });

  it('keeps validators apart between catalogs', () => {
    const a = createEntityCatalog({ thing: { schema: { type: 'object', required: ['a'] }, natural_key: ['a'] } });
    const b = createEntityCatalog({ thing: { schema: { type: 'object', required: ['b'] }, natural_key: ['b'] } });
    expect(a.validate('thing', { a: 'x' }).ok).toBe(true);
    expect(b.validate('thing', { a: 'x' }).ok).toBe(false);
  });
});

describe('tableNameOf', () => {
  it('pluralises the last word of a snake_case name', () => {
    expect(['gift_card', 'category', 'loyalty_member', 'box', 'status', 'batch', 'wish', 'day', 'inventory_level'].map(tableNameOf)).toEqual([
      'gift_cards', 'categories', 'loyalty_members', 'boxes', 'statuses', 'batches', 'wishes', 'days', 'inventory_levels',
    ]);
  });
});
