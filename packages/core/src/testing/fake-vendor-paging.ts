/**
 * The paging rules of fake vendors, in one place: how a list request names its page (a cursor, an
 * offset, a page number), how big a page is, what the page answers (records, the next cursor, a
 * has-more flag, a `Link: rel="next"` header). `createFakeVendor().records()` serves them; a fake
 * with its own routing (storq's) calls {@link pageOf} and {@link pageAnswer} directly.
 */
import type { FakeAnswer, FakeReply, RecordedRequest } from './fake-http-server.js';

/** How the vendor pages a collection. */
export type PagingStyle = 'cursor' | 'offset' | 'page' | 'link_header';

/** Page size when a request names none. */
export const DEFAULT_VENDOR_PAGE_SIZE = 50;
/** Larger page sizes are cut to this (or refused, with `overMaxPageSize: 'refuse'`). */
export const DEFAULT_VENDOR_MAX_PAGE_SIZE = 1_000;

/** The value of a record a keyset cursor remembers (the next page starts strictly after it); a tuple sorts element by element. */
export type CursorKey = string | number | ReadonlyArray<string | number>;

/** Where a page starts: after a keyset key, or at an offset. */
export interface PagePosition {
  readonly after?: CursorKey | undefined;
  readonly offset: number;
  readonly limit: number;
}

/** What a source answers for a position: the records, whether more follow, where they start. */
export interface SourceSlice<T> {
  readonly items: readonly T[];
  readonly more: boolean;
  /** Index of the first item in the whole list; default the position's offset. */
  readonly offset?: number;
  /** Records in the whole list, when known. */
  readonly total?: number;
}

/**
 * A collection too large to scan per page (a fake with 100,000 records keeps them indexed): it
 * answers slices itself, or undefined for a keyset key it never handed out. Arrays are sources too.
 */
export interface RecordSource<T> {
  slice(position: PagePosition): SourceSlice<T> | undefined;
}

/** Query parameter names; defaults `cursor`, `limit`, `offset`, `page`, `per_page`. */
export interface PagingParams {
  readonly cursor?: string;
  /** Page size for cursor, offset and link_header paging. */
  readonly limit?: string;
  readonly offset?: string;
  /** 1-based page number. */
  readonly page?: string;
  /** Page size for page-number paging. */
  readonly perPage?: string;
}

/** How one collection pages; every field optional except the style. */
export interface PagingOptions<T> {
  readonly paging: PagingStyle;
  /** Default {@link DEFAULT_VENDOR_PAGE_SIZE}. */
  readonly pageSize?: number;
  /** Default {@link DEFAULT_VENDOR_MAX_PAGE_SIZE}. */
  readonly maxPageSize?: number;
  /** `cap` (default) serves the largest page allowed; `refuse` answers 400 (storq: "limit 1..100"). */
  readonly overMaxPageSize?: 'cap' | 'refuse';
  readonly params?: PagingParams;
  /**
   * Keyset cursors: the cursor remembers this key of the page's last record and the next page
   * starts strictly after it, so rows added or removed between pages shift nothing (records must
   * be in key order). Without it a cursor remembers the next offset.
   */
  readonly cursorKey?: (record: T) => CursorKey;
  /** Body key holding the page's records; null answers a bare array. Default `records`. */
  readonly recordsKey?: string | null;
  /** Body key of the next cursor (cursor paging). Default `next_cursor`. */
  readonly nextCursorKey?: string;
  /** Body key of a has-more flag (e.g. `hasMore`, `has_more`); none by default. */
  readonly hasMoreKey?: string;
  /** Builds the body instead of the default shape (e.g. NetSuite's `{ items, hasMore, offset, count, totalResults }`). */
  readonly body?: (page: VendorPage<T>) => unknown;
}

/** One page served: what a custom `body` builder gets. */
export interface VendorPage<T> {
  readonly items: readonly T[];
  /** True when records follow this page. */
  readonly hasMore: boolean;
  /** The next page's cursor; null on the last page (and for offset or page paging). */
  readonly nextCursor: string | null;
  /** Position of the first item in the whole list (offset paging; 0 for keyset pages). */
  readonly offset: number;
  /** 1-based page number (page paging), else undefined. */
  readonly page: number | undefined;
  readonly limit: number;
  /** Records in the whole list. */
  readonly total: number;
}

