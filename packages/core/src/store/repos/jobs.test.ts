import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/index.js';
import { openStore, type Store } from '../open-store.js';
import { createTestDatabases, serverStoreBackend, storeBackends } from '../testing.js';
import { upsertDeclaredConnection } from './connections.js';
import { listDeadLetters } from './dead-letters.js';
import { createJobRepository, type SqlJobRepository } from './jobs.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const claimOf = (jobs: SqlJobRepository, workerId = 'w1', leaseMs = 60_000) =>
  jobs.claim({ queue: 'default', kinds: ['sync', 'other'], workerId, leaseMs });

async function setup(backend: Parameters<typeof dbs.fresh>[0]): Promise<{ store: Store; jobs: SqlJobRepository }> {
  const store = await dbs.fresh(backend, { migrate: true });
  await upsertDeclaredConnection(store.db, { id: 'c1', connector: 'fake', tenantId: 'acme' });
  await upsertDeclaredConnection(store.db, { id: 'c2', connector: 'fake', tenantId: 'acme' });
  return { store, jobs: createJobRepository(store.db) };
}

describe.each(storeBackends())('job repository on %s', (backend) => {
  it('enqueues, claims with a lease, and completes a job with its result', async () => {
    const { jobs } = await setup(backend);
    const { job, created } = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock', payload: { full: true } });
    expect(created).toBe(true);
    expect(job).toMatchObject({ status: 'queued', attempts: 0, maxAttempts: 5, payload: { full: true }, queue: 'default' });
    const claimed = await claimOf(jobs);
    expect(claimed).toMatchObject({ id: job.id, status: 'running', attempts: 1 });
    expect(claimed?.lockedBy).toMatch(/^w1\//);
    expect(claimed!.leaseUntil!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await claimOf(jobs)).toBeUndefined();
    expect(await jobs.complete(claimed!, { records: 3 })).toBe(true);
    expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', result: { records: 3 }, leaseUntil: null });
    expect(await jobs.complete(claimed!, {})).toBe(false);
  });

  it('returns the live job for a unique key instead of a second one, and accepts the key again once it finished', async () => {
    const { jobs } = await setup(backend);
    const first = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock', uniqueKey: 'k' });
    const again = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock', uniqueKey: 'k' });
    expect(again).toEqual({ job: first.job, created: false });
    const claimed = await claimOf(jobs);
    expect((await jobs.enqueue({ kind: 'sync', uniqueKey: 'k' })).created).toBe(false);
    await jobs.complete(claimed!, null);
    const later = await jobs.enqueue({ kind: 'sync', uniqueKey: 'k' });
    expect(later.created).toBe(true);
    expect(later.job.id).not.toBe(first.job.id);
  });

  it('claims by priority, then due time, and leaves jobs that are not due or of other kinds', async () => {
    const { jobs } = await setup(backend);
    await jobs.enqueue({ kind: 'sync', payload: { n: 'later' }, runAt: new Date(Date.now() + 60_000) });
    await jobs.enqueue({ kind: 'unknown', payload: { n: 'unknown' } });
    await jobs.enqueue({ kind: 'sync', payload: { n: 'low' } });
    await jobs.enqueue({ kind: 'other', payload: { n: 'high' }, priority: 5 });
    const order = [(await claimOf(jobs))?.payload['n'], (await claimOf(jobs))?.payload['n'], await claimOf(jobs)];
    expect(order).toEqual(['high', 'low', undefined]);
  });

  it('takes turns between connections: a backlog of one does not delay the job of another, and two backlogs alternate', async () => {
    const { store, jobs } = await setup(backend);
    await upsertDeclaredConnection(store.db, { id: 'c3', connector: 'fake', tenantId: 'other' });
    for (let i = 0; i < 30; i++) await jobs.enqueue({ kind: 'other', connectionId: 'c1', payload: { n: `c1-${i}` } });
    for (let i = 0; i < 3; i++) await jobs.enqueue({ kind: 'other', connectionId: 'c2', payload: { n: `c2-${i}` } });
    await jobs.enqueue({ kind: 'other', connectionId: 'c3', payload: { n: 'c3-0' } });
    const order: unknown[] = [];
    for (let job = await claimOf(jobs); job !== undefined; job = await claimOf(jobs)) {
      order.push(job.payload['n']);
      await jobs.complete(job, null);
    }
    expect(order).toHaveLength(34);
    // Enqueued last, c2's and c3's jobs still go among the first; within a connection, first come first served.
    expect(order.slice(0, 7)).toEqual(['c1-0', 'c2-0', 'c3-0', 'c1-1', 'c2-1', 'c1-2', 'c2-2']);
    expect(order.slice(7)).toEqual(Array.from({ length: 27 }, (_, i) => `c1-${i + 3}`));
  });

  it('lines a job queued again (a retry, a deferral) up behind the jobs its connection has waiting, once it is due', async () => {
    const { jobs } = await setup(backend);
    const first = await jobs.enqueue({ kind: 'other', connectionId: 'c1', payload: { n: 'retried' } });
    const claimed = await claimOf(jobs);
    expect(claimed?.id).toBe(first.job.id);
    for (let i = 0; i < 2; i++) await jobs.enqueue({ kind: 'other', connectionId: 'c1', payload: { n: `c1-${i}` } });
    await jobs.enqueue({ kind: 'other', connectionId: 'c2', payload: { n: 'c2-0' } });
    expect(await jobs.fail(claimed!, { errorCode: 'CONNECTD_ERR_SYNC_VENDOR_STATUS', message: 'vendor down', retryDelayMs: 100 })).toBe('retrying');
    await sleep(150);
    const order: unknown[] = [];
    for (let job = await claimOf(jobs); job !== undefined; job = await claimOf(jobs)) {
      order.push(job.payload['n']);
      await jobs.complete(job, null);
    }
    expect(order).toEqual(['c1-0', 'c2-0', 'c1-1', 'retried']);
  });

  it('lines up a burst larger than one claim gives turns to over the next claims, in the order it became due', async () => {
    const { store, jobs } = await setup(backend);
    await store.db.query(
      `insert into connectd_engine.jobs (kind, connection_id, payload, run_at)
       select 'other', 'c1', jsonb_build_object('n', 'c1-' || i), now() - interval '1 hour' + i * interval '1 millisecond'
       from generate_series(0, 1199) as i`,
    );
    await jobs.enqueue({ kind: 'other', connectionId: 'c2', payload: { n: 'c2-0' } });
    const order: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const job = await claimOf(jobs);
      order.push(job?.payload['n']);
      await jobs.complete(job!, null);
    }
    // 500 jobs get a turn per claim: c2's job is due last, so it lines up at the third claim and goes at once.
    expect(order).toEqual(['c1-0', 'c1-1', 'c1-2', 'c2-0', 'c1-3', 'c1-4']);
  });

  it('never runs two jobs of one (connection, stream) at once, but runs other streams alongside', async () => {
    const { jobs } = await setup(backend);
    const a = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    const b = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    const c = await jobs.enqueue({ kind: 'sync', connectionId: 'c2', stream: 'stock' });
    const first = await claimOf(jobs, 'w1');
    const second = await claimOf(jobs, 'w2');
    expect([first?.id, second?.id]).toEqual([a.job.id, c.job.id]);
    expect(await claimOf(jobs, 'w3')).toBeUndefined();
    expect(await jobs.claim({ queue: 'default', kinds: ['sync'], workerId: 'w3', leaseMs: 1000, jobId: b.job.id })).toBeUndefined();
    await jobs.complete(first!, null);
    expect((await claimOf(jobs, 'w3'))?.id).toBe(b.job.id);
  });

  it('finds the running job of a (connection, stream), the one its queued jobs wait for', async () => {
    const { jobs } = await setup(backend);
    const running = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    await jobs.enqueue({ kind: 'sync', connectionId: 'c2', stream: 'stock' });
    expect(await jobs.runningJobOf('c1', 'stock')).toBeUndefined();
    const claimed = await claimOf(jobs, 'w1');
    expect(claimed?.id).toBe(running.job.id);
    expect(await jobs.runningJobOf('c1', 'stock')).toEqual(claimed);
    expect(await jobs.runningJobOf('c1', 'orders')).toBeUndefined();
    expect(await jobs.runningJobOf('c2', 'stock')).toBeUndefined();
    await jobs.complete(claimed!, null);
    expect(await jobs.runningJobOf('c1', 'stock')).toBeUndefined();
  });

  it('retakes a job whose lease expired, counting the attempt, and the old claim can no longer finish it', async () => {
    const { jobs } = await setup(backend);
    const { job } = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    const dead = await claimOf(jobs, 'dying', 1);
    await sleep(30);
    const retaken = await claimOf(jobs, 'w2');
    expect(retaken).toMatchObject({ id: job.id, attempts: 2 });
    expect(retaken?.lockedBy).toMatch(/^w2\//);
    expect(await jobs.extendLease(dead!, 60_000)).toBeUndefined();
    expect(await jobs.complete(dead!, null)).toBe(false);
    expect(await jobs.fail(dead!, { errorCode: 'CONNECTD_ERR_SYNC_VENDOR_STATUS', message: 'late', retryDelayMs: 0 })).toBe('lost');
    expect(await jobs.extendLease(retaken!, 60_000)).toBeInstanceOf(Date);
    expect(await jobs.complete(retaken!, null)).toBe(true);
  });

  it('retries a failed job after its delay, then makes it dead with a dead letter after the last attempt', async () => {
    const { store, jobs } = await setup(backend);
    const { job } = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock', maxAttempts: 2, payload: { p: 1 } });
    const first = await claimOf(jobs);
    expect(await jobs.fail(first!, { errorCode: 'CONNECTD_ERR_SYNC_VENDOR_STATUS', message: 'vendor down', retryDelayMs: 150 })).toBe('retrying');
    const queued = await jobs.get(job.id);
    expect(queued).toMatchObject({ status: 'queued', attempts: 1, lockedBy: null, lastError: 'CONNECTD_ERR_SYNC_VENDOR_STATUS: vendor down' });
    expect(queued!.runAt.getTime() - queued!.updatedAt.getTime()).toBeGreaterThanOrEqual(149);
    expect(await claimOf(jobs)).toBeUndefined();
    await sleep(200);
    const second = await claimOf(jobs);
    expect(second).toMatchObject({ id: job.id, attempts: 2 });
    expect(await jobs.fail(second!, { errorCode: 'CONNECTD_ERR_SYNC_VENDOR_STATUS', message: 'still down', retryDelayMs: 0 })).toBe('dead');
    expect(await jobs.get(job.id)).toMatchObject({ status: 'dead' });
    const letters = await listDeadLetters(store.db, { sourceKind: 'job' });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ connector: 'fake', connectionId: 'c1', stream: 'stock', errorCode: 'CONNECTD_ERR_SYNC_VENDOR_STATUS' });
    expect(letters[0]?.payload).toEqual({ job_id: job.id, kind: 'sync', queue: 'default', attempts: 2, payload: { p: 1 } });
    expect(letters[0]?.reason).toContain('still down');
  });

  it('makes a job dead at once on a final failure, and gives a released job back without counting the attempt', async () => {
    const { jobs } = await setup(backend);
    const a = await jobs.enqueue({ kind: 'sync' });
    const claimedA = await claimOf(jobs);
    expect(await jobs.fail(claimedA!, { errorCode: 'CONNECTD_ERR_SYNC_VENDOR_STATUS', message: 'bad input', retryDelayMs: 0, final: true })).toBe('dead');
    expect((await jobs.get(a.job.id))?.attempts).toBe(1);
    const b = await jobs.enqueue({ kind: 'sync' });
    const claimedB = await claimOf(jobs);
    expect(await jobs.release(claimedB!)).toBe(true);
    expect(await jobs.get(b.job.id)).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null });
  });

  it('gives a job back due after a delay: not claimable until then, the attempt not counted', async () => {
    const { jobs } = await setup(backend);
    const { job } = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    const claimed = await claimOf(jobs);
    expect(await jobs.release(claimed!, 60_000)).toBe(true);
    const queued = await jobs.get(job.id);
    expect(queued).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null, leaseUntil: null });
    expect(queued!.runAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await claimOf(jobs)).toBeUndefined();
    expect(await jobs.release(claimed!, 60_000)).toBe(false);
  });

  it('dead-letters a job whose worker died on its last attempt instead of running it again', async () => {
    const { store, jobs } = await setup(backend);
    const { job } = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock', maxAttempts: 1 });
    const next = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    await claimOf(jobs, 'dying', 1);
    await sleep(30);
    expect((await claimOf(jobs, 'w2'))?.id).toBe(next.job.id);
    expect(await jobs.get(job.id)).toMatchObject({ status: 'dead' });
    const [letter] = await listDeadLetters(store.db, { sourceKind: 'job' });
    expect(letter?.errorCode).toBe('CONNECTD_ERR_JOBS_LEASE_EXPIRED');
  });

  it('enqueues a cron tick once however often it is reported, and joins a job still waiting', async () => {
    const { store, jobs } = await setup(backend);
    const tickAt = new Date('2024-05-01T10:00:00Z');
    const tick = { scheduleKey: 'sync:c1:stock', tickAt, retentionMs: 60 * 60_000 };
    const job = { kind: 'sync', connectionId: 'c1', stream: 'stock', uniqueKey: 'sync:c1:stock@2024-05-01T10:00:00.000Z' };
    const first = await jobs.enqueueForTick(tick, job);
    expect(first.outcome).toBe('enqueued');
    expect((await jobs.enqueueForTick(tick, job)).outcome).toBe('duplicate');
    const joined = await jobs.enqueueForTick({ ...tick, tickAt: new Date('2024-05-01T10:01:00Z') }, { ...job, uniqueKey: 'x' });
    expect(joined).toMatchObject({ outcome: 'coalesced', job: { id: first.job?.id } });
    await jobs.complete((await claimOf(jobs))!, null);
    expect((await jobs.enqueueForTick(tick, job)).outcome).toBe('duplicate');
    // Much later: an old tick row is pruned by a new tick of the same schedule.
    const late = await jobs.enqueueForTick({ ...tick, tickAt: new Date('2024-05-01T12:00:00Z') }, { ...job, uniqueKey: 'y' });
    expect(late.outcome).toBe('enqueued');
    const { rows } = await store.db.query<{ tick_at: Date }>(`select tick_at from connectd_engine.schedule_ticks order by tick_at`);
    expect(rows.map((r) => r.tick_at.toISOString())).toEqual(['2024-05-01T12:00:00.000Z']);
  });
});

