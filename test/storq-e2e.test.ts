import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFakeStorq, type FakeStorq } from '@connectd/connector-storq/testing';
import type { Queryable } from '@connectd/core';
import { createTestDatabases, oneStoreBackend, storeBackends } from '@connectd/core/testing';
import { bundledConfig, repoRoot, runCli, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { freshTarget, withStore, type SyncTarget } from './support/sync-project.js';
import { waitFor } from '@connectd/core/testing';

// Issue 7 acceptance: the bundled `storq` connector (storq/default preset) against the fake storq
// server, through `connectd sync`, `connectd run` (webhooks and actions) and `connectd action`.

const ADMIN_TOKEN = 'adm1n-storq-e2e-3f9a';
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const running: DaemonProcess[] = [];
const fakes: FakeStorq[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fakeStorq(seed = 7): Promise<FakeStorq> {
  const fake = await startFakeStorq({ seed });
  fakes.push(fake);
  return fake;
}

function storqEnv(fake: FakeStorq, target: SyncTarget, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...target.env,
    STORQ_API_KEY: fake.liveKey,
    STORQ_WEBHOOK_SECRET: fake.webhookSecret,
    STORQ_BASE_URL: fake.baseUrl,
    CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN,
    CONNECTD_WORKER_POLL_MS: '100',
    ...extra,
  };
}

const levelsIn = async (db: Queryable): Promise<Array<[string, number]>> =>
  (await db.query<{ natural_key: string; quantity: string }>(`select natural_key, quantity::text as quantity from connectd.inventory_levels order by natural_key`)).rows.map(
    (r): [string, number] => [r.natural_key, Number(r.quantity)],
  );
const levels = (target: SyncTarget): Promise<Array<[string, number]>> => withStore(target, levelsIn);

const source = (fake: FakeStorq): Array<[string, number]> => fake.stock().map((r): [string, number] => [`default/${r.sku}`, r.quantity]);

async function processed(daemon: DaemonProcess): Promise<number> {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  return [...text.matchAll(/^connectd_webhooks_processed_total\{[^}]*outcome="processed"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

describe.each(storeBackends())('storq end to end on %s', (backend) => {
  it('syncs stock exactly, applies signed webhooks, refuses a wrong signature, and creates an order through the API', async () => {
    const fake = await fakeStorq();
    fake.setStock(Array.from({ length: 230 }, (_, i) => ({ sku: `SKU-${String(i).padStart(4, '0')}`, quantity: (i * 7) % 50 })));
    const target = await freshTarget(backend, dbs);
    const env = storqEnv(fake, target);

    const sync = await runCli(['sync', 'storq', 'stock', '--config', bundledConfig], env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(await levels(target)).toEqual(source(fake));

    const daemon = await startDaemonProcess({ env, config: bundledConfig, timeoutMs: 60_000 });
    running.push(daemon);
    const webhookUrl = `${daemon.url}/webhooks/storq`;

    // An order created through the admin API, then shipped by storq.
    const created = await fetch(`${daemon.url}/api/actions/storq/create_order`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customer_email: 'ada@example.com', external_id: 'A-1001', line_items: [{ sku: 'SKU-0001', quantity: 2 }] }),
    });
    const order = (await created.json()) as { status: string; outcome: string; result: { id: string } };
    expect([created.status, order.status, order.outcome]).toEqual([200, 'succeeded', 'created']);
    expect(fake.orders().map((o) => o.external_id)).toEqual(['A-1001']);

    const badInput = await fetch(`${daemon.url}/api/actions/storq/create_order`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customer_email: 'nobody', line_items: [] }),
    });
    const refused = (await badInput.json()) as { code: string; errors: Array<{ path: string }> };
    expect([badInput.status, refused.code]).toEqual([400, 'CONNECTD_ERR_ACTION_INPUT_INVALID']);
    expect(refused.errors.length).toBeGreaterThanOrEqual(2);
    expect(fake.orders()).toHaveLength(1);

    // A wrong signature: 401, nothing stored.
    const forged = await fake.deliver(webhookUrl, fake.updateStock('SKU-0002', 999), { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    // Signed by storq (both header spellings are accepted).
    expect((await fake.deliver(webhookUrl, fake.updateStock('SKU-0003', 41))).status).toBe(202);
    expect((await fake.deliver(webhookUrl, fake.shipOrder(order.result.id, '1Z999AA10123456784'), { header: 'storq.io-signature' })).status).toBe(202);
    await waitFor('both webhooks to be processed', async () => (await processed(daemon)) >= 2, { timeoutMs: 30_000 });
    expect(await daemon.stop('SIGTERM')).toBe(0);

    // Both reads through one open of the store (a PGlite open costs a second or more).
    const { after, orders } = await withStore(target, async (db) => ({
      after: new Map(await levelsIn(db)),
      orders: (await db.query<{ external_id: string; status: string; tracking_number: string; shipped: boolean }>(`select external_id, status, tracking_number, shipped_at is not null as shipped from connectd.orders`)).rows,
    }));
    expect(after.get('default/SKU-0003')).toBe(41);
    // The forged update changed nothing: the row still has the synced quantity.
    expect(after.get('default/SKU-0002')).toBe(14);
    expect(orders).toEqual([{ external_id: 'A-1001', status: 'shipped', tracking_number: '1Z999AA10123456784', shipped: true }]);
  }, 180_000);

});

describe.each(oneStoreBackend())('storq stock sync under faults on %s', (backend) => {
  it('lands exactly the source through 10% 429 (Retry-After 1), 10% 500 and 5% connection resets', async () => {
    const fake = await fakeStorq(42);
    fake.setStock(Array.from({ length: 1_000 }, (_, i) => ({ sku: `SKU-${String(i).padStart(4, '0')}`, quantity: i % 97 })));
    fake.setFaults({ rate429: 0.1, retryAfterSeconds: 1, rate500: 0.1, rateReset: 0.05 });
    const target = await freshTarget(backend, dbs);
    const sync = await runCli(['sync', 'storq', 'stock', '--config', bundledConfig], storqEnv(fake, target));
    expect(sync.code, sync.stderr).toBe(0);
    const faults = fake.requests.filter((r) => r.fault !== null).map((r) => r.fault);
    expect(new Set(faults).size).toBeGreaterThanOrEqual(2);
    expect(await levels(target)).toEqual(source(fake));
  }, 180_000);
});

describe('storq create_order when storq creates the order and then times out', () => {
  it('retries after the timeout, finds the order by external_id, and leaves exactly one order', async () => {
    const fake = await fakeStorq();
    // An integrator's file: the preset, with a short headers timeout so the hang is noticed soon.
    // It lives inside the repository so the plugin package resolves from it, as in a user's project.
    const scratch = join(repoRoot, 'node_modules', '.cache', 'connectd-tests');
    mkdirSync(scratch, { recursive: true });
    const config = join(mkdtempSync(join(scratch, 'storq-')), 'connectors.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'plugins: ["@connectd/connector-storq"]',
        'connectors:',
        '  storq:',
        '    extends: storq/default',
        '    base_url: ${STORQ_BASE_URL}',
        '    auth: { token: "${STORQ_API_KEY}" }',
        '    webhooks: { verify: { secret: "${STORQ_WEBHOOK_SECRET}" } }',
        '    timeouts: { headers_ms: 1000 }',
        '',
      ].join('\n'),
    );
    const target = await freshTarget('pglite', dbs);
    fake.createThenHang(1);
    const input = { customer_email: 'grace@example.com', external_id: 'B-2002', line_items: [{ sku: 'SKU-9', quantity: 1 }] };
    const run = await runCli(['action', 'storq', 'create_order', '--input', JSON.stringify(input), '--config', config], storqEnv(fake, target));
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'existing', result: { external_id: 'B-2002' } });
    expect(fake.orders().filter((o) => o.external_id === 'B-2002')).toHaveLength(1);
    // The second attempt looked the order up before it would have posted again.
    const calls = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c === 'POST /api/v1/orders')).toHaveLength(1);
    expect(calls.filter((c) => c === 'GET /api/v1/orders').length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
