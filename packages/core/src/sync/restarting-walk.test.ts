/**
 * A refused continuation restarts the walk from the last checkpoint. Against a loopback vendor
 * whose cursors are tokens it issued and honours once (as page tokens with a lifespan behave), a
 * real connection client and an in-memory store: resumed runs whose saved cursor expired, runs
 * whose cursor expires mid-walk, the cap on restarts, and refusals that are not an expiry.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingRequest } from '../connector/index.js';
import { isConnectdError } from '../errors/index.js';
import { createFakeHttpServer, reply, type FakeHttpServer, type RecordedRequest } from '../testing/fake-http-server.js';
import { MemorySyncStore } from '../testing/memory-sync-store.js';
import { compileTestStream, recordingLogger, TEST_CONNECTION, testStreamConnection } from '../testing/sync-kit.js';
import type { IncrementalSpec } from './incremental.js';
import { MAX_CURSOR_RESTARTS } from './restarting-walk.js';
import { runStream } from './run-stream.js';
import type { SyncMode } from './types.js';

/** Ten products, p01..p10, updated a minute apart from 10:01. */
const PRODUCTS = Array.from({ length: 10 }, (_, i) => {
  const n = String(i + 1).padStart(2, '0');
  return { id: `p${n}`, sku: `SKU-${n}`, name: `Product ${n}`, updated_at: `2026-03-01T10:${n}:00Z` };
});
const SKUS = PRODUCTS.map((p) => p.sku);
const INVALID_CURSOR = { errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CURSOR', detail: 'The cursor is no longer valid.' }] };
const INCREMENTAL: IncrementalSpec = { cursor_field: 'updated_at', param: 'updated_since' };

let server: FakeHttpServer;
let recorder: ReturnType<typeof recordingLogger>;
let connection: ReturnType<typeof testStreamConnection>;
/** Serial numbers of issued tokens the vendor refuses (with `refusal`), as if they had expired. */
let expired: Set<number>;
let refusal: { status: number; body: unknown };

/**
 * GET /items?limit=3[&cursor=tok-N][&updated_since=…]: pages of 3 by id, `{ items, cursor }`. A
 * token is valid once: using it again, or a token never issued, is refused like an expired one.
 */
function serveItems(): void {
  const issued = new Map<string, { after: string; serial: number; since: string | null }>();
  let serial = 0;
  server.route('GET', '/items', (req: RecordedRequest) => {
    const token = req.query.get('cursor');
    const since = req.query.get('updated_since');
    let after: string | undefined;
    if (token !== null) {
      const found = issued.get(token);
      issued.delete(token);
      if (found === undefined || expired.has(found.serial)) return reply.json(refusal.body, refusal.status);
      after = found.after;
    }
    const matching = PRODUCTS.filter((p) => (after === undefined || p.id > after) && (since === null || p.updated_at >= since));
    const page = matching.slice(0, 3);
    let next: string | undefined;
    if (matching.length > 3) {
      serial += 1;
      next = `tok-${serial}`;
      issued.set(next, { after: page[page.length - 1]!.id, serial, since });
    }
    return reply.json({ items: page, ...(next === undefined ? {} : { cursor: next }) });
  });
}

function itemsStream(incremental?: IncrementalSpec) {
  return compileTestStream('items', server.url, {
    request: { path: '/items', query: { limit: 3 } },
    records: '$.items',
    pagination: { type: 'cursor', path: '$.cursor', param: 'cursor' },
    entity: 'product',
    map: '{ "sku": sku, "name": name, "vendor_updated_at": updated_at }',
    incremental,
  });
}

function run(store: MemorySyncStore, options: { incremental?: IncrementalSpec; mode?: SyncMode } = {}) {
  return runStream({ stream: itemsStream(options.incremental), connection, store, mode: options.mode ?? 'incremental' });
}

/** What the vendor was asked, one entry per request: the token sent (or `start`) and the updated_since. */
const asked = (): string[] =>
  server.requestsTo('GET', '/items').map((r) => `${r.query.get('cursor') ?? 'start'}${r.query.has('updated_since') ? ` since ${r.query.get('updated_since')}` : ''}`);
const restartWarnings = () => recorder.lines().filter((l) => l['level'] === 40 && typeof l['restart'] === 'number');

beforeEach(async () => {
  server = await createFakeHttpServer();
  recorder = recordingLogger();
  connection = testStreamConnection(recorder.log);
  expired = new Set();
  refusal = { status: 400, body: INVALID_CURSOR };
  serveItems();
});
afterEach(async () => {
  await connection.client.close();
  await server.close();
});

describe('a refused continuation restarts the walk from the last checkpoint', () => {
  it('restarts a resumed run whose saved cursor expired from the previous high-water mark, and lands exactly the records after it', async () => {
    const store = new MemorySyncStore();
    const mark = '2026-03-01T10:05:00Z';
    const resume: OutgoingRequest = { method: 'GET', url: `${server.url}/items?limit=3&updated_since=${encodeURIComponent(mark)}&cursor=tok-old`, headers: { accept: 'application/json' } };
    store.seedCheckpoint(TEST_CONNECTION.id, 'items', { resume, runHighWater: '2026-03-01T10:07:00Z', highWaterMark: mark });

    const summary = await run(store, { incremental: INCREMENTAL });

    expect(asked()).toEqual(['tok-old since 2026-03-01T10:05:00Z', `start since ${mark}`, `tok-1 since ${mark}`]);
    expect([...store.rows('product').keys()]).toEqual(SKUS.slice(4));
    expect(SKUS.slice(4).every((sku) => store.writesOf('product', sku) === 1)).toBe(true);
    expect(summary).toMatchObject({ resumed: true, pages: 2, records: 6, inserted: 6, highWaterMark: '2026-03-01T10:10:00Z' });
    expect(store.runs[0]!.result).toBe('succeeded');
    expect(store.checkpoint(TEST_CONNECTION.id, 'items')).toEqual({ highWaterMark: '2026-03-01T10:10:00Z' });
    expect(restartWarnings()).toEqual([expect.objectContaining({ status: 400, restart: 1, maxRestarts: MAX_CURSOR_RESTARTS })]);
  });

  it.each([400, 404, 410, 422])('restarts a full walk from the beginning when a cursor expires mid-run (%i); re-applied pages are upserts', async (status) => {
    const store = new MemorySyncStore();
    refusal = { status, body: INVALID_CURSOR };
    // The second token (page 3's) has expired by the time it is used.
    expired.add(2);

    const summary = await run(store);

    expect(asked()).toEqual(['start', 'tok-1', 'tok-2', 'start', 'tok-3', 'tok-4', 'tok-5']);
    expect([...store.rows('product').keys()]).toEqual(SKUS);
    expect(store.pages.map((p) => p.rows.map((r) => r.naturalKey).join(','))).toEqual([
      'SKU-01,SKU-02,SKU-03',
      'SKU-04,SKU-05,SKU-06',
      'SKU-01,SKU-02,SKU-03',
      'SKU-04,SKU-05,SKU-06',
      'SKU-07,SKU-08,SKU-09',
      'SKU-10',
    ]);
    expect(summary).toMatchObject({ resumed: false, pages: 6, records: 16, inserted: 10, updated: 6 });
    expect(store.runs.map((r) => r.result)).toEqual(['succeeded']);
    expect(store.checkpoint(TEST_CONNECTION.id, 'items')?.resume).toBeUndefined();
    expect(restartWarnings()).toEqual([expect.objectContaining({ status, restart: 1 })]);
  });

  it(`gives up after ${MAX_CURSOR_RESTARTS} restarts in one run: the next refusal fails the run with the vendor status`, async () => {
    const store = new MemorySyncStore();
    for (let serial = 1; serial <= 10; serial++) expired.add(serial);

    const err = await run(store).catch((e: unknown) => e);

    expect(isConnectdError(err, 'CONNECTD_ERR_SYNC_VENDOR_STATUS')).toBe(true);
    expect(asked()).toEqual(['start', 'tok-1', 'start', 'tok-2', 'start', 'tok-3', 'start', 'tok-4']);
    expect(restartWarnings().map((l) => l['restart'])).toEqual([1, 2, 3]);
    expect(store.runs[0]!.result).toBe('failed');
    expect([...store.rows('product').keys()]).toEqual(SKUS.slice(0, 3));
  });

  it('fails the run without a restart when the fresh first request is refused (a config problem)', async () => {
    server.route('GET', '/items', reply.json(INVALID_CURSOR, 400));
    const store = new MemorySyncStore();

    const err = await run(store).catch((e: unknown) => e);

    expect(isConnectdError(err, 'CONNECTD_ERR_SYNC_VENDOR_STATUS')).toBe(true);
    expect(asked()).toEqual(['start']);
    expect(restartWarnings()).toEqual([]);
    expect(store.runs[0]!.result).toBe('failed');
  });

  it('does not restart on a refusal that is not about the cursor (403), and keeps the saved request for the next run', async () => {
    const store = new MemorySyncStore();
    refusal = { status: 403, body: { errors: [{ code: 'FORBIDDEN' }] } };
    expired.add(1);

    const err = await run(store).catch((e: unknown) => e);

    expect((err as { details?: { status?: number } }).details?.status).toBe(403);
    expect(asked()).toEqual(['start', 'tok-1']);
    expect(restartWarnings()).toEqual([]);
    expect(new URL(store.checkpoint(TEST_CONNECTION.id, 'items')!.resume!.url).searchParams.get('cursor')).toBe('tok-1');
  });
});
