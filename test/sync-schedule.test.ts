import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestDatabases } from '@connectd/core/testing';
import type { Store } from '@connectd/core';
import { runCli, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { createFakeRecordsVendor, fakeProducts, type FakeRecordsVendor } from './support/fake-vendor.js';
import { ADMIN_TOKEN, FAKESHOP_TOKEN, freshTarget, streamStatus, syncEnv, writeSyncConfig } from './support/sync-project.js';
import { waitFor } from '@connectd/core/testing';

// Issue 4 acceptance: several daemons on one Postgres enqueue each cron tick of a stream once.
// The embedded store is single-process, so there the promise is that a second daemon refuses it.

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const running: DaemonProcess[] = [];
const vendors: FakeRecordsVendor[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(vendors.splice(0).map((v) => v.close()));
});

const EVERY_2_SECONDS = '*/2 * * * * *';
const SCHEDULE_KEY = 'sync:fakeshop:products';

async function smallVendor(): Promise<FakeRecordsVendor> {
  const vendor = await createFakeRecordsVendor({ path: '/products', recordsKey: 'products', token: FAKESHOP_TOKEN, records: fakeProducts(20) });
  vendors.push(vendor);
  return vendor;
}

/** The cron slots a daemon's scheduler handled, from its debug log: slot → outcome. */
function tickOutcomes(output: string): Map<string, string> {
  const outcomes = new Map<string, string>();
  for (const line of output.split('\n')) {
    if (!line.includes('"schedule tick"')) continue;
    try {
      const entry = JSON.parse(line) as { schedule?: string; tick?: string; outcome?: string };
      if (entry.schedule === SCHEDULE_KEY && entry.tick !== undefined) outcomes.set(entry.tick, entry.outcome ?? '');
    } catch {
      // not a JSON log line
    }
  }
  return outcomes;
}

describe.runIf(process.env.TEST_DATABASE_URL)('two daemons on one Postgres', () => {
  it('run a stream scheduled every 2 seconds once per tick, not once per daemon', async () => {
    const vendor = await smallVendor();
    const config = writeSyncConfig({ vendorUrl: vendor.url, schedule: EVERY_2_SECONDS });
    const target = await freshTarget('postgres', dbs);
    const env = syncEnv(target, { LOG_LEVEL: 'debug', CONNECTD_WORKER_POLL_MS: '200' });
    // Migrate first, so the two daemons start side by side rather than one waiting on the other's lock.
    expect((await runCli(['migrate', '--config', config], env)).code).toBe(0);
    const daemons = await Promise.all([startDaemonProcess({ env, config, timeoutMs: 60_000 }), startDaemonProcess({ env, config, timeoutMs: 60_000 })]);
    running.push(...daemons);

    let store: Store | undefined = await target.open();
    try {
      const db = store.db;
      await waitFor(
        'three ticks whose runs finished',
        async () => {
          const { rows } = await db.query<{ n: number }>(
            `select count(*)::int as n from connectd_engine.schedule_ticks t
               join connectd_engine.jobs j on j.id = t.job_id
              where t.schedule_key = $1 and j.status = 'succeeded'`,
            [SCHEDULE_KEY],
          );
          return rows[0]!.n >= 3;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      for (const daemon of daemons) expect(await daemon.stop('SIGTERM')).toBe(0);

      const ticks = (
        await db.query<{ tick_at: Date; job_id: string | null }>(
          `select tick_at, job_id::text as job_id from connectd_engine.schedule_ticks where schedule_key = $1 order by tick_at`,
          [SCHEDULE_KEY],
        )
      ).rows;
      const jobs = (
        await db.query<{ id: string; status: string; slot: string | null; attempts: number }>(
          `select id::text as id, status, payload->>'scheduled_for' as slot, attempts
             from connectd_engine.jobs where stream = 'products' order by id`,
        )
      ).rows;
      const runs = (await db.query<{ job_id: string | null; result: string }>(`select job_id::text as job_id, result from connectd_engine.sync_runs where stream = 'products'`)).rows;

      expect(ticks.length).toBeGreaterThanOrEqual(3);
      // Each tick enqueued at most one job, and no two jobs share a tick.
      expect(jobs.length).toBeLessThanOrEqual(ticks.length);
      expect(jobs.every((j) => j.slot !== null)).toBe(true);
      expect(new Set(jobs.map((j) => j.slot)).size).toBe(jobs.length);
      expect(ticks.every((t) => t.job_id !== null && jobs.some((j) => j.id === t.job_id))).toBe(true);
      // Each job ran once: one run per job, and every finished job succeeded on its first attempt.
      expect(runs.every((r) => r.job_id !== null)).toBe(true);
      expect(new Set(runs.map((r) => r.job_id)).size).toBe(runs.length);
      const succeeded = jobs.filter((j) => j.status === 'succeeded');
      expect(succeeded.length).toBeGreaterThanOrEqual(3);
      expect(succeeded.every((j) => j.attempts === 1 && runs.some((r) => r.job_id === j.id && r.result === 'succeeded'))).toBe(true);
      expect(runs.length).toBeLessThanOrEqual(ticks.length);
      // The vendor saw one walk per run, not one per daemon.
      expect(vendor.served().filter((r) => r.first)).toHaveLength(runs.length);

      // Both schedulers were live and fired the same slots; the database let one of them enqueue each.
      const [a, b] = daemons.map((d) => tickOutcomes(d.output()));
      const shared = [...a!.keys()].filter((slot) => b!.has(slot));
      expect(shared.length).toBeGreaterThanOrEqual(2);
      for (const slot of shared) {
        expect([a!.get(slot), b!.get(slot)].filter((o) => o === 'duplicate')).toHaveLength(1);
      }
    } finally {
      await store?.close();
      store = undefined;
    }
  }, 120_000);
});

describe('two daemons on one embedded store', () => {
  it('refuse: the second daemon exits naming the locked data folder while the first keeps syncing on schedule', async () => {
    const vendor = await smallVendor();
    const config = writeSyncConfig({ vendorUrl: vendor.url, schedule: EVERY_2_SECONDS });
    const target = await freshTarget('pglite', dbs);
    const env = syncEnv(target, { CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN, CONNECTD_WORKER_POLL_MS: '200' });
    const first = await startDaemonProcess({ env, config, timeoutMs: 60_000 });
    running.push(first);

    const second = await runCli(['run', '--config', config], { ...env, PORT: '0', HOST: '127.0.0.1' });
    expect(second.code).toBe(1);
    expect(`${second.stdout}${second.stderr}`).toContain('CONNECTD_ERR_STORE_DATA_DIR_LOCKED');

    const status = await waitFor(
      'a scheduled run of the first daemon',
      async () => {
        const entry = await streamStatus(first.url);
        return entry?.lastRun?.result === 'succeeded' ? entry : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(status).toMatchObject({ connection: 'fakeshop', lastRun: { pages: 1, result: 'succeeded' }, deadLetters: 0 });
    expect(status.nextRun).not.toBeNull();
    expect(await first.stop('SIGTERM')).toBe(0);
  }, 120_000);
});
