import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../project/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { claimInboxEvents, settleInboxEvents, type Store } from '../store/index.js';
import {
  deadLetters,
  deliver,
  inboxRow,
  knownLocation,
  levels,
  loadTestProject,
  posEvent,
  processorFor,
  storqEvent,
} from '../testing/webhook-processing.js';
import { waitFor } from '../testing/wait-for.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

let project: Project;
beforeAll(async () => {
  project = await loadTestProject();
});

describe.each(storeBackends())('webhook inbox processing on %s', (backend) => {
  let store: Store;
  const fresh = async (): Promise<Store> => (store = await dbs.fresh(backend, { migrate: true }));

  it('maps a stored stock.updated event onto an inventory level and marks it processed', async () => {
    await fresh();
    const processor = await processorFor(project, store);
    const [id] = await deliver(store, 'storq', [storqEvent('evt_1', 'A', 5)]);
    const batch = await processor.drain();
    expect(batch).toMatchObject({ claimed: 1, processed: 1, dead: 0, retried: 0 });
    expect(await levels(store)).toEqual([{ tenant_id: 'default', natural_key: 'default/A', quantity: '5', connection_id: 'storq' }]);
    expect(await inboxRow(store, id!)).toMatchObject({ status: 'processed', attempts: 1, connection_id: 'storq', last_error: null });
  });

  it('applies a delivery repeated with the same dedupe key once', async () => {
    await fresh();
    const processor = await processorFor(project, store);
    const first = await deliver(store, 'storq', [storqEvent('evt_dup', 'A', 5), storqEvent('evt_dup', 'A', 5)]);
    const again = await deliver(store, 'storq', [storqEvent('evt_dup', 'A', 5)]);
    expect([...first, ...again].filter((o) => o !== 'duplicate')).toHaveLength(1);
    expect(await processor.drain()).toMatchObject({ claimed: 1, processed: 1 });
    const { rows } = await store.db.query<{ n: number }>(`select count(*)::int as n from connectd_engine.webhook_inbox where dedupe_key = 'evt_dup'`);
    expect(rows[0]!.n).toBe(1);
    expect(await levels(store)).toHaveLength(1);
  });

  it('never lets an older event overwrite a newer row, across batches and within one', async () => {
    await fresh();
    const processor = await processorFor(project, store);
    await deliver(store, 'storq', [storqEvent('evt_new', 'A', 10, '2025-01-02T00:00:00Z')]);
    await processor.drain();
    await deliver(store, 'storq', [storqEvent('evt_old', 'A', 3, '2025-01-01T00:00:00Z')]);
    // Within one batch: the newer event arrives first, the older one after it.
    await deliver(store, 'storq', [storqEvent('evt_b_new', 'B', 7, '2025-03-02T00:00:00Z'), storqEvent('evt_b_old', 'B', 1, '2025-03-01T00:00:00Z')]);
    expect(await processor.drain()).toMatchObject({ processed: 3 });
    expect((await levels(store)).map((l) => [l.natural_key, l.quantity])).toEqual([
      ['default/A', '10'],
      ['default/B', '7'],
    ]);
  });

  it('routes by the declared route to the YAML connection with that account id, per tenant', async () => {
    await fresh();
    const processor = await processorFor(project, store);
    await knownLocation(store, 'acme', 'L1', 'store-1');
    await knownLocation(store, 'globex', 'L1', 'store-9');
    await deliver(store, 'pos', [
      posEvent('e1', 'M-ACME', [{ location_id: 'L1', sku: 'A', quantity: '4' }]),
      posEvent('e2', 'M-GLOBEX', [{ location_id: 'L1', sku: 'A', quantity: '6' }]),
    ]);
    expect(await processor.drain()).toMatchObject({ processed: 2 });
    expect(await levels(store)).toEqual([
      { tenant_id: 'acme', natural_key: 'store-1/A', quantity: '4', connection_id: 'pos-acme' },
      { tenant_id: 'globex', natural_key: 'store-9/A', quantity: '6', connection_id: 'pos-globex' },
    ]);
  });

  it('routes to a stored connection by its vendor_account_id (an OAuth connection)', async () => {
    await fresh();
    const processor = await processorFor(project, store);
    await store.db.query(`insert into connectd_engine.tenants (id) values ('initech')`);
    await store.db.query(
      `insert into connectd_engine.connections (id, connector, tenant_id, vendor_account_id) values ('pos-initech', 'pos', 'initech', 'M-INITECH')`,
    );
    await knownLocation(store, 'initech', 'L7', 'store-7');
    await deliver(store, 'pos', [posEvent('e3', 'M-INITECH', [{ location_id: 'L7', sku: 'Z', quantity: '2' }])]);
    expect(await processor.drain()).toMatchObject({ processed: 1 });
    expect(await levels(store)).toEqual([{ tenant_id: 'initech', natural_key: 'store-7/Z', quantity: '2', connection_id: 'pos-initech' }]);
  });

  it('dead-letters an event whose connection is unknown, once, without retrying it', async () => {
    await fresh();
    const processor = await processorFor(project, store);
    const [id] = await deliver(store, 'pos', [posEvent('e4', 'M-NOBODY', [{ location_id: 'L1', sku: 'A', quantity: '1' }])]);
    expect(await processor.drain()).toMatchObject({ claimed: 1, dead: 1, retried: 0 });
    expect(await processor.drain()).toMatchObject({ claimed: 0 });
    expect(await inboxRow(store, id!)).toMatchObject({ status: 'dead', attempts: 1 });
    const [letter] = await deadLetters(store);
    expect(letter).toMatchObject({ source_kind: 'webhook', connector: 'pos', error_code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_UNKNOWN_CONNECTION' });
    expect(letter!.payload).toMatchObject({ kind: 'event', inbox_id: id, event_type: 'inventory.count.updated', dedupe_key: 'e4' });
    expect(letter!.raw?.toString()).toContain('M-NOBODY');
    expect(await levels(store)).toEqual([]);
  });

  it('dead-letters failing records with their reason and still processes the event and its other records', async () => {
    await fresh();
    const processor = await processorFor(project, store);
    await knownLocation(store, 'acme', 'L1', 'store-1');
    const [id] = await deliver(store, 'pos', [
      posEvent('e5', 'M-ACME', [
        { location_id: 'L1', sku: 'A', quantity: '4' },
        { location_id: 'L-UNKNOWN', sku: 'B', quantity: '1' },
      ]),
    ]);
    expect(await processor.drain()).toMatchObject({ processed: 1, dead: 0 });
    expect(await inboxRow(store, id!)).toMatchObject({ status: 'processed' });
    expect((await levels(store)).map((l) => l.natural_key)).toEqual(['store-1/A']);
    const letters = await deadLetters(store);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ source_kind: 'webhook', connection_id: 'pos-acme', error_code: 'CONNECTD_ERR_MAPPING_LOOKUP_MISSING' });
    expect(letters[0]!.payload).toEqual({ kind: 'record', inbox_id: id, event_type: 'inventory.count.updated', record: { location_id: 'L-UNKNOWN', sku: 'B', quantity: '1' } });
  });

  it('ignores event types without a mapping, and dead-letters bodies that are not JSON', async () => {
    await fresh();
    const processor = await processorFor(project, store);
    const [ignored] = await deliver(store, 'storq', [{ id: 'evt_x', type: 'order.shipped', data: {} }]);
    const [broken] = await deliver(store, 'storq', [Buffer.from('{"id": "evt_y", "type": ')]);
    expect(await processor.drain()).toMatchObject({ claimed: 2, ignored: 1, dead: 1 });
    expect(await inboxRow(store, ignored!)).toMatchObject({ status: 'ignored' });
    expect(await inboxRow(store, broken!)).toMatchObject({ status: 'dead' });
    const [letter] = await deadLetters(store);
    expect(letter).toMatchObject({ error_code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_INVALID_JSON' });
    expect(letter!.raw?.toString()).toBe('{"id": "evt_y", "type": ');
  });

  it('retries a whole-event failure with growing backoff, then dead-letters it after the last attempt', async () => {
    await fresh();
    let failing = true;
    const processor = await processorFor(project, store, {
      maxAttempts: 3,
      retry: { baseDelayMs: 60_000, factor: 2, jitterRatio: 0.2 },
      wrap: (inner) => ({
        ...inner,
        // The vendor-id map unreadable, as when the database drops: the event is at no fault.
        lookupVendorIds: (...args) => (failing ? Promise.reject(new Error('connection terminated')) : inner.lookupVendorIds(...args)),
      }),
    });
    const [id] = await deliver(store, 'pos', [posEvent('e6', 'M-ACME', [{ location_id: 'L1', sku: 'A', quantity: '1' }])]);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const batch = await processor.runOnce();
      const row = await inboxRow(store, id!);
      expect(row.attempts).toBe(attempt);
      if (attempt < 3) {
        expect(batch).toMatchObject({ retried: 1, dead: 0 });
        expect(row.status).toBe('failed');
        expect(row.last_error).toMatch(/^CONNECTD_ERR_MAPPING_LOOKUP_FAILED/);
        const { rows } = await store.db.query<{ ms: number }>(
          `select extract(epoch from (next_attempt_at - now())) * 1000 as ms from connectd_engine.webhook_inbox where id = $1`,
          [id],
        );
        delays.push(Number(rows[0]!.ms));
        // Not due yet: nothing is claimed until the backoff passed.
        expect(await processor.runOnce()).toMatchObject({ claimed: 0 });
        await store.db.query(`update connectd_engine.webhook_inbox set next_attempt_at = now() where id = $1`, [id]);
      } else {
        expect(batch).toMatchObject({ retried: 0, dead: 1 });
        expect(row.status).toBe('dead');
      }
    }
    // random() = 0: no jitter taken off; 60 s then 120 s.
    expect(delays[0]).toBeGreaterThan(55_000);
    expect(delays[0]).toBeLessThanOrEqual(60_000);
    expect(delays[1]).toBeGreaterThan(115_000);
    const letters = await deadLetters(store);
    expect(letters.map((l) => l.error_code)).toEqual(['CONNECTD_ERR_WEBHOOK_PROCESSING_ATTEMPTS_EXHAUSTED']);
    expect(letters[0]!.payload).toMatchObject({ kind: 'event', inbox_id: id });
    failing = false;
    expect(await processor.drain()).toMatchObject({ claimed: 0 });
  });

  it('takes over the events of a processor that died after claiming them, and never applies them twice', async () => {
    await fresh();
    const survivor = await processorFor(project, store, { leaseMs: 60_000 });
    const ids = await deliver(store, 'storq', [storqEvent('evt_l1', 'A', 1), storqEvent('evt_l2', 'B', 2)]);
    // The first processor claims, then "dies": it never settles. The lease holds the rows meanwhile.
    const token = 'dead-processor/1';
    const claimed = await claimInboxEvents(store.db, { limit: 10, leaseMs: 200, claimedBy: token, maxAttempts: 8 });
    expect(claimed.events.map((e) => e.id)).toEqual(ids);
    expect(await survivor.runOnce()).toMatchObject({ claimed: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await survivor.drain()).toMatchObject({ claimed: 2, processed: 2 });
    expect(await inboxRow(store, ids[0]!)).toMatchObject({ status: 'processed', attempts: 2 });
    // A late settle with the dead claim's token changes nothing.
    const late = await store.db.transaction((tx) => settleInboxEvents(tx, token, [{ id: ids[0]!, status: 'dead', errorCode: 'CONNECTD_ERR_INTERNAL', reason: 'late' }]));
    expect(late.size).toBe(0);
    expect(await inboxRow(store, ids[0]!)).toMatchObject({ status: 'processed' });
    expect(await deadLetters(store)).toEqual([]);
  });
  it('dead-letters an event abandoned on its last attempt instead of claiming it again', async () => {
    await fresh();
    const processor = await processorFor(project, store, { maxAttempts: 2 });
    const [id] = await deliver(store, 'storq', [storqEvent('evt_poison', 'P', 1)]);
    // Two daemons in turn claim it and die before settling (as if the event crashed them).
    for (const token of ['dead-1/a', 'dead-2/b']) {
      await store.db.query(`update connectd_engine.webhook_inbox set next_attempt_at = now() where id = $1`, [id]);
      const { events } = await claimInboxEvents(store.db, { limit: 10, leaseMs: 1, claimedBy: token, maxAttempts: 2 });
      expect(events.map((e) => e.id)).toEqual([id]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await processor.runOnce()).toMatchObject({ claimed: 0 });
    expect(await inboxRow(store, id!)).toMatchObject({ status: 'dead', attempts: 2 });
    expect((await deadLetters(store)).map((l) => l.error_code)).toEqual(['CONNECTD_ERR_WEBHOOK_PROCESSING_ATTEMPTS_EXHAUSTED']);
    expect(await levels(store)).toEqual([]);
  });

  it('runs in the background: a wake after a commit gets the event processed well before the next poll', async () => {
    await fresh();
    const processor = await processorFor(project, store, { pollIntervalMs: 60_000 });
    processor.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the first poll found nothing and sleeps
      const [id] = await deliver(store, 'storq', [storqEvent('evt_bg', 'W', 1)]);
      processor.wake();
      await waitFor('the woken processor', async () => (await inboxRow(store, id!)).status === 'processed', { timeoutMs: 10_000, intervalMs: 20 });
    } finally {
      await processor.stop({ deadlineMs: 5_000 });
    }
    expect(await levels(store)).toHaveLength(1);
  });

  it('shares the inbox between processors running at once: every event applied exactly once', async () => {
    await fresh();
    const processors = await Promise.all([1, 2, 3].map(() => processorFor(project, store, { batchSize: 25 })));
    const events = Array.from({ length: 300 }, (_, i) => storqEvent(`evt_c${i}`, `SKU-${i}`, i));
    const ids = await deliver(store, 'storq', events);
    const totals = await Promise.all(processors.map((p) => p.drain()));
    expect(totals.reduce((sum, t) => sum + t.processed, 0)).toBe(300);
    expect(totals.reduce((sum, t) => sum + t.lost, 0)).toBe(0);
    const { rows } = await store.db.query<{ status: string; attempts: number; n: number }>(
      `select status, attempts, count(*)::int as n from connectd_engine.webhook_inbox where id = any($1::bigint[]) group by status, attempts`,
      [ids],
    );
    expect(rows).toEqual([{ status: 'processed', attempts: 1, n: 300 }]);
    expect(await levels(store)).toHaveLength(300);
  });
});
