import { afterAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../../errors/index.js';
import { createLogger } from '../../log/index.js';
import type { Queryable } from '../database.js';
import { openStore, type Store } from '../open-store.js';
import { createTestDatabases, serverStoreBackend, storeBackends } from '../testing.js';
import { gatherMissingStatistics, pruneBatch, reclaimSpace, RETENTION_LOCK_KEY, withRetentionLock } from './retention.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

const now = new Date('2025-07-01T00:00:00.000Z');
const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);
const cutoff = daysAgo(7);

async function tenantAndConnection(db: Queryable): Promise<void> {
  await db.query(`insert into connectd_engine.tenants (id) values ('t1')`);
  await db.query(`insert into connectd_engine.connections (id, connector, tenant_id) values ('c1', 'storq', 't1')`);
}

async function inboxRow(db: Queryable, key: string, status: string, processedDaysAgo: number | null): Promise<void> {
  await db.query(
    `insert into connectd_engine.webhook_inbox (connector, dedupe_key, raw_body, status, processed_at, received_at)
     values ('storq', $1, '\\x7b7d', $2, $3, $4)`,
    [key, status, processedDaysAgo === null ? null : daysAgo(processedDaysAgo), daysAgo((processedDaysAgo ?? 10) + 1)],
  );
}

async function keys(db: Queryable, sql: string): Promise<string[]> {
  const { rows } = await db.query<{ k: string }>(sql);
  return rows.map((row) => String(row.k)).sort();
}

async function drain(db: Queryable, table: Parameters<typeof pruneBatch>[1], olderThan: Date, limit = 1000): Promise<number[]> {
  const counts: number[] = [];
  for (;;) {
    const n = await pruneBatch(db, table, olderThan, limit);
    counts.push(n);
    if (n < limit) return counts;
  }
}

/** Runs (connection c1, stream s) started `day` days ago and finished five minutes later, with id = 1000 + day. */
async function run(db: Queryable, stream: string, day: number, result: string): Promise<string> {
  const started = daysAgo(day);
  await db.query(
    `insert into connectd_engine.sync_runs (id, connection_id, stream, started_at, finished_at, result)
     overriding system value values ($1, 'c1', $2, $3, $4, $5)`,
    [1000 + day, stream, started, result === 'running' ? null : new Date(started.getTime() + 300_000), result],
  );
  return String(1000 + day);
}

