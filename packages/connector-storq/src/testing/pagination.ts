/**
 * How storq pages its lists, as options of core's fake-vendor paging (which owns the rules:
 * parameters, opaque cursors, Link headers): keyset cursors over the sort key (the sku for stock
 * and products, the creation sequence for orders), `limit` 1..100 (more is a 400, as the contract
 * reads "limit 1..100"), `next_cursor` in the body, orders as a bare array with `Link: rel="next"`.
 */
import type { PagingOptions } from './core-test-kit.js';
import type { SequencedOrder } from './fake-storq-state.js';

/** Page size when a list request sends no `limit`. */
export const DEFAULT_STORQ_PAGE_SIZE = 50;
/** The largest `limit` storq accepts; more is a 400. */
export const MAX_STORQ_PAGE_SIZE = 100;

const LIMITS = { pageSize: DEFAULT_STORQ_PAGE_SIZE, maxPageSize: MAX_STORQ_PAGE_SIZE, overMaxPageSize: 'refuse' } as const;

/** `/stock` and `/products`: sorted by sku, `{ <key>: [...], next_cursor }` (the records key is set per list). */
export const LIST_PAGING: PagingOptions<{ readonly sku: string }> = { paging: 'cursor', ...LIMITS, cursorKey: (row) => row.sku };

/** `/orders`: in creation order, a bare array of orders, the next page in an absolute `Link` URL keeping every other parameter. */
export const ORDERS_PAGING: PagingOptions<SequencedOrder> = {
  paging: 'link_header',
  ...LIMITS,
  cursorKey: (entry) => entry.seq,
  body: (page) => page.items.map((entry) => entry.order),
};
