import { describe, expect, it } from 'vitest';
import { parseSearch, searchItems, type SearchFields } from './graphql-search.js';

interface Row {
  id: string;
  sku: string | null;
  title: string;
  updated: number;
  active: boolean;
}
const FIELDS: SearchFields<Row> = {
  id: { kind: 'id', get: (r) => r.id },
  sku: { kind: 'string', get: (r) => r.sku },
  title: { kind: 'string', get: (r) => r.title },
  updated_at: { kind: 'date', get: (r) => r.updated },
  active: { kind: 'boolean', get: (r) => r.active },
};
const at = (iso: string): number => Date.parse(iso);
const ROWS: Row[] = [
  { id: '9', sku: 'TEA-1', title: 'Green Tea', updated: at('2025-01-01T00:00:00Z'), active: true },
  { id: '10', sku: 'MUG-1', title: 'Big Mug', updated: at('2025-02-01T00:00:00Z'), active: false },
  { id: '271878346596884015', sku: null, title: 'Iron Kettle', updated: at('2025-03-01T12:00:00Z'), active: true },
];
const ids = (query: string): string[] => searchItems(ROWS, query, FIELDS, ['title', 'sku']).items.map((r) => r.id);

describe("Shopify's search syntax", () => {
  it('filters updated_at with >, >=, <, <= on quoted and bare timestamps and dates', () => {
    expect(ids("updated_at:>'2025-01-01T00:00:00Z'")).toEqual(['10', '271878346596884015']);
    expect(ids("updated_at:>='2025-01-01T00:00:00Z'")).toEqual(['9', '10', '271878346596884015']);
    expect(ids('updated_at:<2025-02-01')).toEqual(['9']);
    expect(ids('updated_at:<=2025-02-01T00:00:00+00:00')).toEqual(['9', '10']);
    expect(ids('updated_at:>"2025-03-01T07:00:00-05:00"')).toEqual([]);
  });

  it('combines terms with AND (explicit or a space), OR, NOT, a leading - and parentheses', () => {
    expect(ids("updated_at:>'2025-01-01T00:00:00Z' AND active:true")).toEqual(['271878346596884015']);
    expect(ids('updated_at:>2025-01-01 active:false')).toEqual(['10']);
    expect(ids('sku:TEA-1 OR sku:MUG-1')).toEqual(['9', '10']);
    expect(ids('NOT active:true')).toEqual(['10']);
    expect(ids('-sku:TEA*')).toEqual(['10', '271878346596884015']);
    expect(ids('(sku:TEA* OR sku:MUG*) AND updated_at:>2025-01-15')).toEqual(['10']);
  });

  it('compares ids numerically beyond 2^53, matches prefixes and free text', () => {
    expect(ids('id:>10')).toEqual(['271878346596884015']);
    expect(ids('id:>=271878346596884015')).toEqual(['271878346596884015']);
    expect(ids('id:gid://shopify/Product/9')).toEqual(['9']);
    expect(ids('kettle')).toEqual(['271878346596884015']);
  });

  it('warns about unknown fields, once each, and does not filter on them', () => {
    const result = searchItems(ROWS, 'colour:red AND colour:blue AND sku:TEA-1', FIELDS, []);
    expect(result.items.map((r) => r.id)).toEqual(['9']);
    expect(result.warnings).toEqual([{ field: 'colour', message: 'Invalid search field for this query.' }]);
    expect(searchItems([], 'colour:red', FIELDS, []).warnings).toHaveLength(1);
  });

  it('parses into a tree without throwing on stray parentheses', () => {
    expect(parseSearch("a:1 OR (b:>2 c:'x y')")).toEqual({
      kind: 'or',
      nodes: [
        { kind: 'term', field: 'a', comparator: ':', value: '1' },
        { kind: 'and', nodes: [{ kind: 'term', field: 'b', comparator: ':>', value: '2' }, { kind: 'term', field: 'c', comparator: ':', value: 'x y' }] },
      ],
    });
    expect(() => parseSearch(')) a:1 ((')).not.toThrow();
  });
});
