import { afterAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { createJobRepository, listDeadLetters, upsertDeclaredConnection, type JobRecord, type Store } from '../store/index.js';
import { createTestDatabases, storeBackends, type StoreBackend } from '../store/testing.js';
import { FOREGROUND_CLAIM_GRACE_MS, parseLastError, type JobWait } from './foreground.js';
import type { JobRepository } from './repository.js';
import { Worker, type WorkerOptions } from './worker.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const log = createLogger({ level: 'silent', destination: { write: () => undefined } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SHORT_LEASE_MS = 300;

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
  return { store, jobs: createJobRepository(store.db) };
}

const worker = (repository: JobRepository, options: Partial<WorkerOptions> = {}) =>
  new Worker({ repository, log, pollIntervalMs: 10, random: () => 0, ...options });
const stock = { kind: 'sync', connectionId: 'c1', stream: 'stock' } as const;
const inGrace = () => new Date(Date.now() + FOREGROUND_CLAIM_GRACE_MS);

/** A promise a handler waits on, released from the test. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Claims the next due job as a worker that then vanishes (never extends, completes or fails it). */
async function claimAndVanish(jobs: ReturnType<typeof createJobRepository>, leaseMs = SHORT_LEASE_MS): Promise<JobRecord> {
  const claimed = await jobs.claim({ queue: 'default', kinds: ['sync'], workerId: 'vanished', leaseMs });
  if (claimed === undefined) throw new Error('nothing to claim');
  return claimed;
}

/** Waits until a lease has run out on every clock involved (database timestamps are finer than ms). */
const leaseRunOut = (job: JobRecord) => waitFor(() => Date.now() > job.leaseUntil!.getTime() + 20);

