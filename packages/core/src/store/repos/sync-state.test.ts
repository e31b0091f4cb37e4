import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../open-store.js';
import { createTestDatabases, storeBackends } from '../testing.js';
import { deleteCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoints.js';
import { upsertDeclaredConnection } from './connections.js';
import { countDeadLetters, insertDeadLetters, listDeadLetters, markReplayed } from './dead-letters.js';
import { INTERRUPTED_RUN_ERROR, finishRun, getRun, lastRuns, startRun, succeededStreams, updateRunProgress } from './sync-runs.js';
import { lookupVendorIds, rememberVendorIds } from './vendor-ids.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

async function withConnections(backend: Parameters<typeof dbs.fresh>[0]): Promise<Store> {
  const store = await dbs.fresh(backend, { migrate: true });
  await upsertDeclaredConnection(store.db, { id: 'c1', connector: 'fake', tenantId: 'acme' });
  await upsertDeclaredConnection(store.db, { id: 'c2', connector: 'fake', tenantId: 'acme' });
  return store;
}

describe.each(storeBackends())('sync state on %s', (backend) => {
  it('round-trips a checkpoint of any JSON cursor, overwrites it, and forgets it', async () => {
    const store = await withConnections(backend);
    expect(await readCheckpoint(store.db, 'c1', 'stock')).toBeUndefined();
    await store.db.transaction((tx) => writeCheckpoint(tx, 'c1', 'stock', { cursor: { page: 3, ids: [1, 2] }, highWaterMark: '2024-05-01T00:00:00Z' }));
    expect(await readCheckpoint(store.db, 'c1', 'stock')).toMatchObject({ cursor: { page: 3, ids: [1, 2] }, highWaterMark: '2024-05-01T00:00:00Z' });
    await writeCheckpoint(store.db, 'c1', 'stock', { cursor: ['a', 'b'], highWaterMark: '42' });
    expect(await readCheckpoint(store.db, 'c1', 'stock')).toMatchObject({ cursor: ['a', 'b'], highWaterMark: '42' });
    await writeCheckpoint(store.db, 'c1', 'stock', { cursor: 'opaque', highWaterMark: null });
    expect(await readCheckpoint(store.db, 'c1', 'stock')).toMatchObject({ cursor: 'opaque', highWaterMark: null });
    await writeCheckpoint(store.db, 'c1', 'stock', { cursor: null, highWaterMark: '43' });
    const checkpoint = await readCheckpoint(store.db, 'c1', 'stock');
    expect(checkpoint).toMatchObject({ cursor: null, highWaterMark: '43' });
    expect(checkpoint?.updatedAt).toBeInstanceOf(Date);
    expect(await readCheckpoint(store.db, 'c2', 'stock')).toBeUndefined();
    expect(await deleteCheckpoint(store.db, 'c1', 'stock')).toBe(true);
    expect(await readCheckpoint(store.db, 'c1', 'stock')).toBeUndefined();
  });

  it('rolls a checkpoint back with the page transaction that wrote it', async () => {
    const store = await withConnections(backend);
    await writeCheckpoint(store.db, 'c1', 'stock', { cursor: { page: 1 }, highWaterMark: null });
    await store.db
      .transaction(async (tx) => {
        await writeCheckpoint(tx, 'c1', 'stock', { cursor: { page: 2 }, highWaterMark: null });
        throw new Error('page failed');
      })
      .catch(() => undefined);
    expect((await readCheckpoint(store.db, 'c1', 'stock'))?.cursor).toEqual({ page: 1 });
  });

  it('records a run: start, per-page progress, finish, and the last run per stream', async () => {
    const store = await withConnections(backend);
    const first = await startRun(store.db, { connectionId: 'c1', stream: 'stock', mode: 'full' });
    expect(first).toMatchObject({ resumed: false, pages: 0, records: 0 });
    await finishRun(store.db, first.runId, 'succeeded');
    const run = await startRun(store.db, { connectionId: 'c1', stream: 'stock', mode: 'incremental' });
    await store.db.transaction((tx) => updateRunProgress(tx, run.runId, { pages: 1, records: 250 }));
    await store.db.transaction((tx) => updateRunProgress(tx, run.runId, { pages: 1, records: 100 }));
    expect(await getRun(store.db, run.runId)).toMatchObject({ pages: 2, records: 350, result: 'running', finishedAt: null });
    await finishRun(store.db, run.runId, 'failed', 'CONNECTD_ERR_SYNC_VENDOR_STATUS: vendor down');
    const other = await startRun(store.db, { connectionId: 'c2', stream: 'stock', mode: 'incremental' });

    const last = await lastRuns(store.db);
    expect(last.map((r) => [r.connectionId, r.stream, r.runId, r.result])).toEqual([
      ['c1', 'stock', run.runId, 'failed'],
      ['c2', 'stock', other.runId, 'running'],
    ]);
    expect(last[0]).toMatchObject({ mode: 'incremental', pages: 2, records: 350, error: 'CONNECTD_ERR_SYNC_VENDOR_STATUS: vendor down' });
    expect(last[0]?.finishedAt).toBeInstanceOf(Date);
    expect((await lastRuns(store.db, { connectionIds: ['c2'] })).map((r) => r.runId)).toEqual([other.runId]);
    expect((await lastRuns(store.db, { finishedOnly: true })).map((r) => r.runId)).toEqual([run.runId]);
  });

  it('names the streams with a finished successful run on a connection, whatever came after it', async () => {
    const store = await withConnections(backend);
    const done = await startRun(store.db, { connectionId: 'c1', stream: 'locations', mode: 'full' });
    await finishRun(store.db, done.runId, 'succeeded');
    const later = await startRun(store.db, { connectionId: 'c1', stream: 'locations', mode: 'incremental' });
    await finishRun(store.db, later.runId, 'failed', 'CONNECTD_ERR_SYNC_VENDOR_STATUS: vendor down');
    const failed = await startRun(store.db, { connectionId: 'c1', stream: 'catalog', mode: 'full' });
    await finishRun(store.db, failed.runId, 'failed', 'CONNECTD_ERR_SYNC_VENDOR_STATUS: vendor down');
    await startRun(store.db, { connectionId: 'c1', stream: 'inventory', mode: 'full' });
    const elsewhere = await startRun(store.db, { connectionId: 'c2', stream: 'catalog', mode: 'full' });
    await finishRun(store.db, elsewhere.runId, 'succeeded');

    expect(await succeededStreams(store.db, 'c1', ['locations', 'catalog', 'inventory', 'never'])).toEqual(new Set(['locations']));
    expect(await succeededStreams(store.db, 'c2', ['locations', 'catalog'])).toEqual(new Set(['catalog']));
    expect(await succeededStreams(store.db, 'c1', [])).toEqual(new Set());
  });

  it('resumes the interrupted run of a reclaimed job and closes runs left behind by dead workers', async () => {
    const store = await withConnections(backend);
    const orphan = await startRun(store.db, { connectionId: 'c1', stream: 'stock', mode: 'incremental', jobId: '7' });
    const crashed = await startRun(store.db, { connectionId: 'c1', stream: 'stock', mode: 'incremental', jobId: '8' });
    expect((await getRun(store.db, orphan.runId))?.result).toBe('failed');
    await updateRunProgress(store.db, crashed.runId, { pages: 3, records: 30 });
    const resumed = await startRun(store.db, { connectionId: 'c1', stream: 'stock', mode: 'incremental', jobId: '8' });
    expect(resumed).toEqual({ runId: crashed.runId, resumed: true, pages: 3, records: 30 });
    const fresh = await startRun(store.db, { connectionId: 'c1', stream: 'stock', mode: 'incremental', jobId: '9' });
    expect(fresh.resumed).toBe(false);
    expect(await getRun(store.db, crashed.runId)).toMatchObject({ result: 'failed', error: INTERRUPTED_RUN_ERROR });
  });

  it('keeps dead letters with their record, reason, stream and run; counts, lists and marks them replayed', async () => {
    const store = await withConnections(backend);
    const { runId } = await startRun(store.db, { connectionId: 'c1', stream: 'stock', mode: 'incremental' });
    const written = await store.db.transaction((tx) =>
      insertDeadLetters(tx, [
        { sourceKind: 'sync', connector: 'fake', connectionId: 'c1', stream: 'stock', runId, payload: { sku: 1, nested: [1, 'x'] }, errorCode: 'CONNECTD_ERR_MAPPING_EVALUATE', reason: 'boom' },
        { sourceKind: 'sync', connector: 'fake', connectionId: 'c1', stream: 'stock', runId, payload: ['array', 'record'], errorCode: 'CONNECTD_ERR_MAPPING_SCHEMA', reason: '/quantity must be number' },
        { sourceKind: 'webhook', connector: 'fake', raw: Buffer.from([0, 1, 255]), errorCode: 'CONNECTD_ERR_WEBHOOK_BAD_JSON', reason: 'not json' },
        { sourceKind: 'sync', connector: 'fake', connectionId: 'c2', stream: 'stock', payload: { note: 'nul \u0000 inside' }, errorCode: 'CONNECTD_ERR_SYNC_VENDOR_STATUS', reason: 'nul' },
      ]),
    );
    expect(written).toBe(4);
    expect(await countDeadLetters(store.db)).toEqual([
      { connectionId: 'c1', stream: 'stock', count: 2 },
      { connectionId: 'c2', stream: 'stock', count: 1 },
      { connectionId: null, stream: null, count: 1 },
    ]);
    const c1 = await listDeadLetters(store.db, { connectionId: 'c1', stream: 'stock' });
    expect(c1.map((d) => [d.payload, d.errorCode, d.reason, d.runId, d.sourceKind])).toEqual([
      [{ sku: 1, nested: [1, 'x'] }, 'CONNECTD_ERR_MAPPING_EVALUATE', 'boom', runId, 'sync'],
      [['array', 'record'], 'CONNECTD_ERR_MAPPING_SCHEMA', '/quantity must be number', runId, 'sync'],
    ]);
    expect((await listDeadLetters(store.db, { connectionId: 'c2' }))[0]?.payload).toEqual({ note: 'nul \uFFFD inside' });
    const [webhook] = await listDeadLetters(store.db, { sourceKind: 'webhook' });
    expect(webhook?.raw).toEqual(Buffer.from([0, 1, 255]));
    expect(webhook?.payload).toBeNull();
    expect((await listDeadLetters(store.db, { runId })).length).toBe(2);
    expect((await listDeadLetters(store.db, { limit: 1, afterId: c1[0]?.id })).map((d) => d.id)).toEqual([c1[1]?.id]);

    expect(await markReplayed(store.db, [c1[0]!.id])).toBe(1);
    expect(await markReplayed(store.db, [c1[0]!.id, c1[1]!.id])).toBe(1);
    expect(await countDeadLetters(store.db, { connectionIds: ['c1'] })).toEqual([]);
    expect((await listDeadLetters(store.db, { connectionId: 'c1' })).length).toBe(0);
    const replayed = await listDeadLetters(store.db, { connectionId: 'c1', includeReplayed: true });
    expect(replayed.every((d) => d.replayedAt instanceof Date)).toBe(true);
  });

  it('maps vendor ids to natural keys per tenant, connector and kind, last mapping winning', async () => {
    const store = await withConnections(backend);
    const changed = await store.db.transaction((tx) =>
      rememberVendorIds(tx, [
        { tenantId: 'acme', connector: 'fake', kind: 'store', vendorId: 'L1', naturalKey: 'old' },
        { tenantId: 'acme', connector: 'fake', kind: 'store', vendorId: 'L1', naturalKey: 'main' },
        { tenantId: 'acme', connector: 'fake', kind: 'store', vendorId: 'L2', naturalKey: 'second' },
        { tenantId: 'acme', connector: 'fake', kind: 'product', vendorId: 'L1', naturalKey: 'SKU-L1' },
        { tenantId: 'other', connector: 'fake', kind: 'store', vendorId: 'L1', naturalKey: 'theirs' },
      ]),
    );
    expect(changed).toBe(4);
    const stores = await lookupVendorIds(store.db, 'acme', 'fake', 'store', ['L1', 'L2', 'L3', 'L1']);
    expect(stores).toEqual(new Map([['L1', 'main'], ['L2', 'second']]));
    expect(await lookupVendorIds(store.db, 'acme', 'fake', 'product', ['L1'])).toEqual(new Map([['L1', 'SKU-L1']]));
    expect(await lookupVendorIds(store.db, 'acme', 'other', 'store', ['L1'])).toEqual(new Map());
    expect(await lookupVendorIds(store.db, 'acme', 'fake', 'store', [])).toEqual(new Map());
    expect(await rememberVendorIds(store.db, [{ tenantId: 'acme', connector: 'fake', kind: 'store', vendorId: 'L1', naturalKey: 'main' }])).toBe(0);
    expect(await rememberVendorIds(store.db, [{ tenantId: 'acme', connector: 'fake', kind: 'store', vendorId: 'L1', naturalKey: 'moved' }])).toBe(1);
    expect((await lookupVendorIds(store.db, 'acme', 'fake', 'store', ['L1'])).get('L1')).toBe('moved');
  });

  it('upserts a declared connection and its tenant, keeping the connection status', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    expect(await upsertDeclaredConnection(store.db, { id: 'c1', connector: 'fake', tenantId: 'acme', config: { region: 'eu' } })).toEqual({ created: true });
    expect(await upsertDeclaredConnection(store.db, { id: 'c1', connector: 'fake', tenantId: 'acme', config: { region: 'eu' } })).toEqual({ created: false });
    await store.db.query(`update connectd_engine.connections set status = 'needs_reauth' where id = 'c1'`);
    await upsertDeclaredConnection(store.db, { id: 'c1', connector: 'fake', tenantId: 'beta', config: { region: 'us' } });
    const { rows } = await store.db.query(`select id, connector, tenant_id, status, config from connectd_engine.connections`);
    expect(rows).toEqual([{ id: 'c1', connector: 'fake', tenant_id: 'beta', status: 'needs_reauth', config: { region: 'us' } }]);
    const tenants = await store.db.query<{ id: string }>(`select id from connectd_engine.tenants order by id`);
    expect(tenants.rows.map((r) => r.id)).toEqual(['acme', 'beta']);
  });
});
