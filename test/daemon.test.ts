import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabases } from '@connectd/core/testing';
import { startDaemonProcess, tempDataDir, type DaemonProcess } from './support/daemon-process.js';

const ADMIN_TOKEN = 'adm1n-t0ken-for-tests-9f3c';
// Template copies of an initialised cluster: initdb costs seconds per start. The SIGTERM test
// below still starts on an empty folder, so a daemon's first start initialises one.
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

describe('connectd run (child process)', () => {
  // The read-only probes share two daemons, one with the admin token and one without: none of
  // them changes anything, and each start costs seconds. Both start at once.
  const shared: DaemonProcess[] = [];
  let withToken: DaemonProcess;
  let withoutToken: DaemonProcess;
  beforeAll(async () => {
    const [dirA, dirB] = await Promise.all([dbs.createDataDir(), dbs.createDataDir()]);
    const started = await Promise.allSettled([
      startDaemonProcess({ env: { CONNECTD_DATA_DIR: dirA, CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN } }),
      startDaemonProcess({ env: { CONNECTD_DATA_DIR: dirB } }),
    ]);
    shared.push(...started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])));
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    [withToken, withoutToken] = shared as [DaemonProcess, DaemonProcess];
  });
  afterAll(async () => {
    await Promise.all(shared.map((d) => d.stop('SIGKILL')));
  });

  it('answers health, readiness and metrics on the embedded store', async () => {
    const daemon = withToken;
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${daemon.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/^connectd_info\{version="\d+\.\d+\.\d+"\} 1$/m);
    expect(metrics).toMatch(/^process_cpu_user_seconds_total /m);
    expect(metrics).toMatch(/^connectd_connectors\{state="idle"\} 3$/m);
  });

  it('keeps /api closed without the admin token and open with it', async () => {
    const daemon = withToken;
    const none = await fetch(`${daemon.url}/api/status`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('CONNECTD_ERR_DAEMON_UNAUTHORIZED');
    const wrong = await fetch(`${daemon.url}/api/status`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${daemon.url}/api/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(ok.status).toBe(200);
    const status = (await ok.json()) as { store: { kind: string; ready: boolean }; connectors: Array<{ name: string; state: string }> };
    expect(status.store).toEqual({ kind: 'pglite', ready: true });
    expect(status.connectors.map((c) => [c.name, c.state])).toEqual([
      ['storq', 'idle'],
      ['square', 'idle'],
      ['shopify', 'idle'],
    ]);
  });

  it('answers /api with 403 when no admin token is configured, never open', async () => {
    const daemon = withoutToken;
    const res = await fetch(`${daemon.url}/api/status`, { headers: { authorization: 'Bearer anything' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('CONNECTD_ERR_DAEMON_ADMIN_DISABLED');
  });

  it('answers unknown routes with a coded 404', async () => {
    for (const daemon of [withToken, withoutToken]) {
      const res = await fetch(`${daemon.url}/nope`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('CONNECTD_ERR_DAEMON_NOT_FOUND');
    }
  });

  // The two signals' tests are independent (each its own folder and daemons): they run side by
  // side, each stopping its own daemons when it ends.
  it.concurrent.for(['SIGTERM', 'SIGINT'] as const)('shuts down gracefully on %s: exit 0, store closed for the next start', async (signal, { expect, onTestFinished }) => {
    const dataDir = signal === 'SIGTERM' ? tempDataDir() : await dbs.createDataDir();
    const first = await startDaemonProcess({ env: { CONNECTD_DATA_DIR: dataDir } });
    onTestFinished(async () => void (await first.stop('SIGKILL')));
    const code = await first.stop(signal);
    expect(code).toBe(0);
    expect(first.output()).toMatch(/"msg":"stopped"/);
    // The embedded store was closed and its lock released: a second daemon opens the same folder.
    const second = await startDaemonProcess({ env: { CONNECTD_DATA_DIR: dataDir } });
    onTestFinished(async () => void (await second.stop('SIGKILL')));
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
  });
});