describe.each(storeBackends())('retention statements on %s', (backend) => {
  it('deletes processed and ignored inbox events processed before the cutoff, and never received, processing, failed or dead ones', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    await inboxRow(store.db, 'processed-old', 'processed', 8);
    await inboxRow(store.db, 'ignored-old', 'ignored', 30);
    await inboxRow(store.db, 'processed-new', 'processed', 6);
    await inboxRow(store.db, 'received-old', 'received', null);
    await inboxRow(store.db, 'processing-old', 'processing', null);
    await inboxRow(store.db, 'failed-old', 'failed', null);
    await inboxRow(store.db, 'dead-old', 'dead', null);
    expect(await drain(store.db, 'webhook_inbox', cutoff)).toEqual([2]);
    expect(await keys(store.db, 'select dedupe_key as k from connectd_engine.webhook_inbox')).toEqual(
      ['dead-old', 'failed-old', 'processed-new', 'processing-old', 'received-old'].sort(),
    );
  });

  it('deletes at most a batch per statement, oldest first', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    await store.db.query(
      `insert into connectd_engine.webhook_inbox (connector, dedupe_key, raw_body, status, processed_at)
       select 'storq', 'e' || g, '\\x7b7d', 'processed', $1::timestamptz - g * interval '1 day' from generate_series(8, 32) g`,
      [now],
    );
    expect(await pruneBatch(store.db, 'webhook_inbox', cutoff, 10)).toBe(10);
    // The ten oldest went first: 23 to 32 days.
    expect(await keys(store.db, `select max(substr(dedupe_key, 2)::int) as k from connectd_engine.webhook_inbox`)).toEqual(['22']);
    expect(await drain(store.db, 'webhook_inbox', cutoff, 10)).toEqual([10, 5]);
  });

  it('deletes finished jobs that finished before the cutoff, never queued or running ones', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    await store.db.query(
      `insert into connectd_engine.jobs (kind, status, finished_at, run_at, payload)
       select 'sync', s, case when s in ('queued', 'running') then null else $1::timestamptz end, $1::timestamptz, jsonb_build_object('s', s)
       from unnest(array['succeeded', 'dead', 'failed', 'cancelled', 'queued', 'running']) s`,
      [daysAgo(31)],
    );
    await store.db.query(`insert into connectd_engine.jobs (kind, status, finished_at, payload) values ('sync', 'succeeded', $1, '{"s":"recent"}')`, [daysAgo(29)]);
    expect(await drain(store.db, 'jobs', daysAgo(30))).toEqual([4]);
    expect(await keys(store.db, `select payload ->> 's' as k from connectd_engine.jobs`)).toEqual(['queued', 'recent', 'running']);
  });

  it("keeps each stream's latest finished and latest succeeded run, runs an open dead letter names, and running runs", async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    await tenantAndConnection(store.db);
    // Stream a: runs every ten days; the latest succeeded one is 50 days old.
    for (const day of [40, 60, 70, 80]) await run(store.db, 'a', day, 'failed');
    await run(store.db, 'a', 50, 'succeeded');
    await run(store.db, 'a', 90, 'succeeded');
    await run(store.db, 'a', 1, 'running');
    // Stream b: only old runs; the latest is cancelled.
    await run(store.db, 'b', 200, 'succeeded');
    await run(store.db, 'b', 210, 'failed');
    await run(store.db, 'b', 100, 'cancelled');
    const open = await store.db.query<{ id: string }>(
      `insert into connectd_engine.dead_letters (source_kind, connector, connection_id, stream, run_id, error_code, reason)
       values ('sync', 'storq', 'c1', 'a', 1070, 'E', 'open') returning id`,
    );
    await store.db.query(
      `insert into connectd_engine.dead_letters (source_kind, connector, connection_id, stream, run_id, error_code, reason, replayed_at)
       values ('sync', 'storq', 'c1', 'a', 1080, 'E', 'replayed', $1)`,
      [daysAgo(1)],
    );
    expect(await drain(store.db, 'sync_runs', daysAgo(30))).toEqual([4]);
    // a: 40 (latest finished), 50 (latest succeeded), 70 (open letter), 1 (running); b: 100 (latest), 200 (latest succeeded).
    expect(await keys(store.db, `select stream || ':' || (id - 1000) as k from connectd_engine.sync_runs`)).toEqual(
      ['a:1', 'a:40', 'a:50', 'a:70', 'b:100', 'b:200'].sort(),
    );
    const letters = await store.db.query<{ id: string; run_id: string | null; reason: string }>(
      `select id, run_id, reason from connectd_engine.dead_letters order by id`,
    );
    expect(letters.rows).toEqual([
      { id: open.rows[0]!.id, run_id: '1070', reason: 'open' },
      { id: expect.any(String), run_id: null, reason: 'replayed' },
    ]);
  });

  it('deletes OAuth states expired before the cutoff and replayed dead letters replayed before it; open letters stay', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    for (const [id, expires] of [['old', daysAgo(2)], ['yesterday-ish', daysAgo(0.5)], ['live', new Date(now.getTime() + 600_000)]] as const) {
      await store.db.query(
        `insert into connectd_engine.oauth_states (id, connector, tenant_id, connection_id, redirect_uri, expires_at) values ($1, 'x', 't', 'c', 'http://cb', $2)`,
        [id, expires],
      );
    }
    expect(await drain(store.db, 'oauth_states', daysAgo(1))).toEqual([1]);
    expect(await keys(store.db, 'select id as k from connectd_engine.oauth_states')).toEqual(['live', 'yesterday-ish']);

    await store.db.query(
      `insert into connectd_engine.dead_letters (source_kind, connector, error_code, reason, created_at, replayed_at)
       values ('job', 'x', 'E', 'open-ancient', $1, null), ('job', 'x', 'E', 'replayed-old', $1, $2), ('job', 'x', 'E', 'replayed-new', $1, $3)`,
      [daysAgo(300), daysAgo(31), daysAgo(29)],
    );
    expect(await drain(store.db, 'dead_letters', daysAgo(30))).toEqual([1]);
    expect(await keys(store.db, 'select reason as k from connectd_engine.dead_letters')).toEqual(['open-ancient', 'replayed-new']);
  });

  it('deletes events delivered before the cutoff, never pending, delivering or dead ones', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    for (const [id, status, deliveredDaysAgo] of [
      ['old', 'delivered', 8],
      ['new', 'delivered', 6],
      ['pending', 'pending', null],
      ['delivering', 'delivering', null],
      ['dead', 'dead', null],
    ] as const) {
      await store.db.query(
        `insert into connectd_engine.outbound_events (event_id, destination, type, order_key, body, status, created_at, window_from, next_attempt_at, delivered_at)
         values ($1, 'app', 'product.updated', 'k', '{}', $2, $3, $3, $3, $4)`,
        [id, status, daysAgo(300), deliveredDaysAgo === null ? null : daysAgo(deliveredDaysAgo)],
      );
    }
    expect(await drain(store.db, 'outbound_events', cutoff)).toEqual([1]);
    expect(await keys(store.db, 'select event_id as k from connectd_engine.outbound_events')).toEqual(['dead', 'delivering', 'new', 'pending']);
  });

  it('deletes changes older than the cutoff that every consumer of the feed has read, oldest first', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const change = (position: number, writtenDaysAgo: number) =>
      store.db.query(
        `insert into connectd.changes (position, entity, natural_key, tenant_id, connector, operation, created_at) values ($1, 'product', $2, 't1', 'storq', 'created', $3)`,
        [position, `p${position}`, daysAgo(writtenDaysAgo)],
      );
    for (let position = 1; position <= 5; position++) await change(position, 40 - position);
    await change(6, 1);
    // No consumer yet: everything older than the cutoff may go, a batch at a time.
    expect(await drain(store.db, 'changes', daysAgo(37), 1)).toEqual([1, 1, 0]);
    expect(await keys(store.db, 'select position as k from connectd.changes')).toEqual(['3', '4', '5', '6']);
    // A consumer that has read up to 3 keeps 4 and 5, however old.
    await store.db.query(`insert into connectd_engine.change_cursors (consumer, position) values ('flows', 3), ('outbound', 6)`);
    expect(await drain(store.db, 'changes', cutoff)).toEqual([1]);
    expect(await keys(store.db, 'select position as k from connectd.changes')).toEqual(['4', '5', '6']);
  });

  it('has the indexes the deletes read their candidates through', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const { rows } = await store.db.query<{ indexname: string }>(
      `select indexname from pg_indexes where schemaname = 'connectd_engine' and indexname = any($1::text[]) order by 1`,
      [['dead_letters_replayed_idx', 'dead_letters_run_idx', 'jobs_finished_idx', 'oauth_states_expires_idx', 'sync_runs_finished_idx', 'webhook_inbox_done_idx']],
    );
    expect(rows.map((r) => r.indexname)).toHaveLength(6);
  });
});

