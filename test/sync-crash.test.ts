import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestDatabases, storeBackends } from '@connectd/core/testing';
import { startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { createFakeRecordsVendor, fakeProducts, type FakeRecordsVendor } from './support/fake-vendor.js';
import {
  ADMIN_TOKEN,
  FAKESHOP_TOKEN,
  expectedProducts,
  freshTarget,
  landed,
  readProducts,
  streamStatus,
  syncEnv,
  withStore,
  writeSyncConfig,
} from './support/sync-project.js';
import { waitFor } from '@connectd/core/testing';

// Issue 4 acceptance: a `connectd run` child killed with SIGKILL in the middle of a scheduled
// multi-page sync is started again; its job is taken over once the lease expires and the run
// resumes from the last committed page, so the table ends equal to the source.

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const running: DaemonProcess[] = [];
const vendors: FakeRecordsVendor[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(vendors.splice(0).map((v) => v.close()));
});

const PAGES = 30;
const PAGE_SIZE = 50;

describe.each(storeBackends())('crash and resume on %s', (backend) => {
  it('a daemon killed mid-sync resumes after restart from the last committed page: page 1 is not fetched again, no row lost or duplicated', async () => {
    // A slow vendor, so the kill lands mid-run.
    const vendor = await createFakeRecordsVendor({
      path: '/products',
      recordsKey: 'products',
      token: FAKESHOP_TOKEN,
      records: fakeProducts(PAGES * PAGE_SIZE),
      pageDelayMs: 150,
    });
    vendors.push(vendor);
    const config = writeSyncConfig({ vendorUrl: vendor.url, pageSize: PAGE_SIZE, schedule: '*/2 * * * * *' });
    const target = await freshTarget(backend, dbs);
    const env = syncEnv(target, { CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN, CONNECTD_JOB_LEASE_MS: '1500', CONNECTD_WORKER_POLL_MS: '200' });

    const first = await startDaemonProcess({ env, config, timeoutMs: 60_000 });
    running.push(first);
    await waitFor('10 pages served to the first daemon', () => vendor.served().length >= 10, { timeoutMs: 60_000, intervalMs: 20 });
    await first.stop('SIGKILL');
    const beforeKill = vendor.log.slice();
    expect(beforeKill.filter((r) => r.first)).toHaveLength(1);
    expect(beforeKill.every((r) => r.status === 200 && r.nextCursor !== null)).toBe(true);

    // What the dead daemon committed: whole pages, and the next page's request in the checkpoint.
    const atKill = await withStore(target, async (db) => ({
      rows: (await db.query<{ n: number }>(`select count(*)::int as n from connectd.products`)).rows[0]!.n,
      checkpoint: (
        await db.query<{ cursor: { resume?: { url: string } } | null }>(
          `select cursor from connectd_engine.checkpoints where connection_id = 'fakeshop' and stream = 'products'`,
        )
      ).rows[0],
      jobs: (await db.query<{ status: string }>(`select status from connectd_engine.jobs where stream = 'products' and status = 'running'`)).rows,
    }));
    const resumeUrl = atKill.checkpoint?.cursor?.resume?.url;
    expect(resumeUrl).toBeDefined();
    const resumeCursor = new URL(resumeUrl!).searchParams.get('cursor');
    const committedPages = beforeKill.findIndex((r) => r.nextCursor === resumeCursor) + 1;
    expect(committedPages).toBeGreaterThan(0);
    expect(committedPages).toBeLessThanOrEqual(beforeKill.length);
    expect(atKill.rows).toBe(committedPages * PAGE_SIZE);
    expect(atKill.jobs).toEqual([{ status: 'running' }]); // the dead worker's job, lease not yet taken over

    const second = await startDaemonProcess({ env, config, timeoutMs: 60_000 });
    running.push(second);
    await waitFor(
      'the resumed run to succeed',
      async () => {
        const status = await streamStatus(second.url);
        return status?.lastRun?.result === 'succeeded' && status.checkpoint?.resuming === false ? status : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(await second.stop('SIGTERM')).toBe(0);

    // From the vendor's side: after the restart the walk went on at the saved page, never page 1,
    // following the cursors to the last page.
    const afterRestart = vendor.log.slice(beforeKill.length);
    const lastPage = afterRestart.findIndex((r) => r.status === 200 && r.nextCursor === null);
    expect(lastPage).toBeGreaterThanOrEqual(0);
    const resumedWalk = afterRestart.slice(0, lastPage + 1);
    expect(resumedWalk[0]!.cursor).toBe(resumeCursor);
    expect(resumedWalk.some((r) => r.first)).toBe(false);
    for (let i = 1; i < resumedWalk.length; i++) expect(resumedWalk[i]!.cursor).toBe(resumedWalk[i - 1]!.nextCursor);
    const fetched = [...beforeKill.slice(0, committedPages), ...resumedWalk].flatMap((r) => r.ids);
    expect(fetched).toHaveLength(PAGES * PAGE_SIZE);
    expect(new Set(fetched).size).toBe(PAGES * PAGE_SIZE);

    const after = await withStore(target, async (db) => ({
      rows: await readProducts(db),
      runs: (await db.query<{ pages: number; result: string }>(`select pages, result from connectd_engine.sync_runs where stream = 'products' order by id`)).rows,
    }));
    expect(landed(after.rows)).toEqual(expectedProducts(vendor.records()));
    // The job taken over continues its own run: one run, counting the committed pages once each.
    // (Later runs, if any, are the schedule's next ticks.)
    expect(after.runs[0]).toEqual({ pages: PAGES, result: 'succeeded' });
  }, 180_000);
});
