/**
 * runStream against its ports: an in-memory SyncStore, a fake vendor client answering
 * HttpResponse-shaped pages with a keyset cursor in the body, and real compiled streams (the
 * built-in `cursor` paginator, the canonical entity catalog, JSONata mappings).
 */
import { describe, expect, it } from 'vitest';
import type { ComponentContext, ConnectionInfo, OutgoingRequest } from '../connector/index.js';
import { HTTP_RETRIES_EXHAUSTED, isConnectdError, STORE_QUERY_FAILED } from '../errors/index.js';
import type { HttpRequest, HttpResponse } from '../http/index.js';
import { createLogger, SecretValues } from '../log/index.js';
import { createEntityCatalog } from '../mapping/index.js';
import { BUILTIN_PAGINATORS } from '../pagination/index.js';
import { compileStream, type StreamDeclaration } from './compile-stream.js';
import type { IncrementalSpec } from './incremental.js';
import { runStream, type CompiledStream, type RunStreamOptions, type StreamConnection } from './run-stream.js';
import { MemorySyncStore } from '../testing/memory-sync-store.js';
import type { PageWrite, SyncMode, SyncProgress, SyncSummary } from './types.js';

// ---------------------------------------------------------------------------------------------
// The fake vendor
// ---------------------------------------------------------------------------------------------

type VendorRecord = Readonly<Record<string, unknown>> & { readonly id: string };
type VendorFailure = { readonly status: number } | { readonly error: Error };

function jsonResponse(status: number, value: unknown): HttpResponse {
  const body = Buffer.from(JSON.stringify(value));
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body,
    json: <T = unknown>(): T => JSON.parse(body.toString('utf8')) as T,
    text: () => body.toString('utf8'),
  };
}

/**
 * A vendor serving `records` (sorted by id) at `path` under `{ [key]: [...], next_cursor }`:
 * `limit` sets the page size, `cursor` is the id of the last record already seen (keyset), and
 * `updated_since` keeps the records updated at or after it. `failRequest(n, ...)` makes its n-th
 * request (counted from 1) answer an error status or throw.
 */
class FakeVendor {
  readonly requests: HttpRequest[] = [];
  readonly #path: string;
  readonly #key: string;
  readonly #records: VendorRecord[];
  readonly #failures = new Map<number, VendorFailure>();

  constructor(path: string, key: string, records: readonly VendorRecord[]) {
    this.#path = path;
    this.#key = key;
    this.#records = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  failRequest(n: number, failure: VendorFailure): void {
    this.#failures.set(n, failure);
  }

  /** The URLs received since request `from` (0-based), parsed. */
  urls(from = 0): URL[] {
    return this.requests.slice(from).map((r) => new URL(r.url));
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    const failure = this.#failures.get(this.requests.length);
    if (failure !== undefined) {
      if ('error' in failure) throw failure.error;
      return jsonResponse(failure.status, { error: 'refused' });
    }
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.pathname !== `${new URL(BASE_URL).pathname}${this.#path}`) return jsonResponse(404, { error: 'not found' });
    const limit = Number(url.searchParams.get('limit') ?? '100');
    const cursor = url.searchParams.get('cursor');
    const since = url.searchParams.get('updated_since');
    const locations = url.searchParams.get('locations')?.split(',');
    const matching = this.#records.filter(
      (r) =>
        (cursor === null || r.id > cursor) &&
        (since === null || Date.parse(String(r['updated_at'])) >= Date.parse(since)) &&
        (locations === undefined || locations.includes(String(r['location_id']))),
    );
    const page = matching.slice(0, limit);
    const more = matching.length > limit;
    return jsonResponse(200, { [this.#key]: page, next_cursor: more ? page[page.length - 1]!.id : null });
  }
}

// ---------------------------------------------------------------------------------------------
// Streams, connections and data
// ---------------------------------------------------------------------------------------------

const BASE_URL = 'https://vendor.test/api';
const CONNECTOR = 'fakeshop';
const CONNECTION: ConnectionInfo = { id: 'fakeshop:acme', tenant: 'acme', config: {} };
const silent = createLogger({ level: 'silent' });
const ctx: ComponentContext = { log: silent, signal: new AbortController().signal, now: () => new Date() };
const catalog = createEntityCatalog({});

const PRODUCT_MAP = '{ "sku": sku, "name": name, "vendor_updated_at": updated_at }';
/** p02 was changed last: the newest update sits on page 1, not on the last page. */
const NEWEST = '2026-03-01T12:00:00Z';

function products(): VendorRecord[] {
  return Array.from({ length: 10 }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return { id: `p${n}`, sku: `SKU-${n}`, name: `Product ${n}`, updated_at: n === '02' ? NEWEST : `2026-03-01T10:${n}:00Z` };
  });
}