describe('maintenance on pglite, which runs no autovacuum', () => {
  it('gathers statistics for the tables that have none, once', async () => {
    const store = await dbs.fresh('pglite', { migrate: true });
    const analyzed = async (): Promise<string[]> =>
      (
        await store.db.query<{ name: string }>(
          `select relname as name from pg_class where relnamespace = 'connectd_engine'::regnamespace and relkind = 'r' and reltuples >= 0 order by 1`,
        )
      ).rows.map((r) => r.name);
    expect(await analyzed()).toEqual([]);
    await gatherMissingStatistics(store.db, ['webhook_inbox', 'jobs']);
    expect(await analyzed()).toEqual(['jobs', 'webhook_inbox']);
  });

  it('makes the space of deleted rows reusable', async () => {
    const store = await dbs.fresh('pglite', { migrate: true });
    const fill = (from: number): Promise<unknown> =>
      store.db.query(
        `insert into connectd_engine.webhook_inbox (connector, dedupe_key, raw_body, status, processed_at)
         select 'storq', 'e' || g, convert_to(repeat('x', 300), 'UTF8'), 'processed', $2::timestamptz from generate_series($1::int, $1::int + 19999) g`,
        [from, daysAgo(30)],
      );
    const size = async (): Promise<number> =>
      Number((await store.db.query<{ n: string }>(`select pg_relation_size('connectd_engine.webhook_inbox') as n`)).rows[0]!.n);
    await fill(1);
    const full = await size();
    expect(await drain(store.db, 'webhook_inbox', cutoff)).toEqual(Array.from({ length: 20 }, () => 1000).concat(0));
    await reclaimSpace(store.db, ['webhook_inbox']);
    await fill(100_000);
    // Without the vacuum the second fill would double the table.
    expect(await size()).toBeLessThan(full * 1.2);
  });
});

