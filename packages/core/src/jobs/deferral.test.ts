import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { createJobRepository, listDeadLetters, upsertDeclaredConnection } from '../store/index.js';
import { createTestDatabases, storeBackends, type StoreBackend } from '../store/testing.js';
import { deferJob, isJobDeferral, MIN_JOB_DEFER_MS } from './deferral.js';
import { Worker } from './worker.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recordingLog() {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const lines = () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log: createLogger({ destination }), lines };
}

async function setup(backend: StoreBackend) {
  const store = await dbs.fresh(backend, { migrate: true });
  await upsertDeclaredConnection(store.db, { id: 'c1', connector: 'fake', tenantId: 'acme' });
  return { store, jobs: createJobRepository(store.db) };
}

describe('deferJob', () => {
  it('makes a deferral the worker recognises, never shorter than the minimum', () => {
    const deferral = deferJob({ delayMs: 10, reason: 'not yet', details: { waitingFor: ['a'] } });
    expect(isJobDeferral(deferral)).toBe(true);
    expect(deferral).toMatchObject({ delayMs: MIN_JOB_DEFER_MS, reason: 'not yet', details: { waitingFor: ['a'] } });
    expect(deferJob({ delayMs: 7_500.2, reason: 'later' }).delayMs).toBe(7_501);
    for (const value of [undefined, null, 'defer', { delayMs: 5, reason: 'look-alike' }]) expect(isJobDeferral(value)).toBe(false);
  });
});

describe.each(storeBackends())('a deferred job on %s', (backend) => {
  it('goes back to the queue, due after the delay, without counting the attempt or a dead letter, and says why at info', async () => {
    const { store, jobs } = await setup(backend);
    const recorder = recordingLog();
    const worker = new Worker({ repository: jobs, log: recorder.log, pollIntervalMs: 20 }).handle('sync', async () =>
      deferJob({ delayMs: 60_000, reason: 'waits for catalog', details: { waitingFor: ['catalog'] } }),
    );
    const { job } = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'inventory', maxAttempts: 1 });

    const outcome = await worker.runOnce();

    expect(outcome).toMatchObject({ status: 'deferred', deferral: { delayMs: 60_000, reason: 'waits for catalog', details: { waitingFor: ['catalog'] } } });
    const queued = await jobs.get(job.id);
    expect(queued).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null, lastError: null, result: null });
    expect(queued!.runAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await worker.runOnce()).toBeUndefined();
    expect(await listDeadLetters(store.db, { sourceKind: 'job' })).toEqual([]);
    const said = recorder.lines().find((l) => l['msg'] === 'job deferred: waits for catalog');
    expect(said).toMatchObject({ level: 30, jobId: job.id, waitingFor: ['catalog'], retryInMs: 60_000 });
  });

  it('does not spin: a background worker runs a deferred job again only once its delay has passed', async () => {
    const { jobs } = await setup(backend);
    let runs = 0;
    const worker = new Worker({ repository: jobs, log: createLogger({ level: 'silent' }), pollIntervalMs: 10 }).handle('sync', async () => {
      runs += 1;
      return runs === 1 ? deferJob({ delayMs: MIN_JOB_DEFER_MS, reason: 'not yet' }) : 'ran';
    });
    const { job } = await jobs.enqueue({ kind: 'sync', connectionId: 'c1', stream: 'inventory', maxAttempts: 1 });
    worker.start();
    try {
      await sleep(MIN_JOB_DEFER_MS / 2);
      expect(runs).toBe(1);
      for (let waited = 0; (await jobs.get(job.id))?.status !== 'succeeded' && waited < 5_000; waited += 50) await sleep(50);
    } finally {
      await worker.stop();
    }
    expect(runs).toBe(2);
    // One attempt counted, the deferred one given back: maxAttempts 1 was enough.
    expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', attempts: 1, result: 'ran' });
  });
});
