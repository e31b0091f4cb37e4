import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_ENV_MISSING, isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { createJobRepository, listDeadLetters, openStore, upsertDeclaredConnection, type Store } from '../store/index.js';
import { createTestDatabases, serverStoreBackend, type StoreBackend, storeBackends } from '../store/testing.js';
import type { JobRepository } from './repository.js';
import { Worker, type WorkerOptions } from './worker.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const log = createLogger({ level: 'silent', destination: { write: () => undefined } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(10);
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return isConnectdError(err) ? err.code : String(err);
  }
  return undefined;
}

async function setup(backend: StoreBackend): Promise<{ store: Store; jobs: ReturnType<typeof createJobRepository> }> {
  const store = await dbs.fresh(backend, { migrate: true });
  await upsertDeclaredConnection(store.db, { id: 'c1', connector: 'fake', tenantId: 'acme' });
  await upsertDeclaredConnection(store.db, { id: 'c2', connector: 'fake', tenantId: 'acme' });
  return { store, jobs: createJobRepository(store.db) };
}

const worker = (repository: JobRepository, options: Partial<WorkerOptions> = {}) =>
  new Worker({ repository, log, pollIntervalMs: 20, random: () => 0, ...options });

/** Runs `fn` for each of 1..n concurrently started jobs and reports the most that overlapped. */
function overlapCounter(): { handler: () => Promise<string>; max: () => number; done: () => number; running: () => number } {
  let current = 0;
  let max = 0;
  let done = 0;
  return {
    handler: async () => {
      current++;
      max = Math.max(max, current);
      await sleep(30);
      current--;
      done++;
      return 'ok';
    },
    max: () => max,
    done: () => done,
    running: () => current,
  };
}

