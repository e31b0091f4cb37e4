import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { BAIL, compileFastPath, type AstNode, type FastScope } from './fast-path.js';
import { lookupFunction } from './lookups.js';

const scope: FastScope & Record<string, unknown> = {
  connection: { id: 'c1', tenant: 'acme', config: { shop: 'acme.myshopify.com', region: null, nested: { deep: 1 } } },
  store: lookupFunction('store', (id) => ({ L1: 'store-1', '42': 'store-42' })[id], 'test'),
  product: lookupFunction('product', async (id) => ({ V1: 'SKU-1', '7': 'SKU-7' })[id], 'test'),
};

const fastOf = (expression: string): ReturnType<typeof compileFastPath> =>
  compileFastPath(jsonata(expression).ast() as unknown as AstNode, []);

type Outcome = { value: unknown } | { error: string } | { bailed: true };

async function settle(run: () => unknown): Promise<Outcome> {
  try {
    const value = await run();
    return value === BAIL ? { bailed: true } : { value };
  } catch (err) {
    return { error: String((err as { code?: unknown }).code) };
  }
}

/** Values a vendor field may hold, the awkward ones included. */
const VALUES: readonly unknown[] = [
  undefined, null, true, false, 0, -0, 7, 42, 1.5, 0.1 + 0.2, 1e21, -3,
  '', 'L1', 'V1', '7', '42', '79', '1.50', '-2', '1e3', '0x1F', ' 12', '12 ', 'abc', 'NaN', 'Infinity',
  { city: 'Ottawa', tags: ['a'] }, {}, ['x'], [], [{ sku: 'A' }], [1, 2],
];

const EXPRESSIONS: readonly string[] = [
  '{ "product": sku, "quantity": quantity }',
  '{ "store": $store(loc), "product": $product(variant), "quantity": $number(qty), "as_of": at, "vendor_updated_at": at }',
  '{ "id": $string(id), "n": $number(id), "s": $string(qty) }',
  '{ "a": a.b.c, "b": $.a.b, "t": $connection.tenant, "shop": $connection.config.shop, "r": $connection.config.region, "d": $connection.config.nested.deep }',
  '{ "lit": "x", "num": 1.25, "yes": true, "nil": null, "nested": { "city": address.city, "zip": address.zip, "empty": { "x": missing } } }',
  '{ "k": `odd key`, "store": $store($string(loc)), "p": $product($number(variant)) }',
];

function recordFor(i: number): Record<string, unknown> {
  const pick = (salt: number): unknown => VALUES[(i * 7 + salt * 13) % VALUES.length];
  const record: Record<string, unknown> = {};
  const fields: Array<[string, unknown]> = [
    ['sku', pick(1)], ['quantity', pick(2)], ['loc', pick(3)], ['variant', pick(4)], ['qty', pick(5)], ['at', pick(6)],
    ['id', pick(7)], ['a', i % 3 === 0 ? { b: { c: pick(8) } } : pick(8)], ['address', i % 2 === 0 ? { city: pick(9), zip: pick(10) } : pick(9)],
    ['odd key', pick(11)],
  ];
  for (const [key, value] of fields) if (value !== undefined) record[key] = value;
  return record;
}

