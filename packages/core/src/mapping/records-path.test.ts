import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { compileRecordsPath } from './records-path.js';

describe('compileRecordsPath', () => {
  it('picks a list out of the body', async () => {
    expect(await compileRecordsPath('$.stock')({ stock: [{ sku: 'A' }, { sku: 'B' }] })).toEqual([{ sku: 'A' }, { sku: 'B' }]);
  });

  it('always returns a list, for one record and for none', async () => {
    const recordsOf = compileRecordsPath('$.stock');
    expect(await recordsOf({ stock: [{ sku: 'A' }] })).toEqual([{ sku: 'A' }]);
    expect(await recordsOf({ stock: { sku: 'A' } })).toEqual([{ sku: 'A' }]);
    expect(await recordsOf({ stock: [] })).toEqual([]);
    expect(await recordsOf({})).toEqual([]);
  });

  it('flattens nested lists and filters', async () => {
    const body = { products: [{ variants: [{ sku: 'A' }, { sku: 'B' }] }, { variants: [{ sku: 'C' }] }] };
    expect(await compileRecordsPath('$.products.variants')(body)).toEqual([{ sku: 'A' }, { sku: 'B' }, { sku: 'C' }]);
    const counts = { counts: [{ state: 'IN_STOCK', q: 1 }, { state: 'SOLD', q: 2 }] };
    expect(await compileRecordsPath('$.counts[state = "IN_STOCK"]')(counts)).toEqual([{ state: 'IN_STOCK', q: 1 }]);
  });

  it('without a path, takes a list body as the records and anything else as one', async () => {
    const recordsOf = compileRecordsPath(undefined);
    expect(await recordsOf([{ a: 1 }])).toEqual([{ a: 1 }]);
    expect(await recordsOf({ a: 1 })).toEqual([{ a: 1 }]);
    expect(await recordsOf(undefined)).toEqual([]);
  });

  it('reports a bad path as COMPILE at load, exit code 2', () => {
    try {
      compileRecordsPath('$.stock[', { label: 'connectors.storq.streams.stock.records' });
      expect.unreachable();
    } catch (err) {
      expect(isConnectdError(err, 'CONNECTD_ERR_MAPPING_COMPILE')).toBe(true);
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });

  it('reports a path that fails on a body as EVALUATE', async () => {
    await expect(compileRecordsPath('$.items.($number(n))')({ items: [{ n: 'x' }] })).rejects.toMatchObject({ code: 'CONNECTD_ERR_MAPPING_EVALUATE' });
  });
});
