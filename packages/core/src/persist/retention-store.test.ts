import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import {
  RETENTION_TABLES,
  retentionPolicy,
  runRetentionPass,
  type RetentionStore,
  type RetentionTable,
} from '../retention/index.js';
import { openStore, type Queryable, type Store } from '../store/index.js';
import { createTestDatabases, serverStoreBackend, storeBackends } from '../store/testing.js';
import { createRetentionStore } from './retention-store.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const DAY_S = 86_400;
const now = new Date('2025-07-01T00:00:00.000Z');
const at = (secondsAgo: number): number => now.getTime() - secondsAgo * 1000;
const policy = retentionPolicy();
const cut = (table: RetentionTable): number => now.getTime() - policy.keepMs[table];
const TABLES = RETENTION_TABLES.length;

// A year of rows, generated in SQL (generate_series) and predicted here from the same formulas.
const INBOX = { rows: 50_000, stepS: 630, statuses: ['received', 'failed', 'dead', 'ignored', 'processed', 'processed', 'processed', 'processed', 'processed', 'processing'] };
const JOBS = { rows: 20_000, stepS: 1577, statuses: ['succeeded', 'succeeded', 'succeeded', 'dead', 'cancelled', 'failed', 'queued', 'running'] };
const LETTERS = { rows: 5000, stepS: 6307 };
const STATES = { from: -4, to: 1000, stepS: 31_536 };
const OUTBOUND = { rows: 10_000, stepS: 3154, statuses: ['delivered', 'delivered', 'delivered', 'pending', 'dead'] };
// The feed's position grows with time (g = 1 is the newest); `flows` has read up to 40 days ago.
const CHANGES = { rows: 20_000, stepS: 1577 };
const positionOf = (g: number): number => CHANGES.rows + 1 - g;
const FLOWS_CURSOR = positionOf(Math.floor((40 * DAY_S) / CHANGES.stepS));
const statusOf = (statuses: readonly string[], g: number): string => statuses[g % statuses.length]!;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function seedVolume(db: Queryable): Promise<void> {
  await db.query(
    `insert into connectd_engine.webhook_inbox (connector, dedupe_key, event_type, raw_body, received_at, status, processed_at)
     select 'storq', 'e' || g, 'stock.updated', convert_to('{"id":"e' || g || '"}', 'UTF8'), $1::timestamptz - g * $2::int * interval '1 second', s,
       case when s in ('processed', 'ignored') then $1::timestamptz - g * $2::int * interval '1 second' + interval '1 minute' end
     from generate_series(1, $3::int) g, lateral (select ($4::text[])[g % 10 + 1] as s) st`,
    [now, INBOX.stepS, INBOX.rows, INBOX.statuses],
  );
  await db.query(
    `insert into connectd_engine.jobs (kind, payload, status, attempts, run_at, finished_at)
     select 'sync', jsonb_build_object('g', g), s, 1, $1::timestamptz - g * $2::int * interval '1 second',
       case when s not in ('queued', 'running') then $1::timestamptz - g * $2::int * interval '1 second' end
     from generate_series(1, $3::int) g, lateral (select ($4::text[])[g % 8 + 1] as s) st`,
    [now, JOBS.stepS, JOBS.rows, JOBS.statuses],
  );
  // Half the letters were replayed a day after they were written; the other half are open.
  await db.query(
    `insert into connectd_engine.dead_letters (source_kind, connector, connection_id, payload, error_code, reason, created_at, replayed_at)
     select 'webhook', 'storq', 'c1', jsonb_build_object('g', g), 'CONNECTD_ERR_X', 'seeded', $1::timestamptz - g * $2::int * interval '1 second',
       case when g % 2 = 0 then $1::timestamptz - g * $2::int * interval '1 second' + interval '1 day' end
     from generate_series(1, $3::int) g`,
    [now, LETTERS.stepS, LETTERS.rows],
  );
  // Consent flows valid ten minutes; g <= 0 expire in the future.
  await db.query(
    `insert into connectd_engine.oauth_states (id, connector, tenant_id, connection_id, redirect_uri, expires_at)
     select 's' || g, 'storq', 't1', 'c1', 'http://localhost/cb', $1::timestamptz - g * $2::int * interval '1 second' + interval '10 minutes'
     from generate_series($3::int, $4::int) g`,
    [now, STATES.stepS, STATES.from, STATES.to],
  );
  await db.query(
    `insert into connectd_engine.outbound_events (event_id, destination, type, order_key, body, status, created_at, window_from, next_attempt_at, delivered_at)
     select 'o' || g, 'app', 'product.updated', 'k' || (g % 50), '{}', s, $1::timestamptz - g * $2::int * interval '1 second',
       $1::timestamptz - g * $2::int * interval '1 second', $1::timestamptz - g * $2::int * interval '1 second',
       case when s = 'delivered' then $1::timestamptz - g * $2::int * interval '1 second' + interval '1 minute' end
     from generate_series(1, $3::int) g, lateral (select ($4::text[])[g % 5 + 1] as s) st`,
    [now, OUTBOUND.stepS, OUTBOUND.rows, OUTBOUND.statuses],
  );
  await db.query(
    `insert into connectd.changes (position, entity, natural_key, tenant_id, connector, operation, created_at)
     select $3::int + 1 - g, 'product', 'p' || g, 't1', 'storq', 'updated', $1::timestamptz - g * $2::int * interval '1 second'
     from generate_series(1, $3::int) g`,
    [now, CHANGES.stepS, CHANGES.rows],
  );
  await db.query(`insert into connectd_engine.change_cursors (consumer, position) values ('outbound', $1), ('flows', $2)`, [CHANGES.rows, FLOWS_CURSOR]);
  await db.query(`insert into connectd_engine.schedule_ticks (schedule_key, tick_at) select 'sync:c1:s1', $1::timestamptz - g * interval '1 day' from generate_series(1, 400) g`, [now]);
}

