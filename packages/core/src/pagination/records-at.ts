import { PAGINATION_RECORDS_NOT_ARRAY } from '../errors/index.js';
import type { ReceivedPage } from '../connector/index.js';
import { compileBodyPath, kindOf } from './body-path.js';

/**
 * Makes a records extractor from a body path such as `$.stock`, `products` or
 * `data.products.edges` (`$` alone: the body itself). The path is parsed once, here. A missing
 * path gives no records; a value that is not a list throws CONNECTD_ERR_PAGINATION_RECORDS_NOT_ARRAY.
 * @example
 * const records = recordsAt('$.stock');
 * records(page); // page.body.stock, or [] when the body has no `stock`
 */
export function recordsAt(path: string): (page: ReceivedPage) => readonly unknown[] {
  const compiled = compileBodyPath(path);
  return (page) => {
    const value = compiled.get(page.body);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw PAGINATION_RECORDS_NOT_ARRAY({ path, found: kindOf(value) });
    return value;
  };
}
