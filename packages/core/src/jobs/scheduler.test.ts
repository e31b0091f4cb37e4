import { afterAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { createJobRepository, openStore, upsertDeclaredConnection, type Database, type TickResult } from '../store/index.js';
import { createTestDatabases, storeBackends, type StoreBackend } from '../store/testing.js';
import { Scheduler, nextRun, scheduleKey, type ScheduledStream } from './scheduler.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const log = createLogger({ level: 'silent', destination: { write: () => undefined } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stock: ScheduledStream = { connectionId: 'c1', stream: 'stock', schedule: '* * * * *' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isConnectdError(err) ? err.code : String(err);
  }
  return undefined;
}

/** Two databases handles on one database: two pools on Postgres, one embedded instance shared on PGlite. */
async function twoHandles(backend: StoreBackend): Promise<{ dbs: [Database, Database]; close: () => Promise<void> }> {
  if (backend === 'pglite') {
    const store = await dbs.fresh(backend, { migrate: true });
    await upsertDeclaredConnection(store.db, { id: 'c1', connector: 'fake', tenantId: 'acme' });
    return { dbs: [store.db, store.db], close: async () => undefined };
  }
  const url = await dbs.createPostgresDatabase();
  const stores = [await openStore({ databaseUrl: url, dataDir: '.', log }), await openStore({ databaseUrl: url, dataDir: '.', log })];
  await stores[0]!.migrate();
  await upsertDeclaredConnection(stores[0]!.db, { id: 'c1', connector: 'fake', tenantId: 'acme' });
  return { dbs: [stores[0]!.db, stores[1]!.db], close: () => Promise.all(stores.map((s) => s.close())).then(() => undefined) };
}

async function jobRows(db: Database): Promise<Array<{ id: string; unique_key: string; payload: Record<string, unknown> }>> {
  return (await db.query<{ id: string; unique_key: string; payload: Record<string, unknown> }>(`select id, unique_key, payload from connectd_engine.jobs order by id`)).rows;
}