/** A request the paging rules refuse: which parameter and why (default answer: 400 `{ error, param }`). */
export interface PagingProblem {
  readonly param: string;
  readonly message: string;
}

/**
 * The opaque cursor: base64url JSON of a key (keyset) or of the next offset.
 * @example
 * encodeCursor('SKU-00100'); // 'IlNLVS0wMDEwMCI'
 */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Reads a cursor back; undefined when it is not one a list handed out (or not of `kind`).
 * @example
 * decodeCursor(encodeCursor(7), 'number'); // 7
 */
export function decodeCursor(cursor: string, kind?: 'string' | 'number'): CursorKey | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (kind !== undefined) return typeof value === kind ? (value as CursorKey) : undefined;
    return isKeyPart(value) || (Array.isArray(value) && value.every(isKeyPart)) ? (value as CursorKey) : undefined;
  } catch {
    return undefined;
  }
}

const isKeyPart = (value: unknown): value is string | number => typeof value === 'string' || typeof value === 'number';

/**
 * Orders keys: numbers and strings as such, tuples element by element.
 * @example
 * compareCursorKeys([1, 'b'], [1, 'a']); // > 0
 */
export function compareCursorKeys(a: CursorKey, b: CursorKey): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const order = compareCursorKeys(a[i] as string | number, b[i] as string | number);
      if (order !== 0) return order;
    }
    return a.length - b.length;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** An array as a source: keyset positions found by scanning (records must be in key order). */
function arraySource<T>(records: readonly T[], cursorKey: ((record: T) => CursorKey) | undefined): RecordSource<T> {
  return {
    slice({ after, offset, limit }) {
      let start = offset;
      if (after !== undefined && cursorKey !== undefined) {
        const first = records[0];
        if (first !== undefined && Array.isArray(cursorKey(first)) !== Array.isArray(after)) return undefined;
        if (first !== undefined && !Array.isArray(after) && typeof cursorKey(first) !== typeof after) return undefined;
        start = records.findIndex((record) => compareCursorKeys(cursorKey(record), after) > 0);
        if (start === -1) start = records.length;
      }
      return { items: records.slice(start, start + limit), more: start + limit < records.length, offset: start, total: records.length };
    },
  };
}

/**
 * The page size a request asks for: the default when absent, a problem when it is not a positive
 * integer (or over the maximum, with `overMaxPageSize: 'refuse'`).
 * @example
 * pageSizeOf(null, { paging: 'cursor', maxPageSize: 100, overMaxPageSize: 'refuse' }, 'limit'); // 50
 */
export function pageSizeOf(raw: string | null, options: PagingOptions<unknown>, param: string): number | PagingProblem {
  const max = options.maxPageSize ?? DEFAULT_VENDOR_MAX_PAGE_SIZE;
  if (raw === null) return Math.min(options.pageSize ?? DEFAULT_VENDOR_PAGE_SIZE, max);
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  const refuse = options.overMaxPageSize === 'refuse';
  if (!(value >= 1) || (refuse && value > max)) return { param, message: refuse ? `${param} must be an integer from 1 to ${max}` : `${param} must be a positive integer` };
  return Math.min(value, max);
}

const paramsOf = (options: PagingOptions<unknown>): Required<PagingParams> => ({ cursor: 'cursor', limit: 'limit', offset: 'offset', page: 'page', perPage: 'per_page', ...options.params });
const isProblem = (value: unknown): value is PagingProblem => typeof value === 'object' && value !== null && 'param' in value;

/**
 * The page a list request asks for, out of `records` (an array, in key order for keyset cursors,
 * or a {@link RecordSource}), or what is wrong with the request.
 * @example
 * pageOf(rows, query, { paging: 'cursor', cursorKey: (row) => row.sku }); // { items, hasMore, nextCursor, ... }
 */
