import { describe, expect, it } from 'vitest';
import { compileFieldPath, headerValue } from './field-path.js';

describe('compileFieldPath', () => {
  it('reads a header case-insensitively, the first value of a repeated one', async () => {
    const read = compileFieldPath('header:X-Shopify-Shop-Domain', 'route');
    expect(await read({ 'x-shopify-shop-domain': 'acme.myshopify.com' }, {})).toBe('acme.myshopify.com');
    expect(await read({ 'X-SHOPIFY-SHOP-DOMAIN': ['a.example', 'b.example'] }, {})).toBe('a.example');
    expect(await read({}, { 'x-shopify-shop-domain': 'in the body' })).toBeUndefined();
    expect(headerValue({ 'x-empty': '' }, 'X-Empty')).toBeUndefined();
  });

  it('reads a body path, giving scalars as strings and nothing for absent, list or object values', async () => {
    const read = compileFieldPath('$.merchant_id', 'route');
    expect(await read({}, { merchant_id: 'M1' })).toBe('M1');
    expect(await read({}, { merchant_id: 42 })).toBe('42');
    expect(await read({}, {})).toBeUndefined();
    expect(await read({}, { merchant_id: { id: 'M1' } })).toBeUndefined();
    expect(await compileFieldPath('$.ids', 'route')({}, { ids: ['a', 'b'] })).toBeUndefined();
    expect(await compileFieldPath('$.data.object.shop', 'route')({}, { data: { object: { shop: 's' } } })).toBe('s');
  });

  it('throws the mapping compile code for a path that does not compile, at load', () => {
    expect(() => compileFieldPath('$.a[', 'connectors.x.webhooks.route')).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_MAPPING_COMPILE' }));
  });
});