interface Run {
  readonly id: number;
  readonly connection: string;
  readonly stream: string;
  readonly day: number;
  readonly result: string;
}

/** A daily run per (connection, stream) for a year, with the shapes retention must keep. */
function runs(): Run[] {
  const all: Run[] = [];
  const add = (connection: string, stream: string, days: number[], result: (day: number) => string): void => {
    for (const day of days) all.push({ id: all.length + 1, connection, stream, day, result: result(day) });
  };
  const usual = (day: number): string => (day % 7 === 0 ? 'failed' : day % 11 === 0 ? 'cancelled' : 'succeeded');
  add('c1', 's1', range(1, 365), usual);
  add('c1', 's1', [0], () => 'running');
  // Every run of the last hundred days failed: the one succeeded run 100 days ago stays.
  add('c1', 's2', range(1, 365), (day) => (day < 100 ? 'failed' : day === 100 ? 'succeeded' : usual(day)));
  // Not synced for 200 days: its latest run (failed) and its latest succeeded run stay.
  add('c2', 's3', range(200, 365), (day) => (day === 200 ? 'failed' : usual(day)));
  add('c2', 's1', range(1, 365), usual);
  return all;
}
const runStarted = (run: Run): number => at(run.day * DAY_S);
const runFinished = (run: Run): number | null => (run.result === 'running' ? null : runStarted(run) + 300_000);
const runFor = (all: Run[], connection: string, stream: string, day: number): Run => all.find((r) => r.connection === connection && r.stream === stream && r.day === day)!;

async function seedRuns(db: Queryable, all: Run[]): Promise<{ openLetterRun: Run; replayedLetterRun: Run }> {
  await db.query(`insert into connectd_engine.tenants (id) values ('t1')`);
  await db.query(`insert into connectd_engine.connections (id, connector, tenant_id) values ('c1', 'storq', 't1'), ('c2', 'storq', 't1')`);
  await db.query(
    `insert into connectd_engine.sync_runs (id, connection_id, stream, started_at, finished_at, result)
     overriding system value
     select r.id, r.c, r.s, to_timestamp(r.started / 1000.0), to_timestamp(r.finished / 1000.0), r.result
     from jsonb_to_recordset($1::jsonb) as r(id bigint, c text, s text, started bigint, finished bigint, result text)`,
    [JSON.stringify(all.map((r) => ({ id: r.id, c: r.connection, s: r.stream, started: runStarted(r), finished: runFinished(r), result: r.result })))],
  );
  // An open letter names an old run (kept with it); a replayed one names another (its run goes, the letter stays, unlinked).
  const openLetterRun = runFor(all, 'c1', 's1', 150);
  const replayedLetterRun = runFor(all, 'c1', 's1', 160);
  await db.query(
    `insert into connectd_engine.dead_letters (source_kind, connector, connection_id, stream, run_id, payload, error_code, reason, created_at, replayed_at)
     values ('sync', 'storq', 'c1', 's1', $1, '{"run":"open"}', 'CONNECTD_ERR_X', 'open', $3, null),
            ('sync', 'storq', 'c1', 's1', $2, '{"run":"replayed"}', 'CONNECTD_ERR_X', 'replayed', $3, $4)`,
    [openLetterRun.id, replayedLetterRun.id, new Date(at(150 * DAY_S)), new Date(at(DAY_S))],
  );
  return { openLetterRun, replayedLetterRun };
}