describe.each(serverStoreBackend())('job repository with two pools on one %s', () => {
  it('lets racing workers on separate pools drain a backlog fairly: every job claimed once, the late connections early', async () => {
    const url = await dbs.createPostgresDatabase();
    const stores = [
      await openStore({ databaseUrl: url, dataDir: '.', log: silent }),
      await openStore({ databaseUrl: url, dataDir: '.', log: silent }),
    ];
    try {
      await stores[0]!.migrate();
      const late = ['l1', 'l2', 'l3', 'l4', 'l5'];
      for (const id of ['big', ...late]) await upsertDeclaredConnection(stores[0]!.db, { id, connector: 'fake', tenantId: id });
      const repos = stores.map((s) => createJobRepository(s.db));
      for (let i = 0; i < 300; i++) await repos[0]!.enqueue({ kind: 'other', connectionId: 'big' });
      for (const id of late) await repos[1]!.enqueue({ kind: 'other', connectionId: id });
      const claimed: Array<string | null> = [];
      // 6 claimers at once, 3 per pool, each claiming and completing until nothing is left.
      await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const repo = repos[i % 2]!;
          for (;;) {
            const job = await repo.claim({ queue: 'default', kinds: ['other'], workerId: `w${i}`, leaseMs: 60_000 });
            if (job === undefined) return;
            claimed.push(job.connectionId);
            expect(await repo.complete(job, null)).toBe(true);
          }
        }),
      );
      expect(claimed).toHaveLength(305);
      const { rows } = await stores[1]!.db.query<{ n: number; once: number }>(
        `select count(*)::int as n, count(*) filter (where status = 'succeeded' and attempts = 1)::int as once from connectd_engine.jobs`,
      );
      expect(rows[0]).toEqual({ n: 305, once: 305 });
      const positions = late.map((id) => claimed.indexOf(id));
      expect(Math.max(...positions)).toBeLessThan(20);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('lets racing workers on separate pools run at most one job per (connection, stream)', async () => {
    const url = await dbs.createPostgresDatabase();
    const stores = [
      await openStore({ databaseUrl: url, dataDir: '.', log: silent }),
      await openStore({ databaseUrl: url, dataDir: '.', log: silent }),
    ];
    try {
      await stores[0]!.migrate();
      await upsertDeclaredConnection(stores[0]!.db, { id: 'c1', connector: 'fake', tenantId: 'acme' });
      const repos = stores.map((s) => createJobRepository(s.db));
      for (let i = 0; i < 20; i++) await repos[0]!.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
      // 8 claimers at once, 4 per pool, each taking as many jobs as it can.
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => repos[i % 2]!.claim({ queue: 'default', kinds: ['sync'], workerId: `w${i}`, leaseMs: 60_000 })),
      );
      expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
      const { rows } = await stores[1]!.db.query<{ n: number }>(`select count(*)::int as n from connectd_engine.jobs where status = 'running'`);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