describe.each(storeBackends())('scheduler on %s', (backend) => {
  it('enqueues each tick once when two schedulers on one database tick together: 3 ticks, 3 runs', async () => {
    const handles = await twoHandles(backend);
    try {
      const schedulers = handles.dbs.map((db) => new Scheduler({ repository: createJobRepository(db), log }));
      for (const s of schedulers) s.add(stock);
      const repo = createJobRepository(handles.dbs[0]);
      const outcomes: string[] = [];
      for (const minute of ['10:00', '10:01', '10:02']) {
        const tickAt = new Date(`2024-05-01T${minute}:00.250Z`);
        const results = await Promise.all(schedulers.map((s) => s.tick(stock, tickAt)));
        outcomes.push(results.map((r) => r.outcome).sort().join('+'));
        // The tick's run happens before the next tick, as with a one-minute schedule.
        const claimed = await repo.claim({ queue: 'default', kinds: ['sync'], workerId: 'w', leaseMs: 60_000 });
        await repo.complete(claimed!, null);
      }
      expect(outcomes).toEqual(['duplicate+enqueued', 'duplicate+enqueued', 'duplicate+enqueued']);
      const jobs = await jobRows(handles.dbs[0]);
      expect(jobs.map((j) => j.unique_key)).toEqual([
        'sync:c1:stock@2024-05-01T10:00:00.000Z',
        'sync:c1:stock@2024-05-01T10:01:00.000Z',
        'sync:c1:stock@2024-05-01T10:02:00.000Z',
      ]);
      expect(jobs[0]?.payload).toEqual({ scheduled_for: '2024-05-01T10:00:00.000Z' });
      // A daemon that reports a tick late, after its run finished, still does not enqueue it again.
      expect((await schedulers[1]!.tick(stock, new Date('2024-05-01T10:00:00Z'))).outcome).toBe('duplicate');
    } finally {
      await handles.close();
    }
  });

  it('joins a tick to the stream’s job that is still waiting instead of queueing another', async () => {
    const handles = await twoHandles(backend);
    try {
      const ticks: TickResult[] = [];
      const scheduler = new Scheduler({ repository: createJobRepository(handles.dbs[0]), log, onTick: (r) => ticks.push(r) });
      scheduler.add({ ...stock, payload: { full: false } });
      await scheduler.tick(stock, new Date('2024-05-01T10:00:00Z'));
      await scheduler.tick(stock, new Date('2024-05-01T10:01:00Z'));
      expect(ticks.map((t) => t.outcome)).toEqual(['enqueued', 'coalesced']);
      expect(ticks[1]?.job?.id).toBe(ticks[0]?.job?.id);
      expect(await jobRows(handles.dbs[0])).toHaveLength(1);
    } finally {
      await handles.close();
    }
  });

  it('ticks on the cron clock and enqueues once per slot with two schedulers running', async () => {
    const handles = await twoHandles(backend);
    const schedulers = handles.dbs.map((db) => new Scheduler({ repository: createJobRepository(db), log }));
    try {
      const everySecond = { ...stock, schedule: '*/1 * * * * *' };
      for (const s of schedulers) {
        s.add(everySecond);
        s.start();
      }
      const repo = createJobRepository(handles.dbs[0]);
      const deadline = Date.now() + 3_200;
      while (Date.now() < deadline) {
        // Play the worker: run whatever was enqueued, so each slot gets its own job.
        const claimed = await repo.claim({ queue: 'default', kinds: ['sync'], workerId: 'w', leaseMs: 60_000 });
        if (claimed !== undefined) await repo.complete(claimed, null);
        await sleep(50);
      }
      await Promise.all(schedulers.map((s) => s.stop()));
      const jobs = await jobRows(handles.dbs[0]);
      const { rows: ticks } = await handles.dbs[0].query<{ n: number }>(`select count(*)::int as n from connectd_engine.schedule_ticks`);
      expect(jobs.length).toBeGreaterThanOrEqual(2);
      expect(jobs.length).toBeLessThanOrEqual(4);
      expect(ticks[0]?.n).toBe(jobs.length);
      expect(new Set(jobs.map((j) => j.unique_key)).size).toBe(jobs.length);
      // Stopped: no more ticks.
      await sleep(1_200);
      expect(await jobRows(handles.dbs[0])).toHaveLength(jobs.length);
    } finally {
      await Promise.all(schedulers.map((s) => s.stop()));
      await handles.close();
    }
  });
});

describe('schedules', () => {
  it('tells when a schedule fires next, in UTC', () => {
    const next = nextRun('*/5 * * * *');
    expect(next).toBeInstanceOf(Date);
    expect(next!.getTime()).toBeGreaterThan(Date.now());
    expect(next!.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    expect(next!.getUTCMinutes() % 5).toBe(0);
    expect(next!.getUTCSeconds()).toBe(0);
    const daily = nextRun('30 2 * * *');
    expect([daily!.getUTCHours(), daily!.getUTCMinutes()]).toEqual([2, 30]);
  });

  it('reports the next run of a stream it schedules, and nothing for one it does not', () => {
    const scheduler = new Scheduler({ repository: { enqueueForTick: () => Promise.reject(new Error('unused')) }, log });
    scheduler.add({ ...stock, schedule: '0 * * * *' });
    expect(scheduler.nextRun('c1', 'stock')?.getUTCMinutes()).toBe(0);
    expect(scheduler.nextRun('c1', 'other')).toBeUndefined();
    expect(scheduler.entries()).toHaveLength(1);
    expect(scheduleKey(stock)).toBe('sync:c1:stock');
  });

  it('refuses a schedule that is not cron', () => {
    const scheduler = new Scheduler({ repository: { enqueueForTick: () => Promise.reject(new Error('unused')) }, log });
    expect(codeOf(() => scheduler.add({ ...stock, schedule: '61 * * * *' }))).toBe('CONNECTD_ERR_JOBS_SCHEDULE_INVALID');
    expect(codeOf(() => scheduler.add({ ...stock, schedule: 'every day' }))).toBe('CONNECTD_ERR_JOBS_SCHEDULE_INVALID');
    expect(codeOf(() => nextRun('* * *'))).toBe('CONNECTD_ERR_JOBS_SCHEDULE_INVALID');
  });
});
