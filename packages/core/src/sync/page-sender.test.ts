/**
 * A stream's pages are reads, even when the vendor wants them as POST (Square's searches): the
 * sender marks them idempotent, so the connection client retries a 429 or 5xx on them, unless the
 * stream declares `request.idempotent: false`. Against a loopback vendor and a real client.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { createFakeHttpServer, reply, type FakeHttpServer, type FakeReply, type RecordedRequest } from '../testing/fake-http-server.js';
import { MemorySyncStore } from '../testing/memory-sync-store.js';
import { compileTestStream, TEST_CONNECTION, testStreamConnection } from '../testing/sync-kit.js';
import { runStream } from './run-stream.js';

const ITEMS = Array.from({ length: 5 }, (_, i) => ({ id: `p${i + 1}`, sku: `SKU-${i + 1}`, name: `Product ${i + 1}` }));

let server: FakeHttpServer;
let connection: ReturnType<typeof testStreamConnection>;
/** Replies given (in order) to a page's request before it is served, by the cursor it carries ('' for none). */
let refusals: Map<string, FakeReply[]>;

/** POST /search: `{ limit, cursor }` in the body, `{ objects, cursor }` back; the cursor is an offset. */
function serveSearch(): void {
  server.route('POST', '/search', (req: RecordedRequest) => {
    const { limit = 2, cursor } = req.json<{ limit?: number; cursor?: string }>();
    const refusal = refusals.get(cursor ?? '')?.shift();
    if (refusal !== undefined) return refusal;
    const from = cursor === undefined ? 0 : Number(cursor);
    const next = from + limit < ITEMS.length ? String(from + limit) : undefined;
    return reply.json({ objects: ITEMS.slice(from, from + limit), ...(next === undefined ? {} : { cursor: next }) });
  });
}

const cursorsSent = (): Array<string | undefined> => server.requestsTo('POST', '/search').map((r) => r.json<{ cursor?: string }>().cursor);

function searchStream(idempotent?: boolean) {
  return compileTestStream('search', server.url, {
    request: { method: 'POST', path: '/search', body: { limit: 2 }, ...(idempotent === undefined ? {} : { idempotent }) },
    records: '$.objects',
    pagination: { type: 'cursor', path: '$.cursor', param: 'cursor', in: 'body', body_path: 'cursor' },
    entity: 'product',
    map: '{ "sku": sku, "name": name }',
  });
}

beforeEach(async () => {
  server = await createFakeHttpServer();
  connection = testStreamConnection();
  refusals = new Map();
  serveSearch();
});
afterEach(async () => {
  await connection.client.close();
  await server.close();
});

describe('stream pages sent as POST', () => {
  it('retries a POST page answered 429 then 200 (and a first page answered 503), and the run lands every record once', async () => {
    refusals.set('', [reply.status(503)]);
    refusals.set('2', [reply.retryAfter(0)]);
    const store = new MemorySyncStore();

    const summary = await runStream({ stream: searchStream(), connection, store, mode: 'incremental' });

    expect(cursorsSent()).toEqual([undefined, undefined, '2', '2', '4']);
    expect(summary).toMatchObject({ pages: 3, records: 5, inserted: 5, updated: 0 });
    expect([...store.rows('product').keys()]).toEqual(ITEMS.map((i) => i.sku));
    expect(ITEMS.every((i) => store.writesOf('product', i.sku) === 1)).toBe(true);
    expect(store.runs[0]!.result).toBe('succeeded');
  });

  it('sends a page of a stream declared idempotent: false once: a 429 fails the run, the pages before it kept', async () => {
    refusals.set('2', [reply.retryAfter(0)]);
    const store = new MemorySyncStore();

    const err = await runStream({ stream: searchStream(false), connection, store, mode: 'incremental' }).catch((e: unknown) => e);

    expect(isConnectdError(err, 'CONNECTD_ERR_SYNC_VENDOR_STATUS')).toBe(true);
    expect((err as { details: { status: number } }).details.status).toBe(429);
    expect(cursorsSent()).toEqual([undefined, '2']);
    expect([...store.rows('product').keys()]).toEqual(['SKU-1', 'SKU-2']);
    expect(store.runs[0]!.result).toBe('failed');
    expect(store.checkpoint(TEST_CONNECTION.id, 'search')?.resume?.body).toBe('{"limit":2,"cursor":"2"}');
  });
});
