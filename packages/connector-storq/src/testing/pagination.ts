/** Page size when a list request sends no `limit`. */
export const DEFAULT_STORQ_PAGE_SIZE = 50;
/** The largest `limit` storq accepts; more is a 400 (as the contract reads "limit 1..100"). */
export const MAX_STORQ_PAGE_SIZE = 100;

/** The value a list is sorted by: the sku for stock and products, the creation sequence for orders. */
export type SortKey = string | number;

/**
 * The opaque cursor handed out as `next_cursor` (or inside the orders `Link` header): the
 * base64url JSON of the last sort key served, so the next page starts strictly after it even when
 * rows are added or changed between pages.
 * @example
 * encodeCursor('SKU-00100'); // 'IlNLVS0wMDEwMCI'
 */
export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Reads a cursor back; undefined when it is not one this list handed out (a 400 `param: cursor`).
 * @example
 * decodeCursor(encodeCursor('SKU-1'), 'string'); // 'SKU-1'
 */
export function decodeCursor(cursor: string, kind: 'string' | 'number'): SortKey | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof value === kind ? (value as SortKey) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads `limit`: the default when absent, undefined when it is not an integer in 1..100.
 * @example
 * parseLimit(null); // 50
 * parseLimit('101'); // undefined
 */
export function parseLimit(raw: string | null): number | undefined {
  if (raw === null) return DEFAULT_STORQ_PAGE_SIZE;
  if (!/^\d+$/.test(raw)) return undefined;
  const limit = Number(raw);
  return limit >= 1 && limit <= MAX_STORQ_PAGE_SIZE ? limit : undefined;
}

/**
 * One page of a list already sorted by `keyOf`: the first `limit` items after `after`, and the
 * cursor of the next page (null on the last one).
 * @example
 * pageOf(rows, (row) => row.sku, 100, undefined); // { items: rows.slice(0, 100), nextCursor: '…' }
 */
export function pageOf<T>(sorted: readonly T[], keyOf: (item: T) => SortKey, limit: number, after: SortKey | undefined): { items: T[]; nextCursor: string | null } {
  const start = after === undefined ? 0 : sorted.findIndex((item) => keyOf(item) > after);
  const remaining = start === -1 ? [] : sorted.slice(start);
  const items = remaining.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: remaining.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
