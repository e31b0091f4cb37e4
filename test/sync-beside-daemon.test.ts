import { spawn } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestDatabases, serverStoreBackend, waitFor } from '@connectd/core/testing';
import { childEnv, connectdBin, repoRoot, runCli, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { createFakeRecordsVendor, fakeProducts, type FakeRecordsVendor } from './support/fake-vendor.js';
import {
  ADMIN_TOKEN,
  FAKESHOP_TOKEN,
  expectedProducts,
  freshTarget,
  landed,
  readProducts,
  syncEnv,
  withStore,
  writeSyncConfig,
} from './support/sync-project.js';

// Issue 10: `connectd sync` beside a running daemon on one Postgres must run its job or follow
// the daemon's run of it, never fail because a daemon is up; after a killed `connectd sync`, the
// next one waits for the dead run's lease, says so, and takes the run over.

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const running: DaemonProcess[] = [];
const vendors: FakeRecordsVendor[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(vendors.splice(0).map((v) => v.close()));
});

const PAGE_SIZE = 50;

async function vendorOf(records: number, pageDelayMs = 0): Promise<FakeRecordsVendor> {
  const vendor = await createFakeRecordsVendor({ path: '/products', recordsKey: 'products', token: FAKESHOP_TOKEN, records: fakeProducts(records), pageDelayMs });
  vendors.push(vendor);
  return vendor;
}

// Several processes on one store: Postgres only (the embedded store is one process's).
describe.each(serverStoreBackend())('connectd sync beside a daemon on %s', (backend) => {
  it('never fails because a daemon runs the same stream: every foreground run succeeds, waiting when it must', async () => {
    // The daemon runs the stream every 2 seconds and each run takes about a second, so a
    // foreground run often finds the stream busy (before, it failed with JOBS_BUSY then).
    const vendor = await vendorOf(4 * PAGE_SIZE, 250);
    const config = writeSyncConfig({ vendorUrl: vendor.url, pageSize: PAGE_SIZE, schedule: '*/2 * * * * *' });
    const target = await freshTarget(backend, dbs);
    const env = syncEnv(target, { CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN, CONNECTD_WORKER_POLL_MS: '50' });
    running.push(await startDaemonProcess({ env, config }));
    await waitFor('the daemon\'s first scheduled run', () => vendor.served().length > 0, { timeoutMs: 30_000, intervalMs: 20 });
    for (let i = 0; i < 4; i++) {
      const { code, stdout, stderr } = await runCli(['sync', 'fakeshop', 'products', '--full', '--config', config], env);
      expect(stderr).not.toContain('CONNECTD_ERR_JOBS_BUSY');
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/fakeshop\.products: succeeded/);
    }
    expect(landed(await withStore(target, readProducts))).toEqual(expectedProducts(vendor.records()));
  });

  it('after a killed sync, the next one says it waits for the dead run, takes it over, and lands every row once', async () => {
    const vendor = await vendorOf(30 * PAGE_SIZE, 150);
    const config = writeSyncConfig({ vendorUrl: vendor.url, pageSize: PAGE_SIZE });
    const target = await freshTarget(backend, dbs);
    const env = syncEnv(target, { CONNECTD_JOB_LEASE_MS: '10000' });

    const killed = spawn(process.execPath, [connectdBin, 'sync', 'fakeshop', 'products', '--config', config], { cwd: repoRoot, env: childEnv(env) });
    const exited = new Promise((resolve) => killed.on('exit', resolve));
    await waitFor('5 pages served to the first sync', () => vendor.served().length >= 5, { timeoutMs: 60_000, intervalMs: 20 });
    killed.kill('SIGKILL');
    await exited;

    const { code, stdout, stderr } = await runCli(['sync', 'fakeshop', 'products', '--config', config], env);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('CONNECTD_ERR_JOBS_BUSY');
    expect(stderr).toMatch(/waiting for the running sync of this stream \(job \d+/);
    expect(stderr).toMatch(/stopped without finishing.*taking it over/);
    expect(stdout).toMatch(/fakeshop\.products: succeeded/);
    expect(landed(await withStore(target, readProducts))).toEqual(expectedProducts(vendor.records()));
    // The taken-over run resumed from its checkpoint: the first page was asked for once.
    expect(vendor.log.filter((r) => r.first)).toHaveLength(1);
  });
});
