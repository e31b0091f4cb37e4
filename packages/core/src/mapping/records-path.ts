/**
 * A stream's `records:` path (`$.stock`, `$.products.variants`, `$.counts[state = "IN_STOCK"]`):
 * JSONata compiled once per stream, evaluated once per page.
 */
import jsonata, { type Expression } from 'jsonata';
import { compileError, evaluateError } from './jsonata-errors.js';

/** Picks the records out of a page body. */
export type RecordsPath = (body: unknown) => Promise<unknown[]>;

/**
 * Compiles a records path. Without a path the body itself holds the records: a list is the
 * records, nothing is none, and any other value is one record. JSONata returns a lone value where
 * a path matched one item; the result is always a list. Throws CONNECTD_ERR_MAPPING_COMPILE for
 * a bad path; the returned function rejects with CONNECTD_ERR_MAPPING_EVALUATE.
 * @example
 * const recordsOf = compileRecordsPath('$.products.variants', { label: 'connectors.shopify.streams.products.records' });
 * await recordsOf({ products: [{ variants: [{ sku: 'A' }] }] }); // [{ sku: 'A' }]
 */
export function compileRecordsPath(path: string | undefined, options: { readonly label?: string } = {}): RecordsPath {
  const label = options.label ?? 'records path';
  if (path === undefined) return async (body) => asList(body);
  let compiled: Expression;
  try {
    compiled = jsonata(path);
  } catch (err) {
    throw compileError(label, path, err);
  }
  return async (body) => {
    let result: unknown;
    try {
      result = await compiled.evaluate(body);
    } catch (err) {
      throw evaluateError(label, err);
    }
    return asList(result);
  };
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  // A copy: JSONata marks lists it builds with an enumerable `sequence` property, and a list
  // taken straight from the body should not be shared with it either.
  return Array.isArray(value) ? value.slice() : [value];
}
