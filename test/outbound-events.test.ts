import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestDatabases, oneStoreBackend, waitFor } from '@connectd/core/testing';
import { startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { storqStockWebhooks } from './support/storq-webhooks.js';
import { freshTarget } from './support/sync-project.js';

// Issue 15 acceptance: an app stub on loopback receives every change, in order per key, across a
// SIGKILL of the daemon in the middle of delivery and a 10-minute outage of the app (the daemon's
// outbound clock is moved through CONNECTD_TEST_OUTBOUND_CLOCK_OFFSET_FILE, no real wait); a change
// delivered twice carries the same webhook-id; every signature is checked with the implementation
// of the Standard Webhooks scheme below, written here and not imported. Beside it, an endpoint that
// answers 500 and times out gets everything too, and a healthy one is never held up.

const WEBHOOK_SECRET = 'storq-outbound-test-secret';
const APP_SECRET = `whsec_${Buffer.from('the app and connectd share this key').toString('base64')}`;
const ADMIN_TOKEN = 'outbound-test-admin-token-0123456789';
const SKUS = 8;
const BEFORE_KILL = 48;
const DURING_OUTAGE = 24;
const TOLERANCE_S = 5 * 60;
/** Longer than any delivery may take (the destinations' timeouts are 10 s and 300 ms). */
const IN_FLIGHT_MAX_MS = 30_000;

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/**
 * Standard Webhooks verification, from the specification: HMAC-SHA256 of `id.timestamp.body`, keyed
 * by the base64 after `whsec_`, and a timestamp within the tolerance of the receiver's clock. The
 * test moves the clock while requests are on their way, so "the receiver's clock" is the range it
 * covered while the request could have been signed: `[earliestS, latestS]`.
 */
function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, body: string, earliestS: number, latestS: number): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Number(timestamp) < earliestS - TOLERANCE_S || Number(timestamp) > latestS + TOLERANCE_S) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || signature === undefined) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

interface Receipt {
  readonly id: string;
  readonly body: string;
  readonly type: string;
  readonly key: string;
  readonly position: number;
}

type Mode = 'up' | 'down';

