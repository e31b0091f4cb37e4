import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import type { ReceivedPage } from '../connector/index.js';
import { compileBodyPath, writableKeys } from './body-path.js';
import { recordsAt } from './records-at.js';

const page = (body: unknown): ReceivedPage => ({ request: { method: 'GET', url: 'http://127.0.0.1/', headers: {} }, status: 200, headers: {}, body });
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return isConnectdError(err) ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
};

describe('compileBodyPath', () => {
  const body = { $: 1, cursor: 'c1', data: { products: { pageInfo: { endCursor: 'e9' }, edges: [{ cursor: 'a' }, { cursor: 'z' }] } } };

  it('reads $-rooted and bare dotted paths, and array indexes from either end', () => {
    expect(compileBodyPath('$.cursor').get(body)).toBe('c1');
    expect(compileBodyPath('data.products.pageInfo.endCursor').get(body)).toBe('e9');
    expect(compileBodyPath('$.data.products.edges[0].cursor').get(body)).toBe('a');
    expect(compileBodyPath('data.products.edges[-1].cursor').get(body)).toBe('z');
    expect(compileBodyPath('$').get(body)).toBe(body);
    expect(compileBodyPath('$.$').get(body)).toBe(1);
    expect(compileBodyPath('hydra:member').get({ 'hydra:member': [1] })).toEqual([1]);
  });

  it('gives undefined for a missing step and never reads through the prototype chain', () => {
    expect(compileBodyPath('data.nothing.here').get(body)).toBeUndefined();
    expect(compileBodyPath('cursor.length').get(body)).toBeUndefined();
    expect(compileBodyPath('constructor').get(body)).toBeUndefined();
    expect(compileBodyPath('__proto__').get({})).toBeUndefined();
    expect(compileBodyPath('a[0]').get({ a: 'text' })).toBeUndefined();
  });

  it('rejects anything that is not a plain path with a coded error', () => {
    for (const bad of ['', 'a..b', 'a[x]', '$a', 'a.b[', '$..deep', '.a', 'a + b', 'items[*]', '$.a[0:2]']) {
      expect(codeOf(() => compileBodyPath(bad)), bad).toBe('CONNECTD_ERR_PAGINATION_PATH_INVALID');
    }
  });

  it('writes only through names, never prototype keys or the whole body', () => {
    expect(writableKeys(compileBodyPath('variables.after'))).toEqual(['variables', 'after']);
    for (const bad of ['$', 'a[0]', 'variables.__proto__', 'constructor.prototype']) {
      expect(codeOf(() => writableKeys(compileBodyPath(bad))), bad).toBe('CONNECTD_ERR_PAGINATION_PATH_INVALID');
    }
  });
});

describe('recordsAt', () => {
  it('extracts the list at a path, or the body itself at $', () => {
    expect(recordsAt('$.stock')(page({ stock: [1, 2] }))).toEqual([1, 2]);
    expect(recordsAt('products')(page({ products: [{ id: 1 }] }))).toEqual([{ id: 1 }]);
    expect(recordsAt('data.products.edges')(page({ data: { products: { edges: ['e'] } } }))).toEqual(['e']);
    expect(recordsAt('$')(page([7]))).toEqual([7]);
  });

  it('gives no records when the path is missing or null', () => {
    expect(recordsAt('$.stock')(page({}))).toEqual([]);
    expect(recordsAt('$.stock')(page({ stock: null }))).toEqual([]);
    expect(recordsAt('$.stock')(page(undefined))).toEqual([]);
  });

  it('throws a coded error when the path holds something other than a list', () => {
    const err = (() => {
      try {
        recordsAt('$.stock')(page({ stock: { sku: 'secret-ish' } }));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isConnectdError(err, 'CONNECTD_ERR_PAGINATION_RECORDS_NOT_ARRAY')).toBe(true);
    expect((err as Error).message).not.toContain('secret-ish');
  });
});
