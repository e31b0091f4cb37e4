import { describe, expect, it } from 'vitest';
import { compareKeys, fingerprintOf, pageAfter } from './pagination.js';

describe('pagination helpers', () => {
  it('compares keys field by field, a shorter key first on a tie', () => {
    expect(compareKeys([1, 'a'], [1, 'b'])).toBe(-1);
    expect(compareKeys([2], [1, 'z'])).toBe(1);
    expect(compareKeys([1], [1, 'a'])).toBe(-1);
    expect(compareKeys(['x', 3], ['x', 3])).toBe(0);
  });

  it('pages strictly after the last key in either order, even when that row is gone', () => {
    const rows = [3, 1, 4, 5, 9];
    const key = (n: number): readonly number[] => [n];
    expect(pageAfter(rows, key, 'ASC', undefined, 2)).toEqual({ items: [1, 3], last: [3], more: true });
    expect(pageAfter(rows, key, 'ASC', [2], 10)).toEqual({ items: [3, 4, 5, 9], last: [9], more: false });
    expect(pageAfter(rows, key, 'DESC', [5], 2)).toEqual({ items: [4, 3], last: [3], more: true });
    expect(pageAfter(rows, key, 'DESC', [0], 2)).toEqual({ items: [], last: undefined, more: false });
  });

  it('fingerprints queries whatever the key order, but not whatever the array order', () => {
    expect(fingerprintOf({ b: 1, a: { d: [1, 2], c: null } })).toBe(fingerprintOf({ a: { c: null, d: [1, 2] }, b: 1 }));
    expect(fingerprintOf({ a: [1, 2] })).not.toBe(fingerprintOf({ a: [2, 1] }));
  });
});
