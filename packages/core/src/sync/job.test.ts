/**
 * `after:` at run time: a `sync` job of a stream whose prerequisites have not succeeded on the
 * connection enqueues their jobs and is deferred, and runs once they have. Through the real worker
 * and job queue (PGlite), a loopback vendor and an in-memory sync store.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { createJobRepository, upsertDeclaredConnection, type SqlJobRepository } from '../store/index.js';
import { createTestDatabases } from '../store/testing.js';
import { Worker } from '../jobs/index.js';
import { createFakeHttpServer, reply, type FakeHttpServer } from '../testing/fake-http-server.js';
import { MemorySyncStore } from '../testing/memory-sync-store.js';
import { compileTestStream, TEST_CONNECTION, TEST_CONNECTOR, testStreamConnection } from '../testing/sync-kit.js';
import { syncJobHandler } from './job.js';
import { PREREQUISITE_RECHECK_MIN_MS, prerequisiteJob, prerequisiteRecheckMs } from './prerequisite-jobs.js';
import { streamGraph } from './prerequisites.js';
import type { CompiledStream } from './run-stream.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const silent = createLogger({ level: 'silent' });

/** inventory runs after locations and catalog; catalog after locations. */
const DECLARED = { locations: {}, inventory: { after: ['locations', 'catalog'] }, catalog: { after: ['locations'] } };

let server: FakeHttpServer;
let connection: ReturnType<typeof testStreamConnection>;
let jobs: SqlJobRepository;
let store: MemorySyncStore;
let worker: Worker;
let streams: Map<string, CompiledStream>;

function serve(path: string, skus: string[]): CompiledStream {
  server.route('GET', `/${path}`, reply.json({ items: skus.map((sku) => ({ sku, name: `${path} ${sku}` })) }));
  return compileTestStream(path, server.url, { request: { path: `/${path}` }, records: '$.items', entity: 'product', map: '{ "sku": sku, "name": name }' });
}

const hits = (path: string): number => server.requestsTo('GET', `/${path}`).length;
const enqueueSync = (stream: string) =>
  jobs.enqueue({ kind: 'sync', connectionId: TEST_CONNECTION.id, stream, payload: { connector: TEST_CONNECTOR, stream, mode: 'incremental' } });

beforeEach(async () => {
  server = await createFakeHttpServer();
  connection = testStreamConnection();
  const db = await dbs.fresh('pglite', { migrate: true });
  await upsertDeclaredConnection(db.db, { id: TEST_CONNECTION.id, connector: TEST_CONNECTOR, tenantId: 'acme' });
  jobs = createJobRepository(db.db);
  store = new MemorySyncStore();
  streams = new Map([
    ['locations', serve('locations', ['L-1'])],
    ['catalog', serve('catalog', ['C-1', 'C-2'])],
    ['inventory', serve('inventory', ['I-1', 'I-2', 'I-3'])],
  ]);
  const handler = syncJobHandler({
    stream: (_connector, name) => streams.get(name),
    connection: (_connector, id) => (id === TEST_CONNECTION.id ? connection : undefined),
    graph: () => streamGraph(DECLARED),
    store,
    jobs,
  });
  worker = new Worker({ repository: jobs, log: silent, pollIntervalMs: 20 }).handle('sync', handler);
});
afterEach(async () => {
  await connection.client.close();
  await server.close();
});

describe('a sync job of a stream declared after others', () => {
  it('is deferred until its prerequisites succeeded: their jobs are enqueued once, then it runs', async () => {
    const { job: inventory } = await enqueueSync('inventory');

    const deferred = await worker.runOnce();
    expect(deferred).toMatchObject({ status: 'deferred', job: { id: inventory.id } });
    expect(deferred?.deferral?.details).toMatchObject({ stream: 'inventory', waitingFor: ['locations', 'catalog'] });
    expect(deferred?.deferral?.delayMs).toBe(PREREQUISITE_RECHECK_MIN_MS);
    expect(hits('inventory')).toBe(0);
    expect(await jobs.get(inventory.id)).toMatchObject({ status: 'queued', attempts: 0 });

    // Looking again before they ran enqueues nothing new: the queued prerequisite jobs are returned.
    const again = await worker.runJob(inventory.id);
    expect(again.status).toBe('deferred');
    expect(again.deferral?.details['prerequisiteJobs']).toEqual(deferred?.deferral?.details['prerequisiteJobs']);

    // The prerequisites run in order: catalog, itself after locations, waits for it.
    const [locationsJob, catalogJob] = deferred?.deferral?.details['prerequisiteJobs'] as string[];
    expect(await jobs.get(locationsJob!)).toMatchObject({ stream: 'locations', uniqueKey: prerequisiteJob(TEST_CONNECTOR, TEST_CONNECTION.id, 'locations').uniqueKey });
    expect((await worker.runJob(catalogJob!)).status).toBe('deferred');
    expect(hits('catalog')).toBe(0);
    expect((await worker.runJob(locationsJob!)).status).toBe('succeeded');
    expect((await worker.runJob(catalogJob!)).status).toBe('succeeded');

    const ran = await worker.runJob(inventory.id);
    expect(ran).toMatchObject({ status: 'succeeded', result: { records: 3 } });
    expect([hits('locations'), hits('catalog'), hits('inventory')]).toEqual([1, 1, 1]);
    expect([...store.rows('product').keys()]).toEqual(['L-1', 'C-1', 'C-2', 'I-1', 'I-2', 'I-3']);
    expect(store.runs.map((r) => `${r.stream}:${r.result}`)).toEqual(['locations:succeeded', 'catalog:succeeded', 'inventory:succeeded']);
  });

  it('runs at once when its prerequisites succeeded before, and a stream without after: never asks', async () => {
    store.seedSucceededRun(TEST_CONNECTION.id, 'locations');
    store.seedSucceededRun(TEST_CONNECTION.id, 'catalog');
    const asked: string[][] = [];
    const succeededStreams = store.succeededStreams.bind(store);
    store.succeededStreams = async (connectionId, names) => {
      asked.push([...names]);
      return succeededStreams(connectionId, names);
    };
    await enqueueSync('inventory');
    expect((await worker.runOnce())?.status).toBe('succeeded');
    await enqueueSync('locations');
    expect((await worker.runOnce())?.status).toBe('succeeded');
    expect([hits('locations'), hits('catalog'), hits('inventory')]).toEqual([1, 0, 1]);
    expect(asked).toEqual([['locations', 'catalog']]);
  });

  it('waits longer between looks the longer it has waited, within bounds', () => {
    expect(prerequisiteRecheckMs(0)).toBe(PREREQUISITE_RECHECK_MIN_MS);
    expect(prerequisiteRecheckMs(4 * 60_000)).toBe(60_000);
    expect(prerequisiteRecheckMs(24 * 60 * 60_000)).toBe(5 * 60_000);
  });
});