/** What the policy keeps, predicted from the seed's formulas (not from the store). */
function expected(all: Run[], openLetterRun: Run) {
  const inbox = range(1, INBOX.rows).filter((g) => {
    const status = statusOf(INBOX.statuses, g);
    return !['processed', 'ignored'].includes(status) || at(g * INBOX.stepS) + 60_000 >= cut('webhook_inbox');
  });
  const jobs = range(1, JOBS.rows).filter((g) => ['queued', 'running'].includes(statusOf(JOBS.statuses, g)) || at(g * JOBS.stepS) >= cut('jobs'));
  const letters = range(1, LETTERS.rows).filter((g) => g % 2 === 1 || at(g * LETTERS.stepS) + DAY_S * 1000 >= cut('dead_letters'));
  const states = range(STATES.from, STATES.to).filter((g) => at(g * STATES.stepS) + 600_000 >= cut('oauth_states'));
  const outbound = range(1, OUTBOUND.rows).filter((g) => statusOf(OUTBOUND.statuses, g) !== 'delivered' || at(g * OUTBOUND.stepS) + 60_000 >= cut('outbound_events'));
  const changes = range(1, CHANGES.rows).filter((g) => at(g * CHANGES.stepS) >= cut('changes') || positionOf(g) > FLOWS_CURSOR);
  const later = (a: Run, b: Run): boolean => runStarted(a) > runStarted(b) || (runStarted(a) === runStarted(b) && a.id > b.id);
  const kept = all.filter((run) => {
    const finished = runFinished(run);
    if (finished === null || finished >= cut('sync_runs') || run.id === openLetterRun.id) return true;
    const same = all.filter((o) => o.connection === run.connection && o.stream === run.stream && later(o, run));
    const newerFinished = same.some((o) => o.result !== 'running');
    const newerSucceeded = same.some((o) => o.result === 'succeeded');
    return !newerFinished || (run.result === 'succeeded' && !newerSucceeded);
  });
  const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
  return {
    inbox: { n: inbox.length, sum: sum(inbox) },
    jobs: { n: jobs.length, sum: sum(jobs) },
    letters: { n: letters.length, sum: sum(letters) },
    states: states.map((g) => `s${g}`).sort(),
    runs: kept.map((r) => r.id).sort((a, b) => a - b),
    outbound: { n: outbound.length, sum: sum(outbound) },
    changes: { n: changes.length, sum: sum(changes.map(positionOf)) },
  };
}

async function remaining(db: Queryable) {
  const one = async (sql: string): Promise<{ n: number; sum: number }> => {
    const { rows } = await db.query<{ n: number; sum: string | null }>(sql);
    return { n: rows[0]!.n, sum: Number(rows[0]!.sum ?? 0) };
  };
  return {
    inbox: await one(`select count(*)::int as n, sum(substr(dedupe_key, 2)::int) as sum from connectd_engine.webhook_inbox`),
    jobs: await one(`select count(*)::int as n, sum((payload ->> 'g')::int) as sum from connectd_engine.jobs`),
    letters: await one(`select count(*)::int as n, sum((payload ->> 'g')::int) as sum from connectd_engine.dead_letters where payload ? 'g'`),
    states: (await db.query<{ id: string }>(`select id from connectd_engine.oauth_states`)).rows.map((r) => r.id).sort(),
    runs: (await db.query<{ id: string }>(`select id from connectd_engine.sync_runs`)).rows.map((r) => Number(r.id)).sort((a, b) => a - b),
    outbound: await one(`select count(*)::int as n, sum(substr(event_id, 2)::int) as sum from connectd_engine.outbound_events`),
    changes: await one(`select count(*)::int as n, sum(position) as sum from connectd.changes`),
  };
}

const openLetters = (db: Queryable) =>
  db.query(`select id, source_kind, connector, connection_id, stream, run_id, payload, error_code, reason, created_at from connectd_engine.dead_letters where replayed_at is null order by id`);