describe.each(storeBackends())('job worker on %s', (backend) => {
  it('runs a job through its handler and stores the result', async () => {
    const { jobs } = await setup(backend);
    const seen: unknown[] = [];
    const w = worker(jobs).handle('sync', async (job) => {
      seen.push(job.payload);
      return { records: 2 };
    });
    const { job } = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock', payload: { full: false } });
    const outcome = await w.runOnce();
    expect(outcome).toMatchObject({ status: 'succeeded', result: { records: 2 }, job: { id: job.id } });
    expect(seen).toEqual([{ full: false }]);
    expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', result: { records: 2 } });
    expect(await w.runOnce()).toBeUndefined();
  });

  it('retries a failing job with growing delays, then makes it dead with a dead letter', async () => {
    const { store, jobs } = await setup(backend);
    const w = worker(jobs, { retry: { baseDelayMs: 100, factor: 2, jitterRatio: 0 } }).handle('sync', async () => {
      throw new Error('vendor said no');
    });
    const { job } = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock', maxAttempts: 3 });
    const first = await w.runOnce();
    expect(first).toMatchObject({ status: 'retrying' });
    expect(first?.error?.code).toBe('CONNECTD_ERR_JOBS_HANDLER_FAILED');
    const afterFirst = await jobs.get(job.id);
    expect(afterFirst!.runAt.getTime() - afterFirst!.updatedAt.getTime()).toBeGreaterThanOrEqual(99);
    expect(await w.runOnce()).toBeUndefined();
    await sleep(120);
    expect((await w.runOnce())?.status).toBe('retrying');
    const afterSecond = await jobs.get(job.id);
    expect(afterSecond!.runAt.getTime() - afterSecond!.updatedAt.getTime()).toBeGreaterThanOrEqual(199);
    await sleep(120);
    expect(await w.runOnce()).toBeUndefined();
    await sleep(120);
    expect((await w.runOnce())?.status).toBe('dead');
    expect(await jobs.get(job.id)).toMatchObject({ status: 'dead', attempts: 3 });
    const letters = await listDeadLetters(store.db, { sourceKind: 'job' });
    expect(letters.map((l) => [l.errorCode, l.connectionId, l.stream])).toEqual([['CONNECTD_ERR_JOBS_HANDLER_FAILED', 'c1', 'stock']]);
    expect(letters[0]?.reason).toContain('vendor said no');
  });

  it('does not retry a failure caused by bad input (a coded error with exit code 2)', async () => {
    const { jobs } = await setup(backend);
    const w = worker(jobs).handle('sync', async () => {
      throw CONFIG_ENV_MISSING({ variable: 'X', path: 'a.b' } as never);
    });
    await jobs.enqueue({ kind: 'sync', maxAttempts: 5 });
    const outcome = await w.runOnce();
    expect(outcome?.status).toBe('dead');
    expect(outcome?.error?.code).toBe('CONNECTD_ERR_CONFIG_ENV_MISSING');
  });

  it('keeps a long job leased with heartbeats, so no other worker takes it over', async () => {
    const { jobs } = await setup(backend);
    const slow = worker(jobs, { leaseMs: 300, heartbeatMs: 50 }).handle('sync', async () => {
      await sleep(900);
      return 'done';
    });
    const other = worker(jobs).handle('sync', async () => 'stolen');
    await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    const running = slow.runOnce();
    await sleep(500);
    expect(await other.runOnce()).toBeUndefined();
    expect((await running)?.status).toBe('succeeded');
  });

  it('aborts a handler whose lease another worker took over, and records nothing from it', async () => {
    const { jobs } = await setup(backend);
    let reason: unknown;
    let aborted = false;
    const stalled = worker(jobs, { leaseMs: 50, heartbeatMs: 60_000 }).handle('sync', async (_job, ctx) => {
      await sleep(200);
      await ctx.extendLease().catch((err: unknown) => {
        reason = err;
      });
      aborted = ctx.signal.aborted;
      return 'too late';
    });
    const rescuer = worker(jobs).handle('sync', async () => 'rescued');
    const { job } = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    const stalledRun = stalled.runOnce();
    await sleep(100);
    expect((await rescuer.runOnce())?.status).toBe('succeeded');
    expect((await stalledRun)?.status).toBe('lost');
    expect(isConnectdError(reason, 'CONNECTD_ERR_JOBS_LEASE_LOST')).toBe(true);
    expect(aborted).toBe(true);
    expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', result: 'rescued', attempts: 2 });
  });

  it('runs jobs of one (connection, stream) one at a time across two busy workers, and other streams alongside', async () => {
    const { jobs } = await setup(backend);
    const same = overlapCounter();
    const workers = [worker(jobs, { concurrency: 3 }), worker(jobs, { concurrency: 3 })];
    // The first c1 job holds until the other stream's job has run: were that job kept waiting
    // behind c1's, the test would hang instead of passing by luck of timing.
    let release: () => void = () => undefined;
    const otherRan = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first = true;
    let c1Running = 0;
    for (const w of workers) {
      w.handle('sync', async () => {
        c1Running++;
        try {
          if (first) {
            first = false;
            await otherRan;
          }
          return await same.handler();
        } finally {
          c1Running--;
        }
      });
    }
    for (let i = 0; i < 6; i++) await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    let alongside: number | undefined;
    for (const w of workers) {
      w.handle('other', async () => {
        // Claims race between the two workers: wait until c1's first job has started, then look.
        await waitFor(() => c1Running > 0);
        alongside = c1Running;
        release();
      });
    }
    await jobs.enqueue({ kind: 'other', connectionId: 'c2', stream: 'stock' });
    for (const w of workers) w.start();
    await waitFor(() => same.done() === 6);
    await Promise.all(workers.map((w) => w.stop()));
    expect(same.max()).toBe(1);
    expect(alongside).toBe(1);
  });

  it('stops gracefully: waits for running jobs, and past the deadline aborts them and puts them back', async () => {
    const { jobs } = await setup(backend);
    const finishing = worker(jobs).handle('sync', async () => {
      await sleep(150);
      return 'finished';
    });
    const a = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    finishing.start();
    await waitFor(async () => (await jobs.get(a.job.id))?.status === 'running');
    await finishing.stop({ deadlineMs: 5_000 });
    expect(await jobs.get(a.job.id)).toMatchObject({ status: 'succeeded', result: 'finished' });

    let reason: unknown;
    const stuck = worker(jobs).handle('sync', (_job, { signal }) => {
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          reason = signal.reason;
          reject(signal.reason as Error);
        });
      });
    });
    const b = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    stuck.start();
    await waitFor(async () => (await jobs.get(b.job.id))?.status === 'running');
    const started = Date.now();
    await stuck.stop({ deadlineMs: 100 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(isConnectdError(reason, 'CONNECTD_ERR_JOBS_WORKER_STOPPING')).toBe(true);
    expect(await jobs.get(b.job.id)).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null });
    // Stopped means stopped: nothing else is claimed.
    await sleep(60);
    expect((await jobs.get(b.job.id))?.status).toBe('queued');
  });

  it('runs one given job in the foreground, due or not, and says why it cannot', async () => {
    const { jobs } = await setup(backend);
    const w = worker(jobs).handle('sync', async (job) => `ran ${job.id}`);
    const later = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock', runAt: new Date(Date.now() + 3_600_000) });
    expect(await w.runJob(later.job.id)).toMatchObject({ status: 'succeeded', result: `ran ${later.job.id}` });
    expect(await codeOf(w.runJob(later.job.id))).toBe('CONNECTD_ERR_JOBS_NOT_RUNNABLE');
    expect(await codeOf(w.runJob('999999'))).toBe('CONNECTD_ERR_JOBS_NOT_FOUND');
    const foreign = await jobs.enqueue({ kind: 'elsewhere' });
    expect(await codeOf(w.runJob(foreign.job.id))).toBe('CONNECTD_ERR_JOBS_HANDLER_MISSING');
    const running = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    const waiting = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
    await jobs.claim({ queue: 'default', kinds: ['sync'], workerId: 'daemon', leaseMs: 60_000 });
    expect(await codeOf(w.runJob(running.job.id))).toBe('CONNECTD_ERR_JOBS_BUSY');
    expect(await codeOf(w.runJob(waiting.job.id))).toBe('CONNECTD_ERR_JOBS_BUSY');
    expect(() => w.handle('sync', async () => undefined)).toThrowError(expect.objectContaining({ code: 'CONNECTD_ERR_JOBS_HANDLER_DUPLICATE' }));
  });

  it('picks up a job enqueued while it runs, as soon as it is woken', async () => {
    const { jobs } = await setup(backend);
    const w = worker(jobs, { pollIntervalMs: 60_000 }).handle('sync', async () => 'ok');
    w.start();
    await sleep(50);
    const { job } = await jobs.enqueue({ kind: 'sync' });
    w.wake();
    await waitFor(async () => (await jobs.get(job.id))?.status === 'succeeded', 3_000);
    await w.stop();
  });
});

describe.each(serverStoreBackend())('job workers on two pools of one %s', () => {
  it('never run two jobs of one (connection, stream) at once', async () => {
    const url = await dbs.createPostgresDatabase();
    const stores = [await openStore({ databaseUrl: url, dataDir: '.', log }), await openStore({ databaseUrl: url, dataDir: '.', log })];
    try {
      await stores[0]!.migrate();
      await upsertDeclaredConnection(stores[0]!.db, { id: 'c1', connector: 'fake', tenantId: 'acme' });
      const same = overlapCounter();
      const workers = stores.map((s) => worker(createJobRepository(s.db), { concurrency: 4, pollIntervalMs: 5 }).handle('sync', same.handler));
      for (let i = 0; i < 10; i++) await createJobRepository(stores[0]!.db).enqueue({ kind: 'sync', connectionId: 'c1', stream: 'stock' });
      for (const w of workers) w.start();
      await waitFor(() => same.done() === 10, 20_000);
      await Promise.all(workers.map((w) => w.stop()));
      expect(same.max()).toBe(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