export function pageOf<T>(records: readonly T[] | RecordSource<T>, query: URLSearchParams, options: PagingOptions<T>): VendorPage<T> | PagingProblem {
  const names = paramsOf(options as PagingOptions<unknown>);
  const byPage = options.paging === 'page';
  const limit = pageSizeOf(query.get(byPage ? names.perPage : names.limit), options as PagingOptions<unknown>, byPage ? names.perPage : names.limit);
  if (isProblem(limit)) return limit;
  const start = startOf(query, options, names, limit);
  if (isProblem(start)) return start;
  const source = Array.isArray(records) ? arraySource(records as readonly T[], options.cursorKey) : (records as RecordSource<T>);
  const slice = source.slice({ after: start.after, offset: start.offset, limit });
  if (slice === undefined) return { param: names.cursor, message: `${names.cursor} is not one this list handed out` };
  const offset = slice.offset ?? start.offset;
  const last = slice.items.at(-1);
  const usesCursor = options.paging === 'cursor' || options.paging === 'link_header';
  let nextCursor: string | null = null;
  if (usesCursor && slice.more && last !== undefined) nextCursor = encodeCursor(options.cursorKey === undefined ? offset + limit : options.cursorKey(last));
  return { items: slice.items, hasMore: slice.more, nextCursor, offset, page: start.page, limit, total: slice.total ?? offset + slice.items.length };
}

function startOf<T>(query: URLSearchParams, options: PagingOptions<T>, names: Required<PagingParams>, limit: number): { offset: number; after?: CursorKey; page?: number } | PagingProblem {
  if (options.paging === 'offset') {
    const raw = query.get(names.offset);
    const offset = raw === null ? 0 : /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    return Number.isNaN(offset) ? { param: names.offset, message: `${names.offset} must be a whole number` } : { offset };
  }
  if (options.paging === 'page') {
    const raw = query.get(names.page);
    const page = raw === null ? 1 : /^\d+$/.test(raw) ? Number(raw) : 0;
    return page >= 1 ? { offset: (page - 1) * limit, page } : { param: names.page, message: `${names.page} must be a positive integer` };
  }
  const cursor = query.get(names.cursor);
  if (cursor === null) return { offset: 0 };
  const key = decodeCursor(cursor);
  const invalid = { param: names.cursor, message: `${names.cursor} is not one this list handed out` };
  if (key === undefined) return invalid;
  if (options.cursorKey !== undefined) return { offset: 0, after: key };
  return typeof key === 'number' && Number.isInteger(key) && key >= 0 ? { offset: key } : invalid;
}

/**
 * The answer for a page: the default body of the style (or `options.body`), and for
 * `link_header` paging a `Link: <...>; rel="next"` to `pageUrl` with the next cursor (every other
 * parameter kept).
 * @example
 * pageAnswer(page, { paging: 'link_header', recordsKey: null }, `${server.url}${request.url}`); // bare array + Link
 */
export function pageAnswer<T>(page: VendorPage<T>, options: PagingOptions<T>, pageUrl: string): FakeAnswer {
  const headers: Record<string, string> = {};
  if (options.paging === 'link_header' && page.nextCursor !== null) {
    const next = new URL(pageUrl);
    next.searchParams.set(paramsOf(options as PagingOptions<unknown>).cursor, page.nextCursor);
    headers['link'] = `<${next.toString()}>; rel="next"`;
  }
  if (options.body !== undefined) return { status: 200, headers, json: options.body(page) };
  const recordsKey = options.recordsKey === undefined ? 'records' : options.recordsKey;
  if (recordsKey === null) return { status: 200, headers, json: page.items };
  const body: Record<string, unknown> = { [recordsKey]: page.items };
  if (options.paging === 'cursor') body[options.nextCursorKey ?? 'next_cursor'] = page.nextCursor;
  if (options.hasMoreKey !== undefined) body[options.hasMoreKey] = page.hasMore;
  return { status: 200, headers, json: body };
}

/**
 * Serves one list request: the page, or a 400 for a bad parameter (`refuse` shapes it the
 * vendor's way).
 * @example
 * servePage(rows, request, options, server.url, (p) => reply.json({ error: p.message }, 400));
 */
export function servePage<T>(records: readonly T[] | RecordSource<T>, request: RecordedRequest, options: PagingOptions<T>, origin: string, refuse: (problem: PagingProblem) => FakeReply): FakeReply {
  const page = pageOf(records, request.query, options);
  return isProblem(page) ? refuse(page) : pageAnswer(page, options, `${origin}${request.url}`);
}