/** An app endpoint: verifies each request and records it; `answer` decides the reply per request. */
async function appStub(
  clockRange: () => readonly [number, number],
  answer: (receipt: Receipt, seen: number) => number | 'hang' = () => 200,
): Promise<{ url: string; attempts: Receipt[]; receipts: Receipt[]; rejected: number; mode: Mode; close(): Promise<void> }> {
  // attempts: every signed request that arrived; receipts: those answered 2xx.
  const stub = { url: '', attempts: [] as Receipt[], receipts: [] as Receipt[], rejected: 0, mode: 'up' as Mode, close: async () => undefined };
  const seen = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    if (stub.mode === 'down') {
      req.socket.destroy();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const [earliest, latest] = clockRange();
      if (!verifyStandardWebhook(APP_SECRET, req.headers, body, Math.floor(earliest / 1000), Math.ceil(latest / 1000))) {
        stub.rejected += 1;
        res.statusCode = 401;
        res.end();
        return;
      }
      const event = JSON.parse(body) as { type: string; data: { key: string; position: number } };
      const receipt = { id: String(req.headers['webhook-id']), body, type: event.type, key: event.data.key, position: event.data.position };
      const times = (seen.get(receipt.id) ?? 0) + 1;
      seen.set(receipt.id, times);
      stub.attempts.push(receipt);
      const reply = answer(receipt, times);
      if (reply === 'hang') return;
      if (reply >= 200 && reply < 300) stub.receipts.push(receipt);
      res.statusCode = reply;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/connectd-events`;
  stub.close = () =>
    new Promise<undefined>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    });
  return stub;
}

function writeConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'connectd-outbound-'));
  const path = join(dir, 'connectors.yaml');
  writeFileSync(
    path,
    `version: 1
destinations:
  app:
    url: \${APP_EVENTS_URL}
    secret: \${APP_EVENTS_SECRET}
    events: [inventory_level.*, connection.*]
  healthy:
    url: \${HEALTHY_EVENTS_URL}
    secret: \${APP_EVENTS_SECRET}
    events: [inventory_level.*]
  flaky:
    url: \${FLAKY_EVENTS_URL}
    secret: \${APP_EVENTS_SECRET}
    events: [inventory_level.*]
    timeout_ms: 300
  unset:
    url: http://127.0.0.1:9/never
    secret: \${UNSET_EVENTS_SECRET}
    events: ["*"]
connectors:
${storqStockWebhooks()}`,
  );
  return path;
}

/** Receipts in arrival order with redeliveries dropped by webhook-id: what the app's dedupe keeps. */
const deduped = (receipts: readonly Receipt[]): Receipt[] => [...new Map(receipts.map((r) => [r.id, r])).values()];
const changeReceipts = (receipts: readonly Receipt[]): Receipt[] => deduped(receipts).filter((r) => r.type.startsWith('inventory_level.'));

/** True when, for every key, positions arrive in increasing order. */
function inOrderPerKey(receipts: readonly Receipt[]): boolean {
  const last = new Map<string, number>();
  return receipts.every((r) => {
    const ok = (last.get(r.key) ?? 0) < r.position;
    last.set(r.key, r.position);
    return ok;
  });
}

// One engine (see oneStoreBackend): nothing here depends on which store the daemon runs on.
describe.each(oneStoreBackend())('outbound events to the app on %s', (backend) => {
  it('delivers every change, in order per key, signed, across a SIGKILL and a 10-minute outage', async () => {
    const clockFile = join(mkdtempSync(join(tmpdir(), 'connectd-clock-')), 'offset-ms');
    let offsetMs = 0;
    const moves: Array<{ at: number; offsetMs: number }> = [];
    const moveClock = (ms: number): void => {
      offsetMs += ms;
      moves.push({ at: Date.now(), offsetMs });
      writeFileSync(clockFile, String(offsetMs));
    };
    // The daemon's clock over the last IN_FLIGHT_MAX_MS of real time: a request arriving now was
    // signed in that span (no delivery outlives its timeout), when the offset was at least the one
    // in force at its start.
    const clockRange = (): readonly [number, number] => {
      const now = Date.now();
      const from = now - IN_FLIGHT_MAX_MS;
      const offsetThen = [...moves].reverse().find((m) => m.at <= from)?.offsetMs ?? 0;
      return [from + offsetThen, now + offsetMs];
    };
    moveClock(0);
    // The app answers 500 to change 3 the first time, and leaves change 10 unanswered the first
    // time: the daemon is killed while that delivery is in flight. Both come again, with their id.
    const app = await appStub(clockRange, (r, seen) => (r.position === 3 && seen === 1 ? 500 : r.position === 10 && seen === 1 ? 'hang' : 200));
    const healthy = await appStub(clockRange);
    // 500 on an event's first attempt, no answer within the timeout on its second, 200 after.
    const flaky = await appStub(clockRange, (_r, seen) => (seen === 1 ? 500 : seen === 2 ? 'hang' : 200));
    cleanups.push(app.close, healthy.close, flaky.close);

    const config = writeConfig();
    const target = await freshTarget(backend, dbs);
    const env = {
      ...target.env,
      STORQ_WEBHOOK_SECRET: WEBHOOK_SECRET,
      APP_EVENTS_URL: app.url,
      HEALTHY_EVENTS_URL: healthy.url,
      FLAKY_EVENTS_URL: flaky.url,
      APP_EVENTS_SECRET: APP_SECRET,
      CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN,
      CONNECTD_WORKER_POLL_MS: '100',
      // The webhooks the killed daemon had claimed are taken again once their lease passes: 5 s
      // instead of the default 30 s of real time (the next daemon takes seconds to start anyway).
      CONNECTD_JOB_LEASE_MS: '5000',
      CONNECTD_TEST_OUTBOUND_CLOCK_OFFSET_FILE: clockFile,
    };
    let daemon: DaemonProcess = await startDaemonProcess({ env, config, timeoutMs: 60_000 });
    cleanups.push(() => daemon.stop('SIGKILL'));

    const send = async (i: number): Promise<void> => {
      const body = JSON.stringify({ id: `evt_${i}`, type: 'stock.updated', data: { object: { sku: `SKU-${i % SKUS}`, quantity: i + 1 } } });
      const signature = createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
      const res = await fetch(`${daemon.url}/webhooks/storq`, { method: 'POST', headers: { 'content-type': 'application/json', 'storq-signature': signature }, body });
      expect(res.status).toBe(202);
    };

    // A destination whose secret variable is missing: the daemon runs, status says it is idle.
    const status = (await (await fetch(`${daemon.url}/api/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
      destinations: Array<{ name: string; state: string; reason?: string }>;
    };
    expect(status.destinations.find((d) => d.name === 'unset')).toMatchObject({ state: 'idle', reason: expect.stringMatching(/secret is not set/) });
    expect(status.destinations.find((d) => d.name === 'app')).toMatchObject({ state: 'active' });

    // Phase 1: changes flow; the daemon is killed while the app is receiving them.
    for (let i = 0; i < BEFORE_KILL; i += 1) await send(i);
    await waitFor('the app to be in the middle of delivering change 10', () => app.attempts.some((r) => r.position === 10), { timeoutMs: 60_000, intervalMs: 20 });
    await daemon.stop('SIGKILL');
    expect(changeReceipts(app.receipts).length).toBeLessThan(BEFORE_KILL);
    daemon = await startDaemonProcess({ env, config, timeoutMs: 60_000 });

    // Phase 2: the app is down. More changes come in; the healthy endpoint gets every one meanwhile.
    app.mode = 'down';
    const atOutage = app.attempts.length;
    for (let i = BEFORE_KILL; i < BEFORE_KILL + DURING_OUTAGE; i += 1) await send(i);
    const total = BEFORE_KILL + DURING_OUTAGE;
    await waitFor('the healthy endpoint to get every change', () => changeReceipts(healthy.receipts).length === total, { timeoutMs: 60_000, intervalMs: 50 });
    expect(app.attempts.length).toBe(atOutage);

    // Ten minutes later the app is back: the daemon's clock moves, retries and expired leases are due.
    moveClock(10 * 60_000);
    app.mode = 'up';
    await waitFor(
      'the app and the flaky endpoint to get every change',
      () => {
        if (changeReceipts(app.receipts).length === total && changeReceipts(flaky.receipts).length === total) return true;
        // Retries of the flaky endpoint back off on the daemon's clock: let it pass, a minute at a time.
        moveClock(60_000);
        return false;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(await daemon.stop('SIGTERM')).toBe(0);

    const store = await target.open();
    let changes: Array<{ position: string; natural_key: string }>;
    try {
      changes = (await store.db.query<{ position: string; natural_key: string }>(`select position, natural_key from connectd.changes where entity = 'inventory_level' order by position`)).rows;
    } finally {
      await store.close();
    }
    expect(changes).toHaveLength(total);
    const positions = changes.map((c) => Number(c.position));
    for (const stub of [app, healthy, flaky]) {
      // What the app's dedupe by webhook-id keeps: every change once, in order per key.
      for (const seen of [changeReceipts(stub.attempts), changeReceipts(stub.receipts)]) {
        expect(seen.map((r) => r.position).sort((a, b) => a - b)).toEqual(positions);
        expect(inOrderPerKey(seen)).toBe(true);
      }
      expect(stub.rejected).toBe(0);
      // A redelivery is the same event: same webhook-id, same body.
      const first = new Map(deduped([...stub.attempts].reverse()).map((r) => [r.id, r.body]));
      for (const r of stub.attempts) expect(first.get(r.id)).toBe(r.body);
      expect(new Set(stub.attempts.map((r) => r.position)).size).toBe(new Set(stub.attempts.map((r) => r.id)).size);
    }
    // Changes 3 (answered 500) and 10 (in flight at the kill) reached the app twice, each with one webhook-id.
    for (const position of [3, 10]) {
      const deliveries = app.attempts.filter((r) => r.position === position);
      expect(deliveries.length).toBeGreaterThanOrEqual(2);
      expect(new Set(deliveries.map((r) => r.id)).size).toBe(1);
    }
    const body = JSON.parse(app.attempts.find((r) => r.position === 3)!.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['data', 'timestamp', 'type']);
    expect(Object.keys(body['data'] as object).sort()).toEqual(['after', 'before', 'connection', 'connector', 'entity', 'key', 'operation', 'position', 'source', 'tenant']);
    // The flaky endpoint saw each event at least three times, and still each once after dedupe.
    expect(flaky.receipts.length).toBe(total);
  }, 240_000);
});
