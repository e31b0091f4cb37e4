import { createFakeHttpServer, reply, type FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http-server.js';
import { encodeCursor, pageOf, pageSizeOf, type CursorKey, type PagingOptions, type PagingProblem, type RecordSource, type VendorPage } from './fake-vendor-paging.js';
import { RecordCollection, type FakeRecord } from './record-collection.js';

export type { FakeRecord } from './record-collection.js';

/** Page size when a request sends no `limit`. */
export const DEFAULT_FAKE_PAGE_SIZE = 50;
/** Larger `limit` values are cut to this, as vendors cap page sizes. */
export const DEFAULT_FAKE_MAX_PAGE_SIZE = 1_000;
/** The bearer token the fake expects unless told otherwise. */
export const DEFAULT_FAKE_TOKEN = 'fake-vendor-token';

/** Names of the query parameters the fake reads. */
export interface FakeVendorParams {
  /** Keyset cursor from the previous page's `next_cursor`. Default `cursor`. */
  readonly cursor?: string;
  /** 1-based page number (page-number paging; ignored beside a cursor). Default `page`. */
  readonly page?: string;
  /** Page size. Default `limit`. */
  readonly limit?: string;
  /** Incremental filter: only records whose updated-at is >= it. Default `updated_since`. */
  readonly since?: string;
}

export interface FakeRecordsVendorOptions {
  /** The records served at start (copied). */
  readonly records?: readonly FakeRecord[];
  /** Path of the collection. Default `/records`. */
  readonly path?: string;
  /** Body key holding a page's records. Default `records`. */
  readonly recordsKey?: string;
  /** The bearer token requests must carry; null turns the check off. Default {@link DEFAULT_FAKE_TOKEN}. */
  readonly token?: string | null;
  /** Default `id`. */
  readonly idField?: string;
  /** Default `updated_at`; ISO date-time strings (or epoch ms). */
  readonly updatedAtField?: string;
  readonly params?: FakeVendorParams;
  /** Default {@link DEFAULT_FAKE_PAGE_SIZE}. */
  readonly defaultPageSize?: number;
  /** Default {@link DEFAULT_FAKE_MAX_PAGE_SIZE}. */
  readonly maxPageSize?: number;
  /** Wait this long before answering each page (a slow vendor; lets a test act mid-sync). */
  readonly pageDelayMs?: number;
  /** At most `requests` per `windowMs` (fixed windows); more get 429 with Retry-After. None by default. */
  readonly rateLimit?: { readonly requests: number; readonly windowMs: number };
  /** The vendor clock in epoch ms, for stamping updates. Default `Date.now`. */
  readonly now?: () => number;
  /** Serve on this server instead of starting one (several fake collections on one vendor). */
  readonly server?: FakeHttpServer;
}

/** One request to the collection, as the fake saw and answered it. */
export interface FakeVendorRequest {
  readonly request: RecordedRequest;
  /** 200 for a served page; otherwise the refusal or injected fault (`reset`, `hang`). */
  readonly status: number | 'reset' | 'hang';
  readonly since: string | undefined;
  readonly cursor: string | undefined;
  readonly page: number | undefined;
  readonly limit: number | undefined;
  /** No cursor and no page number past 1: the request that starts a walk. */
  readonly first: boolean;
  /** Ids (as strings) of the records served, in order; empty unless status is 200. */
  readonly ids: readonly string[];
  /** The `next_cursor` answered; null on the last page (and for refused requests). */
  readonly nextCursor: string | null;
}

/** A fake vendor API serving one collection of records; see {@link createFakeRecordsVendor}. */
export interface FakeRecordsVendor {
  /** `http://127.0.0.1:<port>` (no trailing slash); the collection is at `url + path`. */
  readonly url: string;
  readonly path: string;
  readonly token: string | null;
  /** The underlying server, for more routes or raw requests. */
  readonly server: FakeHttpServer;
  /** Every request to the collection, in order of arrival. */
  readonly log: readonly FakeVendorRequest[];
  /** The requests answered with a page (status 200). */
  served(): FakeVendorRequest[];
  /** Copies of the current records, in insertion order: what a full sync should land. */
  records(): FakeRecord[];
  get(id: string | number): FakeRecord | undefined;
  /** Adds or replaces records as given (stamped with the vendor clock when they lack an updated-at). */
  insert(...records: FakeRecord[]): FakeRecord[];
  /** Merges changes into a record and bumps its updated-at past every other record's, unless `changes` sets it. */
  update(id: string | number, changes: FakeRecord): FakeRecord;
  remove(id: string | number): void;
  /** The next requests to the collection get these replies instead of a page (429, 500, reset...). */
  failNext(...replies: FakeReply[]): void;
  /** Delay before each page from now on. */
  pageDelayMs: number;
  /** Forgets the request log (records stay). */
  clearLog(): void;
  close(): Promise<void>;
}

/** The collection as a paging source: keyset slices by (updated-at, id) found by binary search, from `sinceMs` on. */
function sourceOf(collection: RecordCollection, sinceMs: number | undefined): RecordSource<FakeRecord> {
  return {
    slice({ after, offset, limit }) {
      const since = sinceMs === undefined ? {} : { sinceMs };
      if (after === undefined) {
        const slice = collection.slice({ limit, offset, ...since });
        return { items: slice.records, more: slice.more };
      }
      if (!Array.isArray(after) || after.length !== 2 || typeof after[0] !== 'number') return undefined;
      const slice = collection.slice({ limit, after: { updatedAtMs: after[0], id: after[1] as string | number }, ...since });
      return { items: slice.records, more: slice.more };
    },
  };
}

const positive = (raw: string | null): number | undefined => (raw !== null && /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : undefined);
const isProblem = (value: object): value is PagingProblem => 'param' in value;

/**
 * The paging of the collection, as core's fake-vendor paging options (which own the rules):
 * keyset cursors over (updated-at, id), or page numbers; both bodies carry `next_cursor` and
 * `has_more`, page-number ones `page` and `next_page` too.
 */
function pagingOf(
  recordsKey: string,
  params: Required<FakeVendorParams>,
  sizes: { readonly pageSize: number; readonly maxPageSize: number },
  fields: { readonly idField: string; readonly updatedAtField: string },
): { byCursor: PagingOptions<FakeRecord>; byPage: PagingOptions<FakeRecord> } {
  const cursorKey = (record: FakeRecord): CursorKey => [new Date(record[fields.updatedAtField] as string).getTime(), record[fields.idField] as string | number];
  const nextCursorOf = (page: VendorPage<FakeRecord>): string | null => (page.hasMore && page.items.length > 0 ? encodeCursor(cursorKey(page.items.at(-1)!)) : null);
  const shared = { ...sizes, cursorKey, params: { cursor: params.cursor, limit: params.limit, page: params.page, perPage: params.limit } };
  return {
    byCursor: { ...shared, paging: 'cursor', body: (page) => ({ [recordsKey]: page.items, next_cursor: page.nextCursor, has_more: page.hasMore }) },
    byPage: {
      ...shared,
      paging: 'page',
      body: (page) => ({ [recordsKey]: page.items, next_cursor: nextCursorOf(page), has_more: page.hasMore, page: page.page, next_page: page.hasMore ? page.page! + 1 : null }),
    },
  };
}

/**
 * Starts a fake vendor API (real HTTP on 127.0.0.1, a free port) serving a collection of records
 * the way list endpoints do: bearer auth (401 without the token), keyset cursors (`next_cursor` in
 * the body, sent back as `cursor`) or page numbers (`page`), the page size from `limit`, and
 * incremental reads (`updated_since`: records updated at or after it, ordered by updated-at then
 * id so cursors stay stable while records change). Tests change the source between syncs
 * (`update`, `insert`, `remove`), slow pages down, inject faults (429 with Retry-After, 5xx,
 * connection resets) and check from the vendor's side what each request asked for and received.
 * A page answers `{ <recordsKey>: [...], next_cursor, has_more }`, plus `page` and `next_page` for
 * page-number requests.
 * @example
 * const vendor = await createFakeRecordsVendor({ path: '/products', recordsKey: 'products', records: fakeProducts(1500) });
 * // YAML: base_url: vendor.url; request: { path: /products, query: { limit: 50 } }; records: $.products
 * //       pagination: { type: cursor, path: $.next_cursor, param: cursor }
 * //       incremental: { cursor_field: updated_at, param: updated_since }
 * vendor.update(7, { price: '12.00' });
 * vendor.failNext(reply.retryAfter(1));
 * expect(vendor.served().every((r) => r.since === '2025-01-01T00:24:59.000Z')).toBe(true);
 * await vendor.close();
 */
export async function createFakeRecordsVendor(options: FakeRecordsVendorOptions = {}): Promise<FakeRecordsVendor> {
  const path = options.path ?? '/records';
  const recordsKey = options.recordsKey ?? 'records';
  const token = options.token === undefined ? DEFAULT_FAKE_TOKEN : options.token;
  const params = { cursor: 'cursor', page: 'page', limit: 'limit', since: 'updated_since', ...options.params };
  const defaultPageSize = options.defaultPageSize ?? DEFAULT_FAKE_PAGE_SIZE;
  const maxPageSize = options.maxPageSize ?? DEFAULT_FAKE_MAX_PAGE_SIZE;
  const idField = options.idField ?? 'id';
  const updatedAtField = options.updatedAtField ?? 'updated_at';
  const collection = new RecordCollection({
    idField,
    updatedAtField,
    now: options.now ?? Date.now,
  });
  collection.insert(options.records ?? []);
  const server = options.server ?? (await createFakeHttpServer());
  const ownsServer = options.server === undefined;
  const log: FakeVendorRequest[] = [];
  const faults: FakeReply[] = [];
  const window = { startedAt: 0, count: 0 };

  function refuse(request: RecordedRequest, query: Partial<FakeVendorRequest>, answer: FakeReply): FakeReply {
    const status = 'fault' in answer ? answer.fault : (answer.status ?? 200);
    log.push({ since: undefined, cursor: undefined, page: undefined, limit: undefined, first: false, ...query, request, status, ids: [], nextCursor: null });
    return answer;
  }

  function rateLimited(): number | undefined {
    const limit = options.rateLimit;
    if (limit === undefined) return undefined;
    const now = Date.now();
    if (now - window.startedAt >= limit.windowMs) Object.assign(window, { startedAt: now, count: 0 });
    window.count += 1;
    return window.count > limit.requests ? Math.max(1, Math.ceil((window.startedAt + limit.windowMs - now) / 1000)) : undefined;
  }

  const { byCursor, byPage } = pagingOf(recordsKey, params, { pageSize: defaultPageSize, maxPageSize }, { idField, updatedAtField });

  server.route('GET', path, (request) => {
    const q = request.query;
    const since = q.get(params.since) ?? undefined;
    const cursor = q.get(params.cursor) ?? undefined;
    const limitRead = pageSizeOf(q.get(params.limit), byCursor as PagingOptions<unknown>, params.limit);
    const page = cursor === undefined ? positive(q.get(params.page)) : undefined;
    const query = { since, cursor, page, limit: typeof limitRead === 'number' ? limitRead : undefined, first: cursor === undefined && (page ?? 1) <= 1 };

    const fault = faults.shift();
    if (fault !== undefined) return refuse(request, query, fault);
    if (token !== null && request.headers.authorization !== `Bearer ${token}`) {
      return refuse(request, query, reply.json({ error: 'unauthorized' }, 401, { 'www-authenticate': 'Bearer' }));
    }
    const retryAfter = rateLimited();
    if (retryAfter !== undefined) return refuse(request, query, reply.retryAfter(retryAfter));

    const sinceMs = since === undefined ? undefined : new Date(since).getTime();
    if (Number.isNaN(sinceMs)) return refuse(request, query, reply.json({ error: `${params.since} must be a date`, param: params.since }, 400));
    const options = cursor === undefined && q.get(params.page) !== null ? byPage : byCursor;
    const served = pageOf(sourceOf(collection, sinceMs), q, options);
    if (isProblem(served)) return refuse(request, query, reply.json({ error: served.message, param: served.param }, 400));
    const body = options.body!(served) as Record<string, unknown>;
    log.push({ ...query, request, status: 200, ids: served.items.map((r) => collection.idOf(r)), nextCursor: body['next_cursor'] as string | null });
    return { status: 200, json: body, ...(vendor.pageDelayMs > 0 ? { delayMs: vendor.pageDelayMs } : {}) };
  });

  const vendor: FakeRecordsVendor = {
    url: server.url,
    path,
    token,
    server,
    log,
    pageDelayMs: options.pageDelayMs ?? 0,
    served: () => log.filter((entry) => entry.status === 200),
    records: () => collection.all(),
    get: (id) => collection.get(id),
    insert: (...records) => collection.insert(records),
    update: (id, changes) => collection.update(id, changes),
    remove: (id) => collection.remove(id),
    failNext: (...replies) => void faults.push(...replies),
    clearLog: () => void log.splice(0),
    close: async () => {
      if (ownsServer) await server.close();
    },
  };
  return vendor;
}

/**
 * Products as a shop API lists them: `{ id, sku, name, price, updated_at }` with ids 1..count,
 * prices as decimal strings, and updated-at one second apart from `start` (default
 * 2025-01-01T00:00:00Z), so every record has a distinct, past updated-at.
 * @example
 * fakeProducts(2); // [{ id: 1, sku: 'SKU-00001', name: 'Product 1', price: '10.01', updated_at: '2025-01-01T00:00:00.000Z' }, ...]
 */
export function fakeProducts(count: number, options: { readonly start?: string; readonly firstId?: number } = {}): FakeRecord[] {
  const start = new Date(options.start ?? '2025-01-01T00:00:00Z').getTime();
  const firstId = options.firstId ?? 1;
  return Array.from({ length: count }, (_, i) => {
    const id = firstId + i;
    return {
      id,
      sku: `SKU-${String(id).padStart(5, '0')}`,
      name: `Product ${id}`,
      price: (10 + (id % 997) / 100).toFixed(2),
      updated_at: new Date(start + i * 1000).toISOString(),
    };
  });
}
