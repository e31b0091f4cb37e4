import { searchItems, type SearchFields, type SearchWarning } from './graphql-search.js';
import { parseJsonLossless, stringifyJson } from './json-text.js';

/** Relay connections cap a page at 250 nodes. */
export const MAX_SHOPIFY_PAGE_SIZE = 250;

type SortValue = string | number | bigint;

/** What a connection field's resolver hands the paginator: every candidate item and how to search and sort them. */
export interface ConnectionSource<T> {
  readonly items: readonly T[];
  /** The item's numeric id (a decimal string), unique within the connection: the tie-break and the cursor's `last_id`. */
  readonly idOf: (item: T) => string;
  readonly search: SearchFields<T>;
  /** Fields free text (a term without `field:`) is matched against. */
  readonly textFields?: readonly string[];
  /** The `sortKey` values the connection accepts besides `ID`, and the value each sorts by. */
  readonly sortKeys?: Readonly<Record<string, (item: T) => SortValue>>;
}

export interface ConnectionArgs {
  readonly first?: number;
  readonly last?: number;
  readonly after?: string;
  readonly before?: string;
  readonly query?: string;
  readonly sortKey?: string;
  readonly reverse?: boolean;
}

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

/** One page of a connection, what `edges`, `nodes` and `pageInfo` are read from. */
export interface ConnectionPage<T> {
  readonly items: readonly T[];
  readonly cursors: readonly string[];
  readonly pageInfo: PageInfo;
  readonly warnings: readonly SearchWarning[];
}

interface Keyed<T> {
  readonly item: T;
  readonly value: SortValue;
  readonly id: bigint;
}

const order = (a: SortValue | bigint, b: SortValue | bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const compareKeyed = (a: { value: SortValue; id: bigint }, b: { value: SortValue; id: bigint }): number => order(a.value, b.value) || order(a.id, b.id);

/**
 * A cursor as Shopify writes them: base64 of `{"last_id":…,"last_value":"…"}` (the id as a bare
 * number, the sort value as text).
 * @example
 * encodeCursor('7608002183224', 7608002183224n); // 'eyJsYXN0X2lkIjo3NjA4MDAyMTgzMjI0LCJsYXN0X3ZhbHVlIjoiNzYwODAwMjE4MzIyNCJ9'
 */
export function encodeCursor(id: string, value: SortValue): string {
  return Buffer.from(stringifyJson({ last_id: BigInt(id), last_value: String(value) }), 'utf8').toString('base64');
}

function decodeCursor(cursor: string, like: SortValue | undefined): { value: SortValue; id: bigint } | undefined {
  try {
    const decoded = parseJsonLossless(Buffer.from(cursor, 'base64').toString('utf8')) as { last_id?: unknown; last_value?: unknown };
    if ((typeof decoded.last_id !== 'number' && typeof decoded.last_id !== 'bigint') || typeof decoded.last_value !== 'string') return undefined;
    const text = decoded.last_value;
    const value = typeof like === 'bigint' ? BigInt(text) : typeof like === 'number' ? Number(text) : text;
    return { value, id: BigInt(decoded.last_id) };
  } catch {
    return undefined;
  }
}

/**
 * Serves one page of a connection: filters by `query`, sorts by `sortKey` (then id; `reverse`
 * flips), applies `after`/`before` and then `first`/`last`, as the Relay cursor spec describes.
 * `hasPreviousPage` is also true after an `after` cursor with items before it (and `hasNextPage`
 * before a `before` cursor), as Shopify answers. An undecodable cursor answers an error text.
 * @example
 * const page = paginate(source, { first: 50, query: "updated_at:>'2025-01-01T00:00:00Z'" });
 * if ('error' in page) throw new Error(page.error);
 */
export function paginate<T>(source: ConnectionSource<T>, args: ConnectionArgs): ConnectionPage<T> | { readonly error: string } {
  const sortKey = args.sortKey ?? 'ID';
  const valueOf = sortKey === 'ID' ? (item: T): SortValue => BigInt(source.idOf(item)) : source.sortKeys?.[sortKey];
  if (valueOf === undefined) return { error: `Invalid sortKey ${sortKey}` };
  const { items, warnings } = searchItems(source.items, args.query, source.search, source.textFields ?? []);
  const sign = args.reverse === true ? -1 : 1;
  const keyed: Keyed<T>[] = items.map((item) => ({ item, value: valueOf(item), id: BigInt(source.idOf(item)) })).sort((a, b) => sign * compareKeyed(a, b));
  const like = keyed[0]?.value;
  const firstIndex = (test: (k: Keyed<T>) => boolean): number => {
    const index = keyed.findIndex(test);
    return index < 0 ? keyed.length : index;
  };
  let start = 0;
  let end = keyed.length;
  for (const [name, cursor] of [['after', args.after], ['before', args.before]] as const) {
    if (cursor === undefined) continue;
    const position = decodeCursor(cursor, like);
    if (position === undefined) return { error: `Invalid cursor for ${name}: ${cursor}` };
    if (name === 'after') start = firstIndex((k) => sign * compareKeyed(k, position) > 0);
    else end = firstIndex((k) => sign * compareKeyed(k, position) >= 0);
  }
  end = Math.max(start, end);
  let window = keyed.slice(start, end);
  let hasNextPage = end < keyed.length && args.before !== undefined;
  let hasPreviousPage = start > 0 && args.after !== undefined;
  if (args.first !== undefined) {
    hasNextPage ||= window.length > args.first;
    window = window.slice(0, args.first);
  }
  if (args.last !== undefined) {
    hasPreviousPage ||= window.length > args.last;
    window = window.slice(Math.max(0, window.length - args.last));
  }
  const cursors = window.map((k) => encodeCursor(k.id.toString(), k.value));
  return {
    items: window.map((k) => k.item),
    cursors,
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: cursors[0] ?? null, endCursor: cursors.at(-1) ?? null },
    warnings,
  };
}