describe.each(storeBackends())('foreground job run on %s', (backend) => {
  it('runs its job here when it claims it first, a background worker polling beside it (the claim grace keeps that one off)', async () => {
    const { jobs } = await setup(backend);
    const ran: string[] = [];
    const background = worker(jobs).handle('sync', async (job) => ran.push(`background ${job.id}`));
    const foreground = worker(jobs).handle('sync', async (job) => {
      ran.push(`foreground ${job.id}`);
      return { records: 3 };
    });
    background.start();
    try {
      const { job } = await jobs.enqueue({ ...stock, runAt: inGrace() });
      const outcome = await foreground.runOrFollow(job.id);
      expect(outcome).toMatchObject({ status: 'succeeded', result: { records: 3 }, followed: false });
      expect(ran).toEqual([`foreground ${job.id}`]);
      expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', result: { records: 3 } });
    } finally {
      await background.stop();
    }
  });

  it('follows its job when a background worker claimed it first, and returns that run’s result', async () => {
    const { jobs } = await setup(backend);
    const held = gate();
    const background = worker(jobs, { workerId: 'daemon' }).handle('sync', async (job) => {
      await held.opened;
      return `daemon ran ${job.id}`;
    });
    const foreground = worker(jobs).handle('sync', async () => 'foreground ran it');
    const { job } = await jobs.enqueue(stock);
    background.start();
    try {
      await waitFor(async () => (await jobs.get(job.id))?.status === 'running');
      const waits: JobWait[] = [];
      let reportedAt = 0;
      const outcome = await foreground.runOrFollow(job.id, {
        onWait: (wait) => {
          waits.push(wait);
          reportedAt = Date.now();
          held.open();
        },
      });
      expect(outcome).toMatchObject({ status: 'succeeded', result: `daemon ran ${job.id}`, followed: true });
      expect(waits).toEqual([
        {
          reason: 'running-elsewhere',
          jobId: job.id,
          blocker: { id: job.id, kind: 'sync', lockedBy: expect.stringMatching(/^daemon\//), workerId: 'daemon', leaseUntil: expect.any(Date) },
        },
      ]);
      expect(waits[0]!.blocker.leaseUntil!.getTime()).toBeGreaterThan(reportedAt);
    } finally {
      await background.stop();
    }
  });

  it('returns the real outcome of a due job and never JOBS_BUSY, whichever worker claims it', async () => {
    const { jobs } = await setup(backend);
    const ranBy = new Map<string, string>();
    const background = worker(jobs, { pollIntervalMs: 1 }).handle('sync', async (job) => {
      ranBy.set(job.id, 'background');
      return `ran ${job.id}`;
    });
    const foreground = worker(jobs).handle('sync', async (job) => {
      ranBy.set(job.id, 'foreground');
      return `ran ${job.id}`;
    });
    background.start();
    try {
      for (let i = 0; i < 6; i++) {
        const { job } = await jobs.enqueue(stock);
        const outcome = await foreground.runOrFollow(job.id);
        expect(outcome).toMatchObject({ status: 'succeeded', result: `ran ${job.id}` });
        expect(outcome.followed).toBe(ranBy.get(job.id) === 'background');
      }
    } finally {
      await background.stop();
    }
  });

  it('reports a failure it followed as { code, message } from last_error, and an attempt rescheduled elsewhere as retrying', async () => {
    const { jobs } = await setup(backend);
    const gates = new Map<string, ReturnType<typeof gate>>();
    const background = worker(jobs, { retry: { baseDelayMs: 3_600_000 } }).handle('sync', async (job) => {
      await gates.get(job.id)!.opened;
      throw new Error('vendor said no');
    });
    const foreground = worker(jobs).handle('sync', async () => 'foreground ran it');
    const dead = await jobs.enqueue({ ...stock, maxAttempts: 1 });
    const retried = await jobs.enqueue({ ...stock, stream: 'orders', maxAttempts: 3 });
    for (const { job } of [dead, retried]) gates.set(job.id, gate());
    background.start();
    try {
      await waitFor(async () => (await jobs.get(dead.job.id))?.status === 'running' && (await jobs.get(retried.job.id))?.status === 'running');
      const deadOutcome = await foreground.runOrFollow(dead.job.id, { onWait: () => gates.get(dead.job.id)!.open() });
      expect(deadOutcome).toMatchObject({
        status: 'dead',
        followed: true,
        error: { code: 'CONNECTD_ERR_JOBS_HANDLER_FAILED', message: `job ${dead.job.id} (sync) failed: vendor said no` },
      });
      const retriedOutcome = await foreground.runOrFollow(retried.job.id, { onWait: () => gates.get(retried.job.id)!.open() });
      expect(retriedOutcome).toMatchObject({ status: 'retrying', followed: true, error: { code: 'CONNECTD_ERR_JOBS_HANDLER_FAILED' } });
      expect(await jobs.get(retried.job.id)).toMatchObject({ status: 'queued', attempts: 1 });
    } finally {
      await background.stop();
    }
  });

  it('waits while another run of its stream holds a live lease, says so again only when that changes, then runs', async () => {
    const { store, jobs } = await setup(backend);
    const blocker = await jobs.enqueue(stock);
    const claimed = (await jobs.claim({ queue: 'default', kinds: ['sync'], workerId: 'daemon', leaseMs: 60_000 }))!;
    const { job } = await jobs.enqueue({ ...stock, runAt: inGrace() });
    const foreground = worker(jobs).handle('sync', async (j) => `ran ${j.id}`);
    const waits: JobWait[] = [];
    const steps: Promise<unknown>[] = [];
    const outcome = await foreground.runOrFollow(job.id, {
      onWait: (wait) => {
        waits.push(wait);
        // Several polls pass between the steps; each step changes the situation once.
        if (waits.length === 1) {
          const takenOver = `update connectd_engine.jobs set locked_by = 'rescuer/1' where id = $1`;
          steps.push(sleep(60).then(() => store.db.query(takenOver, [blocker.job.id])));
        } else {
          steps.push(sleep(60).then(() => jobs.complete({ id: blocker.job.id, lockedBy: 'rescuer/1' }, 'blocker done')));
        }
      },
    });
    await Promise.all(steps);
    expect(outcome).toMatchObject({ status: 'succeeded', result: `ran ${job.id}`, followed: false });
    expect(waits.map((w) => [w.reason, w.jobId, w.blocker.id, w.blocker.workerId])).toEqual([
      ['stream-busy', job.id, blocker.job.id, 'daemon'],
      ['stream-busy', job.id, blocker.job.id, 'rescuer'],
    ]);
    expect(waits[0]!.blocker).toEqual({ id: blocker.job.id, kind: 'sync', lockedBy: claimed.lockedBy, workerId: 'daemon', leaseUntil: claimed.leaseUntil });
    expect(await jobs.get(blocker.job.id)).toMatchObject({ status: 'succeeded', result: 'blocker done' });
  });

  it('takes over a blocker whose worker vanished with attempts left, runs it to the end, then runs its own job', async () => {
    const { jobs } = await setup(backend);
    const blocker = await jobs.enqueue({ ...stock, maxAttempts: 3 });
    const vanished = await claimAndVanish(jobs);
    const { job } = await jobs.enqueue({ ...stock, runAt: inGrace() });
    await leaseRunOut(vanished);
    const ran: string[] = [];
    const foreground = worker(jobs).handle('sync', async (j) => {
      ran.push(j.id);
      return `ran ${j.id}`;
    });
    const waits: JobWait[] = [];
    const outcome = await foreground.runOrFollow(job.id, { onWait: (wait) => waits.push(wait) });
    expect(waits).toEqual([
      { reason: 'stale-lease', jobId: job.id, blocker: { id: blocker.job.id, kind: 'sync', lockedBy: vanished.lockedBy, workerId: 'vanished', leaseUntil: vanished.leaseUntil } },
    ]);
    expect(ran).toEqual([blocker.job.id, job.id]);
    expect(outcome).toMatchObject({ status: 'succeeded', result: `ran ${job.id}`, followed: false });
    expect(await jobs.get(blocker.job.id)).toMatchObject({ status: 'succeeded', result: `ran ${blocker.job.id}`, attempts: 2 });
  });

  it('lets the claim reap a vanished blocker with no attempts left (dead-lettered), then runs its own job', async () => {
    const { store, jobs } = await setup(backend);
    const blocker = await jobs.enqueue({ ...stock, maxAttempts: 1 });
    const vanished = await claimAndVanish(jobs);
    const { job } = await jobs.enqueue({ ...stock, runAt: inGrace() });
    await leaseRunOut(vanished);
    const ran: string[] = [];
    const foreground = worker(jobs).handle('sync', async (j) => {
      ran.push(j.id);
      return `ran ${j.id}`;
    });
    const waits: JobWait[] = [];
    const outcome = await foreground.runOrFollow(job.id, { onWait: (wait) => waits.push(wait) });
    expect(waits.map((w) => [w.reason, w.blocker.id, w.blocker.workerId, w.blocker.leaseUntil])).toEqual([
      ['stale-lease', blocker.job.id, 'vanished', vanished.leaseUntil],
    ]);
    expect(ran).toEqual([job.id]);
    expect(outcome).toMatchObject({ status: 'succeeded', followed: false });
    const reaped = await jobs.get(blocker.job.id);
    expect(reaped?.status).toBe('dead');
    expect(parseLastError(reaped!.lastError)?.code).toBe('CONNECTD_ERR_JOBS_LEASE_EXPIRED');
    const letters = await listDeadLetters(store.db, { sourceKind: 'job' });
    expect(letters.map((l) => [l.errorCode, (l.payload as { job_id?: string }).job_id])).toEqual([['CONNECTD_ERR_JOBS_LEASE_EXPIRED', blocker.job.id]]);
  });

  it('takes its own job over when the worker running it vanished', async () => {
    const { jobs } = await setup(backend);
    const { job } = await jobs.enqueue({ ...stock, maxAttempts: 2 });
    const vanished = await claimAndVanish(jobs);
    await leaseRunOut(vanished);
    const foreground = worker(jobs).handle('sync', async (j) => `ran ${j.id}`);
    const waits: JobWait[] = [];
    const outcome = await foreground.runOrFollow(job.id, { onWait: (wait) => waits.push(wait) });
    expect(waits.map((w) => [w.reason, w.blocker.id, w.blocker.workerId])).toEqual([['stale-lease', job.id, 'vanished']]);
    expect(outcome).toMatchObject({ status: 'succeeded', result: `ran ${job.id}`, followed: false, job: { attempts: 2 } });
  });

  it('stops waiting with JOBS_WAIT_ABORTED when its signal aborts, and leaves the job queued', async () => {
    const { jobs } = await setup(backend);
    await jobs.enqueue(stock);
    await jobs.claim({ queue: 'default', kinds: ['sync'], workerId: 'daemon', leaseMs: 60_000 });
    const { job } = await jobs.enqueue({ ...stock, runAt: inGrace() });
    const foreground = worker(jobs, { pollIntervalMs: 60_000 }).handle('sync', async () => 'ran');
    const controller = new AbortController();
    const started = Date.now();
    const waiting = foreground.runOrFollow(job.id, { signal: controller.signal, onWait: () => controller.abort() });
    expect(await codeOf(waiting)).toBe('CONNECTD_ERR_JOBS_WAIT_ABORTED');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await codeOf(foreground.runOrFollow(job.id, { signal: AbortSignal.abort() }))).toBe('CONNECTD_ERR_JOBS_WAIT_ABORTED');
    expect(await jobs.get(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('returns a finished job as followed, and says when a job does not exist or has no handler here', async () => {
    const { jobs } = await setup(backend);
    const foreground = worker(jobs).handle('sync', async () => ({ records: 1 }));
    const { job } = await jobs.enqueue(stock);
    expect((await foreground.runJob(job.id)).status).toBe('succeeded');
    expect(await foreground.runOrFollow(job.id)).toMatchObject({ status: 'succeeded', result: { records: 1 }, followed: true });
    expect(await codeOf(foreground.runOrFollow('999999'))).toBe('CONNECTD_ERR_JOBS_NOT_FOUND');
    const foreign = await jobs.enqueue({ kind: 'elsewhere' });
    expect(await codeOf(foreground.runOrFollow(foreign.job.id))).toBe('CONNECTD_ERR_JOBS_HANDLER_MISSING');
  });
});

describe('last_error of a job', () => {
  it('reads back as { code, message }, with an uncoded text kept whole', () => {
    expect(parseLastError('CONNECTD_ERR_SYNC_VENDOR_STATUS: vendor said: no')).toEqual({ code: 'CONNECTD_ERR_SYNC_VENDOR_STATUS', message: 'vendor said: no' });
    expect(parseLastError('something else')).toEqual({ code: 'CONNECTD_ERR_INTERNAL', message: 'something else' });
    expect(parseLastError(null)).toBeUndefined();
  });
});
