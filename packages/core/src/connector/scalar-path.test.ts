import { describe, expect, it } from 'vitest';
import { compileScalarPath, SCALAR_PATH_PATTERN, scalarText } from './scalar-path.js';

describe('scalar paths', () => {
  it('reads names, indexes and quoted names, numbers and booleans as text', () => {
    const body = { id: 'evt_1', n: 42, ok: true, data: { object: { id: 'obj' } }, items: [{ id: 'i0' }, { id: 'i1' }], 'a.b': { c: 'q' } };
    const read = (spec: string): string | undefined => compileScalarPath(spec)?.read(body);
    expect([read('$.id'), read('$.n'), read('$.ok'), read('$.data.object.id'), read('$.items[1].id'), read('$["a.b"].c')]).toEqual(['evt_1', '42', 'true', 'obj', 'i1', 'q']);
    expect(compileScalarPath('$.items[1].id')?.steps).toEqual(['items', 1, 'id']);
    expect(compileScalarPath('$')?.read('whole')).toBe('whole');
  });

  it('gives undefined for absent, non-scalar, empty and inherited values, whatever the body is', () => {
    const path = compileScalarPath('$.data.id')!;
    for (const body of [undefined, null, 42, 'text', [], { data: null }, { data: [1] }, { data: { id: {} } }, { data: { id: '' } }]) {
      expect(path.read(body)).toBeUndefined();
    }
    expect(compileScalarPath('$.constructor')?.read({})).toBeUndefined();
    expect(compileScalarPath('$.__proto__')?.read(JSON.parse('{"__proto__":"x"}'))).toBe('x');
    expect(compileScalarPath('$.items[5]')?.read({ items: [] })).toBeUndefined();
  });

  it('refuses anything but a plain path, and its schema pattern agrees', () => {
    const pattern = new RegExp(`^${SCALAR_PATH_PATTERN}$`, 'u');
    for (const spec of ['$.items[type="x"].id', '$.a.*', 'id', '$.a..b', '$.a[', '$..a', 'merchant_id']) {
      expect(compileScalarPath(spec)).toBeUndefined();
      expect(pattern.test(spec)).toBe(false);
    }
    for (const spec of ['$.merchant_id', '$.team.id', '$.items[0]["x y"]']) {
      expect(compileScalarPath(spec)).toBeDefined();
      expect(pattern.test(spec)).toBe(true);
    }
    expect(pattern.test('$')).toBe(false);
  });

  it('turns only scalars into text', () => {
    expect([scalarText('a'), scalarText(''), scalarText(1n), scalarText(false), scalarText(null), scalarText([1])]).toEqual(['a', undefined, '1', 'false', undefined, undefined]);
  });
});