describe.each(serverStoreBackend())('the retention lock on %s', () => {
  async function twoStores(): Promise<[Store, Store]> {
    const databaseUrl = await dbs.createPostgresDatabase();
    const first = await openStore({ databaseUrl, dataDir: '.', log: silent });
    const second = await openStore({ databaseUrl, dataDir: '.', log: silent });
    await first.migrate();
    return [first, second];
  }

  it('is held by one store at a time: a second one does not run while the first holds it, and runs after', async () => {
    const [first, second] = await twoStores();
    try {
      const inner = await withRetentionLock(first.db, async (hold) => {
        await hold.confirm();
        return withRetentionLock(second.db, async () => 'ran beside the first');
      });
      expect(inner).toEqual({ acquired: true, value: { acquired: false } });
      expect(await withRetentionLock(second.db, async () => 'ran')).toEqual({ acquired: true, value: 'ran' });
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('tells the pass when its lock connection is gone, and releases the lock with it', async () => {
    const [first, second] = await twoStores();
    try {
      const err = await withRetentionLock(first.db, async (hold) => {
        const { rows } = await second.db.query<{ pid: number }>(
          `select pid from pg_locks where locktype = 'advisory' and granted and classid::bigint = $1 and objid::bigint = $2
           and database = (select oid from pg_database where datname = current_database())`,
          // A bigint key shows as its high and low 32 bits, unsigned; other test files' databases hold theirs.
          [String(BigInt.asUintN(64, RETENTION_LOCK_KEY) >> 32n), String(BigInt.asUintN(32, RETENTION_LOCK_KEY))],
        );
        expect(rows).toHaveLength(1);
        await second.db.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        await hold.confirm();
        return 'not reached';
      }).catch((e: unknown) => e);
      expect(isConnectdError(err), String(err)).toBe(true);
      expect(await withRetentionLock(second.db, async () => 'ran')).toEqual({ acquired: true, value: 'ran' });
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('skips rows another transaction holds instead of waiting for them', async () => {
    const [first, second] = await twoStores();
    try {
      await inboxRow(first.db, 'held', 'processed', 30);
      await inboxRow(first.db, 'free', 'processed', 30);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = second.db.transaction(async (tx) => {
        await tx.query(`select id from connectd_engine.webhook_inbox where dedupe_key = 'held' for update`);
        locked();
        await released;
      });
      await isLocked;
      expect(await pruneBatch(first.db, 'webhook_inbox', cutoff, 1000)).toBe(1);
      release();
      await holder;
      expect(await keys(first.db, 'select dedupe_key as k from connectd_engine.webhook_inbox')).toEqual(['held']);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
