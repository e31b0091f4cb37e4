import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabases, storeBackends } from '../testing.js';
import { upsertDeclaredConnection } from './connections.js';
import { insertInboxRows } from './inbox-intake.js';
import { countInboxBacklog, countSyncedRecords } from './operations.js';
import { finishRun, lastRuns, startRun, updateRunProgress } from './sync-runs.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

describe.each(storeBackends())('the operations page figures on %s', (backend) => {
  it('counts the inbox backlog, the records of runs started since a time, and each stream’s last success', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    await upsertDeclaredConnection(store.db, { id: 'c1', connector: 'fake', tenantId: 'acme' });
    const row = (key: string, status?: 'ignored') => ({ connector: 'fake', routingKey: null, dedupeKey: key, eventType: 't', headers: {}, rawBody: Buffer.from('{}'), ...(status === undefined ? {} : { status }) });
    await insertInboxRows(store.db, [row('a'), row('b'), row('c', 'ignored')]);
    expect(await countInboxBacklog(store.db)).toBe(2);

    const before = new Date(Date.now() - 1000);
    const ok = await startRun(store.db, { connectionId: 'c1', stream: 'stock', mode: 'full' });
    await updateRunProgress(store.db, ok.runId, { pages: 1, records: 40 });
    await finishRun(store.db, ok.runId, 'succeeded');
    const failed = await startRun(store.db, { connectionId: 'c1', stream: 'stock', mode: 'incremental' });
    await updateRunProgress(store.db, failed.runId, { pages: 1, records: 2 });
    await finishRun(store.db, failed.runId, 'failed', 'boom');
    expect(await countSyncedRecords(store.db, before)).toBe(42);
    expect(await countSyncedRecords(store.db, new Date(Date.now() + 60_000))).toBe(0);

    // The stream's last success, not its latest (failed) run.
    const successes = await lastRuns(store.db, { connectionIds: ['c1', 'c2'], succeededOnly: true });
    expect(successes.map((r) => [r.connectionId, r.stream, r.runId, r.result, r.finishedAt instanceof Date])).toEqual([['c1', 'stock', ok.runId, 'succeeded', true]]);
    expect(await lastRuns(store.db, { connectionIds: [], succeededOnly: true })).toEqual([]);
  });
});
