import type { FakeAnswer } from './core-test-kit.js';

/** REST list endpoints answer 50 records unless `limit` says otherwise, 250 at most. */
export const DEFAULT_SHOPIFY_REST_LIMIT = 50;
export const MAX_SHOPIFY_REST_LIMIT = 250;
/** The only parameters a request with `page_info` may carry. */
export const PAGE_INFO_PARAMS: readonly string[] = ['page_info', 'limit', 'fields'];

/** A record's position in a list: compared element by element (ids and times as bigints). */
export type RestKey = readonly bigint[];

/** What a `page_info` token holds: the list, its filters, and where the page it links to starts. */
interface PageToken {
  readonly resource: string;
  readonly direction: 'next' | 'prev';
  readonly key: readonly string[];
  readonly filters: Readonly<Record<string, string>>;
}

const compareKeys = (a: RestKey, b: RestKey): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -1n;
    const y = b[i] ?? -1n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/** Encodes a `page_info` token (opaque to clients: URL-safe base64 of JSON). */
function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

/**
 * Reads a `page_info` token of `resource`; undefined when it was altered or belongs elsewhere.
 * @example
 * decodePageInfo(token, 'products')?.filters; // the first request's filters
 */
export function decodePageInfo(value: string, resource: string): PageToken | undefined {
  try {
    const token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as PageToken;
    if (token.resource !== resource || (token.direction !== 'next' && token.direction !== 'prev') || !Array.isArray(token.key)) return undefined;
    if (encodeToken(token) !== value || !token.key.every((part) => /^-?\d+$/.test(part))) return undefined;
    return token;
  } catch {
    return undefined;
  }
}

/** A REST error answer `{"errors": …}`. */
export const restError = (status: number, errors: unknown, headers: Record<string, string> = {}): FakeAnswer => ({ status, headers, json: { errors } });

/**
 * Reads `limit`: default 50, 1..250; an answer for a bad one.
 * @example
 * readLimit(new URLSearchParams('limit=300')); // { refusal: 400 … }
 */
export function readLimit(query: URLSearchParams): { readonly limit: number } | { readonly refusal: FakeAnswer } {
  const text = query.get('limit');
  if (text === null) return { limit: DEFAULT_SHOPIFY_REST_LIMIT };
  const limit = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= MAX_SHOPIFY_REST_LIMIT)) return { refusal: restError(400, { limit: [`must be a number between 1 and ${MAX_SHOPIFY_REST_LIMIT}`] }) };
  return { limit };
}

/** One page of a REST list, and the `Link` header that goes with it. */
export interface RestPage<T> {
  readonly items: readonly T[];
  readonly link: string | undefined;
}

export interface RestPageRequest<T> {
  readonly resource: string;
  /** `{origin}/admin/api/{version}/{resource}.json`, the base of the links. */
  readonly listUrl: string;
  /** Sorted in list order. */
  readonly items: readonly T[];
  readonly keyOf: (item: T) => RestKey;
  readonly limit: number;
  readonly fields: string | null;
  readonly filters: Readonly<Record<string, string>>;
  /** The decoded `page_info`, when the request had one. */
  readonly token: PageToken | undefined;
}

/**
 * Serves one page of a cursor-paginated REST list, with Shopify's `Link` header:
 * `<…?limit=…&page_info=…>; rel="previous", <…>; rel="next"`, each present only when such a page
 * exists (no header at all for a single page). Paging is by key, so records added between pages
 * never shift the next page.
 * @example
 * const page = restPage({ resource: 'products', listUrl, items, keyOf: (p) => [BigInt(p.id)], limit: 50, fields: null, filters: {}, token: undefined });
 */
export function restPage<T>(request: RestPageRequest<T>): RestPage<T> {
  const keyed = request.items.map((item) => ({ item, key: request.keyOf(item) }));
  const { token } = request;
  let start = 0;
  let end = keyed.length;
  if (token?.direction === 'next') {
    const after = token.key.map(BigInt);
    start = keyed.findIndex((k) => compareKeys(k.key, after) > 0);
    if (start < 0) start = keyed.length;
    end = Math.min(keyed.length, start + request.limit);
  } else if (token?.direction === 'prev') {
    const before = token.key.map(BigInt);
    end = keyed.findIndex((k) => compareKeys(k.key, before) >= 0);
    if (end < 0) end = keyed.length;
    start = Math.max(0, end - request.limit);
  } else end = Math.min(keyed.length, request.limit);
  const page = keyed.slice(start, end);
  const link = (direction: 'next' | 'prev', key: RestKey): string => {
    const pageInfo = encodeToken({ resource: request.resource, direction, key: key.map(String), filters: request.filters });
    const fields = request.fields === null ? '' : `&fields=${encodeURIComponent(request.fields)}`;
    return `<${request.listUrl}?limit=${request.limit}${fields}&page_info=${pageInfo}>; rel="${direction === 'next' ? 'next' : 'previous'}"`;
  };
  const links: string[] = [];
  if (token !== undefined && start > 0 && page.length > 0) links.push(link('prev', page[0]!.key));
  if (end < keyed.length && page.length > 0) links.push(link('next', page.at(-1)!.key));
  return { items: page.map((k) => k.item), link: links.length > 0 ? links.join(', ') : undefined };
}

/**
 * Keeps only the `fields` asked for (comma-separated top-level names), as REST's `fields` does.
 * @example
 * pickFields({ id: 1n, title: 'Tea', vendor: 'x' }, 'id,title'); // { id: 1n, title: 'Tea' }
 */
export function pickFields(record: Readonly<Record<string, unknown>>, fields: string | null): Record<string, unknown> {
  if (fields === null || fields.trim() === '') return { ...record };
  const wanted = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(record).filter(([name]) => wanted.has(name)));
}