function compile(name: string, declaration: StreamDeclaration): CompiledStream {
  return compileStream({
    connector: CONNECTOR,
    name,
    baseUrl: BASE_URL,
    declaration,
    catalog,
    functions: [],
    paginators: ({ type, ...options }: { readonly type: string; readonly [option: string]: unknown }) => {
      const definition = BUILTIN_PAGINATORS[type];
      if (definition === undefined) throw new Error(`no paginator ${type}`);
      return definition.create(options as never, ctx);
    },
  });
}

/** The products stream: 3 records a page (10 products: pages of 3, 3, 3 and 1). */
function productStream(
  options: { incremental?: IncrementalSpec; maxPages?: number; query?: Readonly<Record<string, string>> } = {},
): CompiledStream {
  return compile('products', {
    request: { path: '/products', query: { limit: 3, ...options.query } },
    records: '$.products',
    pagination: { type: 'cursor', path: '$.next_cursor', param: 'cursor', ...(options.maxPages === undefined ? {} : { max_pages: options.maxPages }) },
    entity: 'product',
    map: PRODUCT_MAP,
    incremental: options.incremental,
  });
}

const INCREMENTAL: IncrementalSpec = { cursor_field: 'updated_at', param: 'updated_since' };

function connectionTo(vendor: FakeVendor, templateValues: Readonly<Record<string, unknown>> = {}): StreamConnection {
  return { connector: CONNECTOR, connection: CONNECTION, client: vendor, templateValues, log: silent };
}

function sync(
  stream: CompiledStream,
  vendor: FakeVendor,
  store: MemorySyncStore,
  mode: SyncMode,
  extra: Partial<Pick<RunStreamOptions, 'jobId' | 'onProgress' | 'redact'>> & { templateValues?: Readonly<Record<string, unknown>> } = {},
): Promise<SyncSummary> {
  const { templateValues, ...rest } = extra;
  return runStream({ stream, connection: connectionTo(vendor, templateValues), store, mode, ...rest });
}

/** The rejection of `promise` (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
}

const cursorOf = (request: { readonly url: string } | undefined): string | null => (request === undefined ? null : new URL(request.url).searchParams.get('cursor'));
const skusOf = (pages: readonly PageWrite[]): string[] => pages.flatMap((p) => p.rows.map((r) => r.naturalKey));
const idOf = (record: unknown): unknown => (record as { id?: unknown }).id;

/** A redactor as the daemon composes one: known secret values scrubbed from stored and logged text. */
function redactorOf(...values: string[]): (text: string) => string {
  const secrets = new SecretValues();
  for (const value of values) secrets.add(value);
  return (text) => secrets.scrub(text);
}

const DB_SECRET = 'db-password-7781';

/** A products run (incremental stream) whose store fails on page 3: pages 1-2 applied. */
async function interruptedRun() {
  const store = new MemorySyncStore();
  const vendor = new FakeVendor('/products', 'products', products());
  const stream = productStream({ incremental: INCREMENTAL });
  const storeError = STORE_QUERY_FAILED({ sqlState: '08006', reason: `connection to postgres://sync:${DB_SECRET}@db.internal lost` });
  store.failApplyOn(3, storeError);
  const error = await rejectionOf(sync(stream, vendor, store, 'incremental', { redact: redactorOf(DB_SECRET) }));
  return { store, vendor, stream, storeError, error, runId: store.runs[0]!.id };
}

// ---------------------------------------------------------------------------------------------

