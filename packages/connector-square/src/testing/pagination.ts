/** A list's sort key: the sorted field first, then the id as a tie-break, so the order is total. */
export type SortKey = readonly (string | number)[];
export type SortOrder = 'ASC' | 'DESC';

/**
 * Compares two sort keys field by field, ascending.
 * @example
 * compareKeys([1, 'b'], [1, 'a']); // 1
 */
export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** One page: its items, the key of its last item, and whether more follow. */
export interface Page<T> {
  readonly items: T[];
  readonly last: SortKey | undefined;
  readonly more: boolean;
}

/**
 * One page of `items` sorted by `keyOf` in `order`: the first `limit` strictly after the key
 * `after` (the last key of the previous page). Paging by key, not by offset, means rows added or
 * changed between pages never shift what the next page starts with; a row whose key moved behind
 * the cursor is not seen again in this walk, as with a database-backed API.
 * @example
 * pageAfter(['a', 'b', 'c'], (x) => [x], 'ASC', ['a'], 1); // { items: ['b'], last: ['b'], more: true }
 */
export function pageAfter<T>(items: readonly T[], keyOf: (item: T) => SortKey, order: SortOrder, after: SortKey | undefined, limit: number): Page<T> {
  const sign = order === 'ASC' ? 1 : -1;
  const keyed = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => sign * compareKeys(a.key, b.key));
  const remaining = after === undefined ? keyed : keyed.filter((entry) => sign * compareKeys(entry.key, after) > 0);
  const served = remaining.slice(0, limit);
  return { items: served.map((entry) => entry.item), last: served.at(-1)?.key, more: remaining.length > limit };
}

/**
 * A canonical text of a request's query (keys sorted at every level), so a cursor can be checked
 * against "the original query" whatever order the client writes its keys in.
 * @example
 * fingerprintOf({ b: 1, a: [2] }) === fingerprintOf({ a: [2], b: 1 }); // true
 */
export function fingerprintOf(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