describe('the mapping fast path', () => {
  it('agrees with JSONata on every record it does not hand back', async () => {
    let fastCount = 0;
    for (const expression of EXPRESSIONS) {
      const fast = fastOf(expression);
      expect(fast, expression).toBeDefined();
      const reference = jsonata(expression);
      for (let i = 0; i < VALUES.length * 6; i++) {
        const record = recordFor(i);
        const byFast = await settle(() => fast?.(record, scope));
        if ('bailed' in byFast) continue;
        fastCount++;
        const byJsonata = await settle(() => reference.evaluate(record, scope));
        const what = `${expression} on ${JSON.stringify(record)}`;
        if ('error' in byFast && 'error' in byJsonata && byFast.error !== byJsonata.error) {
          // JSONata evaluates an object's fields concurrently, so when two fields fail (one in a
          // lookup), which error wins depends on timing; the fast path goes field by field.
          expect([byFast.error, byJsonata.error], what).toContain('CONNECTD_ERR_MAPPING_LOOKUP_MISSING');
          continue;
        }
        expect(byFast, what).toEqual(byJsonata);
        if ('value' in byFast && 'value' in byJsonata) expect(Object.keys(byFast.value as object)).toEqual(Object.keys(byJsonata.value as object));
      }
    }
    // Most records take the fast path; the comparison above is not vacuous.
    expect(fastCount).toBeGreaterThan(EXPRESSIONS.length * VALUES.length * 2);
  });

  it('takes the fast path for typical stream records', async () => {
    const fast = fastOf(EXPRESSIONS[1] as string);
    const value = await fast?.({ loc: 'L1', variant: 'V1', qty: '79', at: '2025-01-01T00:00:00Z' }, scope);
    expect(value).toEqual({ store: 'store-1', product: 'SKU-1', quantity: 79, as_of: '2025-01-01T00:00:00Z', vendor_updated_at: '2025-01-01T00:00:00Z' });
  });

  it('hands back what only JSONata handles: errors, grouping, list input, deep equality', async () => {
    const cases: Array<[string, unknown]> = [
      ['{ "q": $number(qty) }', { qty: 'abc' }], // D3030
      ['{ "q": $number(qty) }', { qty: null }], // T0410
      ['{ "a": price * 2 }', { price: '3' }], // T2001
      ['{ "a": x < y }', { x: 1, y: 'a' }], // T2009
      ['{ "a": $lowercase(x) }', { x: 5 }], // T0410
      ['{ "a": x & "" }', { x: { o: 1 } }], // an object as a string
      ['{ "a": x = y }', { x: [1], y: [1] }], // deep equality
      ['{ "sku": sku }', [{ sku: 'a' }]], // a list as input
      ['items.{ "a": 1 }', { items: [[1, 2]] }], // an object constructor over a list groups
      ['{ "store": $store(loc) }', { loc: 'nope' }], // a lookup miss: JSONata raises it
    ];
    for (const [expression, record] of cases) expect(await fastOf(expression)?.(record, scope), expression).toBe(BAIL);
  });

  it('evaluates lists, conditions, operators and lambdas as JSONata does', async () => {
    const cases: Array<[string, unknown]> = [
      ['{ "lines": [lines.{ "sku": sku, "q": $number(q) }] }', { lines: { sku: 'A', q: '2' } }],
      ['{ "lines": [lines.{ "sku": sku }] }', { lines: [{ sku: 'A' }, { sku: 'B' }, { x: 1 }] }],
      ['{ "s": a ? "yes" : "no", "t": b ? 1, "n": -n, "c": x & "-" & 2.5, "e": $exists(x) and n >= 2 }', { a: [], n: 3, x: 'x' }],
      ['{ "first": items[0].q, "last": items[-1].q, "all": items.q }', { items: [{ q: 1 }, { q: 2 }] }],
      ['( $f := function($v) { $v.{ "x": $uppercase($trim(x)) } }; [items.$f($)] )', { items: [{ x: '  a  b ' }, { x: 'c' }] }],
      ['{ "r": $round(x), "s": $substringAfter(id, "/"), "b": $substringBefore(id, "/") }', { x: 2.5, id: 'gid/5' }],
    ];
    for (const [expression, record] of cases) {
      const byFast = await fastOf(expression)?.(record, scope);
      expect(byFast, expression).not.toBe(BAIL);
      expect(JSON.stringify(byFast), expression).toBe(JSON.stringify(await jsonata(expression).evaluate(record, scope)));
    }
  });

  it('does not apply to expressions outside its subset', () => {
    for (const expression of [
      '( sku )',
      'items[price > 2]',
      'a.b.{ "x": %.c }',
      '$sum(items.price)',
      '$number(x, y)',
      '{ sku: 1 }',
      '{ "a": x, "a": y }',
      '{ "__proto__": x }',
      '$$.a',
      'function($x) <n:n> { $x }',
      'items^(price)',
      'a in b',
    ]) {
      expect(fastOf(expression), expression).toBeUndefined();
    }
  });

  it('steps aside when a binding or a plugin function shadows a function it inlines', async () => {
    const ast = jsonata('{ "a": $number(x) }').ast() as unknown as AstNode;
    const plugin = { name: '$number', plugin: 'p', impl: () => 1 };
    expect(await compileFastPath(ast, [])?.({ x: '2' }, { ...scope, number: () => 5 })).toBe(BAIL);
    expect(await compileFastPath(ast, [plugin])?.({ x: '2' }, scope)).toEqual({ a: 1 });
    expect(compileFastPath(jsonata('{ "a": $storq_weight(x) }').ast() as unknown as AstNode, [{ name: '$storq_weight', plugin: 'p', signature: '<n:n>', impl: () => 1 }])).toBeUndefined();
  });
});