describe('runStream', () => {
  it('walks every page, applies each once with its checkpoint, finishes succeeded without a resume request, and returns the counts the store reported', async () => {
    const store = new MemorySyncStore();
    // Two products are in the store already (older versions): they count as updated.
    store.seedEntity('product', 'SKU-01', { sku: 'SKU-01', vendor_updated_at: '2026-01-01T00:00:00Z' });
    store.seedEntity('product', 'SKU-05', { sku: 'SKU-05', vendor_updated_at: '2026-01-01T00:00:00Z' });
    const vendor = new FakeVendor('/products', 'products', products());
    const progress: SyncProgress[] = [];

    const summary = await sync(productStream(), vendor, store, 'incremental', { jobId: 'job-1', onProgress: (p) => progress.push(p) });

    expect(vendor.urls().map((u) => u.searchParams.get('cursor'))).toEqual([null, 'p03', 'p06', 'p09']);
    const pages = store.pagesOf(summary.runId);
    expect(pages).toHaveLength(4);
    expect(store.pages).toHaveLength(4);
    expect(skusOf(pages)).toEqual(products().map((p) => p.sku));
    expect(pages.map((p) => p.rows.length)).toEqual([3, 3, 3, 1]);
    expect(pages.map((p) => p.progress)).toEqual([
      { pages: 1, records: 3 },
      { pages: 1, records: 3 },
      { pages: 1, records: 3 },
      { pages: 1, records: 1 },
    ]);
    expect(pages.every((p) => p.connector === CONNECTOR && p.stream === 'products' && p.rows.every((r) => r.entity === 'product') && p.connection.id === CONNECTION.id)).toBe(true);
    // Each page is saved with the request of the page after it (the vendor's next request), the last with none.
    expect(pages.slice(0, 3).map((p) => p.checkpoint.resume?.url)).toEqual(vendor.requests.slice(1).map((r) => r.url));
    expect(pages[3]!.checkpoint.resume).toBeUndefined();
    expect(pages[0]!.rows[0]!.value).toMatchObject({ sku: 'SKU-01', name: 'Product 01', vendor_updated_at: '2026-03-01T10:01:00Z' });

    expect(store.run(summary.runId)).toMatchObject({ result: 'succeeded', mode: 'incremental', jobId: 'job-1', pages: 4, records: 10 });
    expect(store.checkpoint(CONNECTION.id, 'products')?.resume).toBeUndefined();
    expect(summary).toMatchObject({ mode: 'incremental', resumed: false, capped: false, pages: 4, records: 10, failed: 0, inserted: 8, updated: 2, skippedOlder: 0 });
    expect(summary.highWaterMark).toBeUndefined();
    expect(progress.map((p) => [p.pages, p.records, p.failed])).toEqual([
      [1, 3, 0],
      [2, 6, 0],
      [3, 9, 0],
      [4, 10, 0],
    ]);
  });

  it('maps a page whose records look up vendor ids only after the pages before it are written, so an id the previous page wrote is found', async () => {
    // A slow store: each write takes a while, then records the page's vendor ids (as the real
    // entity write maps them in its statement). Without waiting, page 2 would be mapped mid-write.
    class SlowStore extends MemorySyncStore {
      override async applyPage(page: PageWrite) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const counts = await super.applyPage(page);
        for (const row of page.rows) this.knowVendorId('product', String(row.value['vendor_id']), row.naturalKey);
        return counts;
      }
    }
    const store = new SlowStore();
    // Every record from page 2 on names the record three before it: the same slot of the page before.
    const records = products().map((p, i) => (i < 3 ? p : { ...p, previous: `p${String(i - 2).padStart(2, '0')}` }));
    const stream = compile('products', {
      request: { path: '/products', query: { limit: 3 } },
      records: '$.products',
      pagination: { type: 'cursor', path: '$.next_cursor', param: 'cursor' },
      entity: 'product',
      map: '{ "sku": sku, "vendor_id": id, "name": $exists(previous) ? $product(previous) : name }',
    });
    expect(stream.mapper.usesLookups).toBe(true);

    await sync(stream, new FakeVendor('/products', 'products', records), store, 'full');

    expect(store.pages.flatMap((p) => p.failures)).toEqual([]);
    expect(store.pages.flatMap((p) => p.rows.map((r) => [r.naturalKey, r.value['name']]))).toEqual([
      ['SKU-01', 'Product 01'], ['SKU-02', 'Product 02'], ['SKU-03', 'Product 03'],
      ['SKU-04', 'SKU-01'], ['SKU-05', 'SKU-02'], ['SKU-06', 'SKU-03'],
      ['SKU-07', 'SKU-04'], ['SKU-08', 'SKU-05'], ['SKU-09', 'SKU-06'], ['SKU-10', 'SKU-07'],
    ]);
  });

  it('rejects with the store error when applyPage fails on page 3, records the run failed with a redacted message, keeps pages 1-2 and checkpoints the request of page 3', async () => {
    const { store, vendor, storeError, error, runId } = await interruptedRun();

    expect(error).toBe(storeError);
    const run = store.run(runId);
    expect(run.result).toBe('failed');
    expect(run.error).toMatch(/^CONNECTD_ERR_STORE_QUERY_FAILED:/);
    expect(run.error).not.toContain(DB_SECRET);
    expect(store.pages.map((p) => p.runId)).toEqual([runId, runId]);
    expect(skusOf(store.pages)).toEqual(['SKU-01', 'SKU-02', 'SKU-03', 'SKU-04', 'SKU-05', 'SKU-06']);
    const checkpoint = store.checkpoint(CONNECTION.id, 'products');
    expect(checkpoint?.resume?.url).toBe(vendor.requests[2]!.url);
    expect(cursorOf(checkpoint?.resume)).toBe('p06');
    // The largest cursor value of the pages applied so far travels with the checkpoint.
    expect(checkpoint?.runHighWater).toBe(NEWEST);
    expect(checkpoint?.highWaterMark).toBeUndefined();
  });

  it('resumes the next incremental run from the saved request: the vendor sees page 3 first, only pages 3..4 are applied, and the run reports resumed', async () => {
    const { store, vendor, stream, runId: failedRun } = await interruptedRun();
    const saved = store.checkpoint(CONNECTION.id, 'products')!.resume!;
    const before = vendor.requests.length;

    const summary = await sync(stream, vendor, store, 'incremental');

    expect(vendor.requests[before]).toMatchObject({ method: saved.method, url: saved.url });
    expect(vendor.urls(before).map((u) => u.searchParams.get('cursor'))).toEqual(['p06', 'p09']);
    expect(skusOf(store.pagesOf(summary.runId))).toEqual(['SKU-07', 'SKU-08', 'SKU-09', 'SKU-10']);
    // Across both runs every product was applied exactly once.
    expect(skusOf(store.pages)).toEqual(products().map((p) => p.sku));
    expect(store.pagesOf(failedRun)).toHaveLength(2);
    expect(summary).toMatchObject({ resumed: true, capped: false, pages: 2, records: 4, inserted: 4, updated: 0 });
    expect(store.run(summary.runId).result).toBe('succeeded');
    // The mark includes what the interrupted run saw before it failed (p02's update, on page 1).
    expect(summary.highWaterMark).toBe(NEWEST);
    expect(store.checkpoint(CONNECTION.id, 'products')).toEqual({ highWaterMark: NEWEST });
  });

  it('starts a full run from the first request, ignoring a saved resume request and the high-water mark', async () => {
    const store = new MemorySyncStore();
    const vendor = new FakeVendor('/products', 'products', products());
    const stream = productStream({ incremental: INCREMENTAL });
    const resume: OutgoingRequest = { method: 'GET', url: `${BASE_URL}/products?limit=3&cursor=p06`, headers: { accept: 'application/json' } };
    store.seedCheckpoint(CONNECTION.id, 'products', { resume, runHighWater: '2026-03-01T10:05:00Z', highWaterMark: '2026-03-01T10:05:00Z' });

    const summary = await sync(stream, vendor, store, 'full');

    const first = vendor.urls()[0]!;
    expect(first.searchParams.get('cursor')).toBeNull();
    expect(first.searchParams.get('updated_since')).toBeNull();
    expect(vendor.requests[0]!.url).toBe(stream.request.render({}).url);
    expect(summary).toMatchObject({ mode: 'full', resumed: false, pages: 4, records: 10 });
    expect(skusOf(store.pagesOf(summary.runId))).toEqual(products().map((p) => p.sku));
    expect(store.checkpoint(CONNECTION.id, 'products')?.resume).toBeUndefined();
    expect(store.checkpoint(CONNECTION.id, 'products')?.highWaterMark).toBe(NEWEST);
  });

  it('records the largest cursor value as the high-water mark, sends it minus the lookback on the next incremental run, and not on a full run', async () => {
    const store = new MemorySyncStore();
    const vendor = new FakeVendor('/products', 'products', products());
    const stream = productStream({ incremental: { ...INCREMENTAL, lookback_seconds: 60 } });

    const first = await sync(stream, vendor, store, 'incremental');
    expect(vendor.urls()[0]!.searchParams.get('updated_since')).toBeNull();
    expect(first.highWaterMark).toBe(NEWEST);
    expect(store.checkpoint(CONNECTION.id, 'products')).toEqual({ highWaterMark: NEWEST });

    const before = vendor.requests.length;
    const second = await sync(stream, vendor, store, 'incremental');
    expect(vendor.urls(before)[0]!.searchParams.get('updated_since')).toBe('2026-03-01T11:59:00.000Z');
    // Only p02 was updated since then: one page, one record.
    expect(skusOf(store.pagesOf(second.runId))).toEqual(['SKU-02']);
    expect(second).toMatchObject({ resumed: false, pages: 1, records: 1, highWaterMark: NEWEST });

    const beforeFull = vendor.requests.length;
    const full = await sync(stream, vendor, store, 'full');
    expect(vendor.urls(beforeFull).every((u) => !u.searchParams.has('updated_since'))).toBe(true);
    expect(full).toMatchObject({ pages: 4, records: 10, highWaterMark: NEWEST });
  });

  it('ends the run with CONNECTD_ERR_SYNC_VENDOR_STATUS on a vendor 4xx, recorded failed, earlier pages kept and no secret of the URL in the stored error', async () => {
    const store = new MemorySyncStore();
    const vendor = new FakeVendor('/products', 'products', products());
    vendor.failRequest(3, { status: 403 });
    const stream = productStream({ query: { api_key: '{api_key}' } });

    // runStream scrubs the URL only through the injected redactor (the daemon passes its known
    // secret values); it applies no URL rules of its own.
    const error = await rejectionOf(
      sync(stream, vendor, store, 'incremental', { templateValues: { api_key: 'secret-value' }, redact: redactorOf('secret-value') }),
    );

    expect(vendor.urls()[2]!.searchParams.get('api_key')).toBe('secret-value');
    expect(isConnectdError(error, 'CONNECTD_ERR_SYNC_VENDOR_STATUS')).toBe(true);
    expect((error as { details: { status: number } }).details.status).toBe(403);
    expect((error as Error).message).not.toContain('secret-value');
    const run = store.runs[0]!;
    expect(run.result).toBe('failed');
    expect(run.error).toMatch(/^CONNECTD_ERR_SYNC_VENDOR_STATUS:/);
    expect(run.error).not.toContain('secret-value');
    expect(skusOf(store.pages)).toEqual(['SKU-01', 'SKU-02', 'SKU-03', 'SKU-04', 'SKU-05', 'SKU-06']);
    expect(cursorOf(store.checkpoint(CONNECTION.id, 'products')?.resume)).toBe('p06');
  });

  it('fails the run with the error a vendor client throws, keeps the pages before it, and the next run resumes from the failed request', async () => {
    const store = new MemorySyncStore();
    const vendor = new FakeVendor('/products', 'products', products());
    const transportError = HTTP_RETRIES_EXHAUSTED({ connection: CONNECTION.id, method: 'GET', url: `${BASE_URL}/products`, attempts: 3, reason: 'ECONNRESET' });
    vendor.failRequest(2, { error: transportError });
    const stream = productStream();

    const error = await rejectionOf(sync(stream, vendor, store, 'incremental'));

    expect(error).toBe(transportError);
    expect(store.runs[0]).toMatchObject({ result: 'failed', pages: 1, records: 3 });
    expect(store.runs[0]!.error).toMatch(/^CONNECTD_ERR_HTTP_RETRIES_EXHAUSTED:/);
    expect(skusOf(store.pages)).toEqual(['SKU-01', 'SKU-02', 'SKU-03']);
    expect(store.checkpoint(CONNECTION.id, 'products')?.resume?.url).toBe(vendor.requests[1]!.url);

    const before = vendor.requests.length;
    const resumed = await sync(stream, vendor, store, 'incremental');
    expect(vendor.requests[before]!.url).toBe(vendor.requests[1]!.url);
    expect(resumed).toMatchObject({ resumed: true, pages: 3, records: 7 });
    expect(skusOf(store.pages)).toEqual(products().map((p) => p.sku));
  });

  it('stops after max_pages pages, reports capped and finishes succeeded', async () => {
    const store = new MemorySyncStore();
    const vendor = new FakeVendor('/products', 'products', products());

    const summary = await sync(productStream({ maxPages: 2 }), vendor, store, 'incremental');

    expect(vendor.requests).toHaveLength(2);
    expect(summary).toMatchObject({ capped: true, pages: 2, records: 6 });
    expect(store.pagesOf(summary.runId)).toHaveLength(2);
    expect(store.pagesOf(summary.runId)[1]!.checkpoint.resume).toBeUndefined();
    expect(store.run(summary.runId).result).toBe('succeeded');
    expect(store.checkpoint(CONNECTION.id, 'products')?.resume).toBeUndefined();
  });

  it('hands records that fail mapping to applyPage as failures beside the valid rows, and counts them as failed', async () => {
    const store = new MemorySyncStore();
    const records = products().map((p) => (p.id === 'p02' || p.id === 'p07' ? { id: p.id, name: p.name, updated_at: p['updated_at'] } : p));
    const vendor = new FakeVendor('/products', 'products', records);
    const progress: SyncProgress[] = [];

    const summary = await sync(productStream(), vendor, store, 'incremental', { onProgress: (p) => progress.push(p) });

    const pages = store.pagesOf(summary.runId);
    expect(pages.map((p) => p.failures.map((f) => [idOf(f.record), f.code]))).toEqual([
      [['p02', 'CONNECTD_ERR_MAPPING_SCHEMA']],
      [],
      [['p07', 'CONNECTD_ERR_MAPPING_SCHEMA']],
      [],
    ]);
    // The failure carries the vendor record as fetched, for the dead letter and its replay.
    expect(pages[0]!.failures[0]!.record).toEqual(records[1]);
    expect(pages.map((p) => p.rows.map((r) => r.naturalKey))).toEqual([['SKU-01', 'SKU-03'], ['SKU-04', 'SKU-05', 'SKU-06'], ['SKU-08', 'SKU-09'], ['SKU-10']]);
    expect(pages.map((p) => p.progress.records)).toEqual([3, 3, 3, 1]);
    expect(summary).toMatchObject({ pages: 4, records: 10, failed: 2, inserted: 8 });
    expect(progress[progress.length - 1]!.failed).toBe(2);
    expect(store.run(summary.runId).result).toBe('succeeded');
  });

  it('answers $store() and $product() through SyncStore.lookupVendorIds, looking each vendor id up once per run', async () => {
    const store = new MemorySyncStore({ 'store:L1': 'store-1', 'store:L2': 'store-2', 'product:V1': 'SKU-1', 'product:V2': 'SKU-2', 'product:V3': 'SKU-3' });
    // Two a page; ids repeat across pages. V9 is not in the vendor-id map.
    const vendor = new FakeVendor('/levels', 'levels', [
      { id: 'r1', location_id: 'L1', variant_id: 'V1', qty: 1 },
      { id: 'r2', location_id: 'L2', variant_id: 'V2', qty: 2 },
      { id: 'r3', location_id: 'L1', variant_id: 'V3', qty: 3 },
      { id: 'r4', location_id: 'L2', variant_id: 'V1', qty: 4 },
      { id: 'r5', location_id: 'L2', variant_id: 'V9', qty: 5 },
      { id: 'r6', location_id: 'L1', variant_id: 'V3', qty: 6 },
      { id: 'r7', location_id: 'L1', variant_id: 'V9', qty: 7 },
    ]);
    const stream = compile('levels', {
      request: { path: '/levels', query: { limit: 2 } },
      records: '$.levels',
      pagination: { type: 'cursor', path: '$.next_cursor', param: 'cursor' },
      entity: 'inventory_level',
      map: '{ "store": $store(location_id), "product": $product(variant_id), "quantity": qty }',
    });

    const summary = await sync(stream, vendor, store, 'incremental');

    expect(summary).toMatchObject({ pages: 4, records: 7, failed: 2 });
    expect(skusOf(store.pages)).toEqual(['store-1/SKU-1', 'store-2/SKU-2', 'store-1/SKU-3', 'store-2/SKU-1', 'store-1/SKU-3']);
    expect(store.pages.flatMap((p) => p.failures.map((f) => [idOf(f.record), f.code]))).toEqual([
      ['r5', 'CONNECTD_ERR_MAPPING_LOOKUP_MISSING'],
      ['r7', 'CONNECTD_ERR_MAPPING_LOOKUP_MISSING'],
    ]);
    const looked = store.lookupCalls.map((c) => `${c.tenant}/${c.connector}/${c.kind}:${c.vendorIds.join(',')}`).sort();
    expect(looked).toEqual([
      'acme/fakeshop/product:V1',
      'acme/fakeshop/product:V2',
      'acme/fakeshop/product:V3',
      'acme/fakeshop/product:V9',
      'acme/fakeshop/store:L1',
      'acme/fakeshop/store:L2',
    ]);

    // The cache lives for one run: the next run asks the store again, once per id.
    await sync(stream, vendor, store, 'full');
    expect(store.lookupCalls).toHaveLength(12);
  });

  describe('a partitioned stream', () => {
    // Six counts over three locations; the vendor takes at most two location ids per request.
    const counts = (): VendorRecord[] =>
      ['L1', 'L2', 'L3'].flatMap((location, l) => [1, 2].map((n) => ({ id: `r${l}${n}`, location_id: location, variant_id: `V${n}`, qty: l * 10 + n })));
    const partitioned = (): CompiledStream =>
      compile('levels', {
        request: { path: '/levels', query: { limit: 1, locations: '{partition}' } },
        records: '$.levels',
        pagination: { type: 'cursor', path: '$.next_cursor', param: 'cursor' },
        partition: { by: 'store', size: 2 },
        entity: 'inventory_level',
        map: '{ "store": $store(location_id), "product": $product(variant_id), "quantity": qty }',
      });
    const known = { 'store:L1': 'store-1', 'store:L2': 'store-2', 'store:L3': 'store-3', 'product:V1': 'SKU-1', 'product:V2': 'SKU-2' };

    it('walks once per slice of the known location ids, in order, each record once', async () => {
      const store = new MemorySyncStore(known);
      const vendor = new FakeVendor('/levels', 'levels', counts());
      const summary = await sync(partitioned(), vendor, store, 'incremental');
      expect(vendor.urls().map((u) => u.searchParams.get('locations'))).toEqual(['L1,L2', 'L1,L2', 'L1,L2', 'L1,L2', 'L3', 'L3']);
      expect(skusOf(store.pages)).toEqual(['store-1/SKU-1', 'store-1/SKU-2', 'store-2/SKU-1', 'store-2/SKU-2', 'store-3/SKU-1', 'store-3/SKU-2']);
      expect(summary).toMatchObject({ records: 6, failed: 0 });
      expect(store.checkpoint(CONNECTION.id, 'levels')).toEqual({});
    });

    it('resumes in the slice it was in, and starts over when the list of ids changed since', async () => {
      const store = new MemorySyncStore(known);
      const vendor = new FakeVendor('/levels', 'levels', counts());
      store.failApplyOn(5, new Error('the store went away'));
      await rejectionOf(sync(partitioned(), vendor, store, 'incremental'));
      // Page 4 ended the first slice: its checkpoint already points at the second slice's first request.
      expect(store.checkpoint(CONNECTION.id, 'levels')?.partition).toEqual({ index: 1, of: expect.any(String) });
      const before = vendor.requests.length;
      await sync(partitioned(), vendor, store, 'incremental');
      expect(vendor.urls(before).map((u) => u.searchParams.get('locations'))).toEqual(['L3', 'L3']);
      expect(skusOf(store.pages)).toEqual(['store-1/SKU-1', 'store-1/SKU-2', 'store-2/SKU-1', 'store-2/SKU-2', 'store-3/SKU-1', 'store-3/SKU-2']);

      // Interrupted again, then a location arrives: the saved position belongs to another list.
      store.failApplyOn(5, new Error('the store went away'));
      await rejectionOf(sync(partitioned(), vendor, store, 'full'));
      store.knowVendorId('store', 'L4', 'store-4');
      const again = vendor.requests.length;
      await sync(partitioned(), vendor, store, 'incremental');
      expect(vendor.urls(again).map((u) => u.searchParams.get('locations'))).toEqual(['L1,L2', 'L1,L2', 'L1,L2', 'L1,L2', 'L3,L4', 'L3,L4']);
    });

    it('reads nothing, and succeeds, while no id of the kind is known', async () => {
      const store = new MemorySyncStore({});
      const vendor = new FakeVendor('/levels', 'levels', counts());
      const summary = await sync(partitioned(), vendor, store, 'incremental');
      expect(vendor.requests).toEqual([]);
      expect(summary).toMatchObject({ pages: 0, records: 0 });
      expect(store.run(summary.runId).result).toBe('succeeded');
    });
  });
});