describe.each(storeBackends())('retention over a year of rows on %s', (backend) => {
  it('leaves exactly what the policy keeps, never touches live dead letters, and a second pass finds nothing', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const all = runs();
    const { openLetterRun, replayedLetterRun } = await seedRuns(store.db, all);
    await seedVolume(store.db);
    const liveBefore = (await openLetters(store.db)).rows;
    const before = await remaining(store.db);

    const report = await runRetentionPass({ store: createRetentionStore(store.db), policy, now, batchPauseMs: 0 });

    const want = expected(all, openLetterRun);
    const after = await remaining(store.db);
    expect(after).toEqual(want);
    expect(report.outcome).toBe('completed');
    expect(report.deleted).toEqual({
      webhook_inbox: before.inbox.n - want.inbox.n,
      jobs: before.jobs.n - want.jobs.n,
      // The replayed sync letter was replayed a day ago: it stays.
      dead_letters: before.letters.n - want.letters.n,
      sync_runs: all.length - want.runs.length,
      oauth_states: before.states.length - want.states.length,
      // No connect sessions are seeded here; their pruning is covered in retention/pass.test.ts.
      connect_sessions: 0,
      outbound_events: before.outbound.n - want.outbound.n,
      // Changes older than a month go only as far as `flows` has read (40 days back).
      changes: before.changes.n - want.changes.n,
    });
    // Exactly the changes `flows` has not read: older than a month, yet kept.
    expect(want.changes.n).toBe(CHANGES.rows - FLOWS_CURSOR);
    expect(report.deleted.changes).toBeGreaterThan(15_000);
    expect(report.deleted.outbound_events).toBeGreaterThan(5_000);
    // Six events in ten were processed or ignored, nearly all more than a week ago: in batches of 1000.
    expect(report.deleted.webhook_inbox).toBeGreaterThan(29_000);
    expect(report.batches).toBeGreaterThan(30);
    expect((await openLetters(store.db)).rows).toEqual(liveBefore);
    expect(want.runs).toContain(openLetterRun.id);
    // The shapes the prediction must cover: a stream whose last success is 100 days old, one not
    // synced for 200 days (latest run failed, the one before succeeded), a running run.
    for (const [connection, stream, day] of [['c1', 's2', 100], ['c2', 's3', 200], ['c2', 's3', 201], ['c1', 's1', 0]] as const) {
      expect(after.runs).toContain(runFor(all, connection, stream, day).id);
    }
    expect(after.runs.filter((id) => all[id - 1]!.connection === 'c2' && all[id - 1]!.stream === 's3')).toHaveLength(2);
    const replayed = await store.db.query<{ run_id: string | null }>(`select run_id from connectd_engine.dead_letters where reason = 'replayed'`);
    expect(replayed.rows).toEqual([{ run_id: null }]);
    expect(want.runs).not.toContain(replayedLetterRun.id);
    const ticks = await store.db.query<{ n: number }>(`select count(*)::int as n from connectd_engine.schedule_ticks`);
    expect(ticks.rows[0]!.n).toBe(400);

    const again = await runRetentionPass({ store: createRetentionStore(store.db), policy, now, batchPauseMs: 0 });
    // An empty pass still asks each table once.
    expect(again).toMatchObject({ outcome: 'completed', batches: TABLES, deleted: { webhook_inbox: 0, jobs: 0, dead_letters: 0, sync_runs: 0, oauth_states: 0, connect_sessions: 0 } });
    expect(await remaining(store.db)).toEqual(want);
  }, 180_000);
});

describe.each(serverStoreBackend())('two retention passes at once on %s', () => {
  const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

  /** The store with a latch in front of its pass: the pass holds the lock until released. */
  function latched(store: RetentionStore) {
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const wrapped: RetentionStore = {
      exclusively: (pass) =>
        store.exclusively(async (session) => {
          entered();
          await gate;
          return pass(session);
        }),
    };
    return { store: wrapped, inside, release };
  }

  it('run one at a time across two stores (two pools, as two daemons): the second skips, deleting nothing', async () => {
    const databaseUrl = await dbs.createPostgresDatabase();
    const stores: Store[] = [await openStore({ databaseUrl, dataDir: '.', log: silent }), await openStore({ databaseUrl, dataDir: '.', log: silent })];
    try {
      await stores[0]!.migrate();
      await seedRuns(stores[0]!.db, runs());
      await seedVolume(stores[0]!.db);
      const first = latched(createRetentionStore(stores[0]!.db));
      const firstPass = runRetentionPass({ store: first.store, policy, now, batchPauseMs: 0 });
      await first.inside;
      const second = await runRetentionPass({ store: createRetentionStore(stores[1]!.db), policy, now, batchPauseMs: 0 });
      expect(second).toMatchObject({ outcome: 'skipped', batches: 0, deleted: { webhook_inbox: 0, jobs: 0, dead_letters: 0, sync_runs: 0, oauth_states: 0, connect_sessions: 0 } });
      first.release();
      const done = await firstPass;
      expect(done.outcome).toBe('completed');
      expect(done.deleted.webhook_inbox).toBeGreaterThan(29_000);
      // Once the first pass let go, the other daemon's next pass runs (and finds nothing left).
      expect(await runRetentionPass({ store: createRetentionStore(stores[1]!.db), policy, now, batchPauseMs: 0 })).toMatchObject({
        outcome: 'completed',
        batches: TABLES,
      });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 180_000);
});
