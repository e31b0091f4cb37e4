import { afterAll, describe, expect, it } from 'vitest';
import { buildHttpServer, createMetrics } from '../daemon/index.js';
import { replayRoute } from '../daemon/http/replay-route.js';
import { insertDeadLetters, keepUnparsableWebhook, type Store } from '../store/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import {
  deadLetters,
  deliver,
  inboxRow,
  knownLocation,
  levels,
  loadTestProject,
  posEvent,
  processorFor,
  projectYaml,
  replayerFor,
  silentLog,
  storqEvent,
} from '../testing/webhook-processing.js';
import { parseReplaySelection } from './selection.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const openLetters = async (store: Store): Promise<string[]> => (await deadLetters(store)).filter((l) => l.replayed_at === null).map((l) => l.error_code);

describe('replay selection', () => {
  it('needs ids, a connector or all, and rejects malformed requests', () => {
    const code = (input: unknown): string => {
      try {
        parseReplaySelection(input);
        return 'accepted';
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    expect(code(undefined)).toBe('CONNECTD_ERR_REPLAY_NO_SELECTION');
    expect(code({})).toBe('CONNECTD_ERR_REPLAY_NO_SELECTION');
    expect(code({ all: false })).toBe('CONNECTD_ERR_REPLAY_NO_SELECTION');
    expect(code({ ids: [] })).toBe('CONNECTD_ERR_REPLAY_INVALID_REQUEST');
    expect(code({ ids: ['1; drop table x'] })).toBe('CONNECTD_ERR_REPLAY_INVALID_REQUEST');
    expect(code({ connector: 7 })).toBe('CONNECTD_ERR_REPLAY_INVALID_REQUEST');
    expect(code({ everything: true })).toBe('CONNECTD_ERR_REPLAY_INVALID_REQUEST');
    expect(code([1])).toBe('CONNECTD_ERR_REPLAY_INVALID_REQUEST');
    expect(parseReplaySelection({ ids: ['12', 13], connector: 'storq' })).toEqual({ ids: ['12', '13'], connector: 'storq' });
    expect(parseReplaySelection({ all: true })).toEqual({ all: true });
  });
});

describe.each(storeBackends())('dead-letter replay on %s', (backend) => {
  it('puts an unroutable webhook event back in the inbox once the connection is declared, and only once', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const before = await loadTestProject();
    const [id] = await deliver(store, 'pos', [posEvent('e-late', 'M-LATE', [{ location_id: 'L1', sku: 'A', quantity: '3' }])]);
    await (await processorFor(before, store)).drain();
    expect(await inboxRow(store, id!)).toMatchObject({ status: 'dead' });

    // The fix: the merchant's connection is declared now (and recorded, as the daemon does at start).
    const after = await loadTestProject(projectYaml({ extraPosConnection: true }));
    await store.db.query(`insert into connectd_engine.tenants (id) values ('late')`);
    await store.db.query(`insert into connectd_engine.connections (id, connector, tenant_id) values ('pos-late', 'pos', 'late')`);
    await store.db.query(`insert into connectd_engine.vendor_id_map (tenant_id, connector, kind, vendor_id, natural_key) values ('late', 'pos', 'store', 'L1', 'store-1')`);
    const woken: string[] = [];
    const replayer = replayerFor(after, store, (what) => woken.push(what));
    const [letter] = await deadLetters(store);
    const summary = await replayer.replay({ connector: 'pos' });
    expect(summary).toMatchObject({ replayed: 1, byKind: { webhook_event: 1, webhook_record: 0, sync_record: 0, job: 0 }, failedAgain: 0, skipped: [] });
    expect(woken).toEqual(['webhook']);
    expect(await inboxRow(store, id!)).toMatchObject({ status: 'received', attempts: 0, last_error: null });
    expect(await (await processorFor(after, store)).drain()).toMatchObject({ processed: 1 });
    expect(await levels(store)).toEqual([{ tenant_id: 'late', natural_key: 'store-1/A', quantity: '3', connection_id: 'pos-late' }]);

    // Idempotent: the letter is closed; replaying it again does nothing.
    expect(await replayer.replay({ ids: [letter!.id] })).toMatchObject({ replayed: 0, notOpen: [letter!.id] });
    expect(await replayer.replay({ all: true })).toMatchObject({ replayed: 0 });
    expect(await inboxRow(store, id!)).toMatchObject({ status: 'processed' });
  });

  it('maps a dead-lettered webhook record again with the fixed mapping, once', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    // A mapping that reads the wrong field: quantity is missing, so the entity schema rejects it.
    const broken = await loadTestProject(projectYaml({ storqMap: '{ "product": data.object.sku, "quantity": data.object.qty }' }));
    const [id] = await deliver(store, 'storq', [storqEvent('evt_r', 'R', 8)]);
    expect(await (await processorFor(broken, store)).drain()).toMatchObject({ processed: 1 });
    expect(await inboxRow(store, id!)).toMatchObject({ status: 'processed' });
    expect(await openLetters(store)).toEqual(['CONNECTD_ERR_MAPPING_SCHEMA']);

    // Replaying with the broken mapping fails again: a new letter, the old one closed, no loop.
    const again = await replayerFor(broken, store).replay({ all: true });
    expect(again).toMatchObject({ replayed: 1, byKind: { webhook_record: 1 }, failedAgain: 1 });
    expect(await openLetters(store)).toEqual(['CONNECTD_ERR_MAPPING_SCHEMA']);
    expect(await deadLetters(store)).toHaveLength(2);

    const fixed = await loadTestProject();
    const summary = await replayerFor(fixed, store).replay({ connector: 'storq' });
    expect(summary).toMatchObject({ replayed: 1, byKind: { webhook_record: 1 }, failedAgain: 0 });
    expect(await levels(store)).toEqual([{ tenant_id: 'default', natural_key: 'default/R', quantity: '8', connection_id: 'storq' }]);
    expect(await openLetters(store)).toEqual([]);
    expect(await replayerFor(fixed, store).replay({ all: true })).toMatchObject({ replayed: 0 });
  });

  it('maps a dead-lettered sync record again with the stream mapping, and enqueues a dead job again', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const project = await loadTestProject();
    await (await processorFor(project, store)).drain(); // records the declared connections
    await insertDeadLetters(store.db, [
      { sourceKind: 'sync', connector: 'storq', connectionId: 'storq', stream: 'stock', payload: { sku: 'S', quantity: 9 }, errorCode: 'CONNECTD_ERR_MAPPING_SCHEMA', reason: 'was broken' },
      {
        sourceKind: 'job',
        connector: 'storq',
        connectionId: 'storq',
        stream: 'stock',
        payload: { job_id: '1', kind: 'sync', queue: 'default', attempts: 5, payload: { connector: 'storq', stream: 'stock', mode: 'incremental' } },
        errorCode: 'CONNECTD_ERR_JOBS_HANDLER_FAILED',
        reason: 'failed on attempt 5',
      },
    ]);
    const woken: string[] = [];
    const summary = await replayerFor(project, store, (what) => woken.push(what)).replay({ all: true });
    expect(summary).toMatchObject({ replayed: 2, byKind: { sync_record: 1, job: 1 }, skipped: [] });
    expect(woken).toEqual(['job']);
    expect(await levels(store)).toEqual([{ tenant_id: 'default', natural_key: 'default/S', quantity: '9', connection_id: 'storq' }]);
    const { rows } = await store.db.query<{ kind: string; status: string; connection_id: string; stream: string; payload: unknown; attempts: number }>(
      `select kind, status, connection_id, stream, payload, attempts from connectd_engine.jobs`,
    );
    expect(rows).toEqual([{ kind: 'sync', status: 'queued', connection_id: 'storq', stream: 'stock', payload: { connector: 'storq', stream: 'stock', mode: 'incremental' }, attempts: 0 }]);
    expect(await replayerFor(project, store).replay({ all: true })).toMatchObject({ replayed: 0 });
  });

  it('writes the records whose lookup missed once the id exists, and leaves the ones still missing open as they were', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const project = await loadTestProject();
    // Two counts for locations nobody has synced yet: $store() misses for both.
    await deliver(store, 'pos', [posEvent('e-miss', 'M-ACME', [{ location_id: 'L1', sku: 'A', quantity: '3' }, { location_id: 'L2', sku: 'B', quantity: '4' }])]);
    await (await processorFor(project, store)).drain();
    expect(await openLetters(store)).toEqual(['CONNECTD_ERR_MAPPING_LOOKUP_MISSING', 'CONNECTD_ERR_MAPPING_LOOKUP_MISSING']);
    const replayer = replayerFor(project, store);
    expect(await replayer.retryLookupMisses('pos', 'pos-acme')).toEqual({ resolved: 0, waiting: 2 });
    expect(await deadLetters(store)).toHaveLength(2); // no new letters for records still waiting

    // A locations sync lands L1; the other connection's letters are not this connection's business.
    await knownLocation(store, 'acme', 'L1', 'store-1');
    expect(await replayer.retryLookupMisses('pos', 'pos-globex')).toEqual({ resolved: 0, waiting: 0 });
    expect(await replayer.retryLookupMisses('pos', 'pos-acme')).toEqual({ resolved: 1, waiting: 1 });
    expect((await levels(store)).map((l) => l.natural_key)).toEqual(['store-1/A']);
    expect(await openLetters(store)).toEqual(['CONNECTD_ERR_MAPPING_LOOKUP_MISSING']);
    expect(await deadLetters(store)).toHaveLength(2);
  });

  it('leaves letters it cannot replay open, with the reason', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const project = await loadTestProject();
    await keepUnparsableWebhook(store.db, { connector: 'storq', rawBody: Buffer.from('not json'), errorCode: 'CONNECTD_ERR_WEBHOOK_BAD_JSON', reason: 'bad' });
    await insertDeadLetters(store.db, [
      { sourceKind: 'sync', connector: 'storq', connectionId: 'storq', stream: 'gone', payload: { sku: 'S' }, errorCode: 'CONNECTD_ERR_MAPPING_SCHEMA', reason: 'x' },
    ]);
    const summary = await replayerFor(project, store).replay({ all: true });
    expect(summary.replayed).toBe(0);
    expect(summary.skipped.map((s) => s.code)).toEqual(['CONNECTD_ERR_REPLAY_NOT_REPLAYABLE', 'CONNECTD_ERR_REPLAY_NOT_REPLAYABLE']);
    expect(await openLetters(store)).toHaveLength(2);
  });

  it('serves POST /api/dead-letters/replay behind the admin token', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const project = await loadTestProject();
    await (await processorFor(project, store)).drain();
    await insertDeadLetters(store.db, [
      { sourceKind: 'sync', connector: 'storq', connectionId: 'storq', stream: 'stock', payload: { sku: 'H', quantity: 1 }, errorCode: 'CONNECTD_ERR_MAPPING_SCHEMA', reason: 'x' },
    ]);
    const app = buildHttpServer({
      log: silentLog,
      metrics: createMetrics('0.0.0'),
      adminToken: 'admin-token-for-replay-tests',
      isReady: async () => true,
      status: async () => ({}),
      apiRoutes: [replayRoute(replayerFor(project, store))],
    });
    const post = (body: unknown, token = 'admin-token-for-replay-tests') =>
      app.inject({ method: 'POST', url: '/api/dead-letters/replay', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    try {
      expect((await post({ all: true }, 'wrong')).statusCode).toBe(401);
      const none = await post({});
      expect(none.statusCode).toBe(400);
      expect(none.json()).toMatchObject({ code: 'CONNECTD_ERR_REPLAY_NO_SELECTION' });
      const ok = await post({ connector: 'storq' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ replayed: 1, byKind: { sync_record: 1 } });
      expect((await post({ connector: 'storq' })).json()).toMatchObject({ replayed: 0 });
    } finally {
      await app.close();
    }
  });
});
