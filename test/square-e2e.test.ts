import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  signSquarePayload,
  SQUARE_SDK_WEBHOOK_VECTORS,
  startFakeSquare,
  type FakeSquare,
  type FakeSquareMerchant,
} from '@connectd/connector-square/testing';
import { createTestDatabases, oneStoreBackend, waitFor } from '@connectd/core/testing';
import { bundledConfig, runCli, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { freshTarget, withStore, type SyncTarget } from './support/sync-project.js';

// Issue 11 acceptance: the bundled `square` connector (square/default) through `connectd run` as a
// child process against the fake Square: consent, `connectd sync square`, signed webhooks (count,
// order fetched whole, catalog change), the revocation at delete, and the faults Square has.

const ADMIN_TOKEN = 'adm1n-square-e2e-8c1d';
/** The subscription's notification URL as registered at Square: part of what it signs. */
const NOTIFICATION_URL = 'https://connectd.example.com/webhooks/square';
const SECRET_KEY = randomBytes(32).toString('base64');
const TENANT = 'acme';
const CONNECTION = `square-${TENANT}`;

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const running: DaemonProcess[] = [];
const fakes: FakeSquare[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fakeSquare(seed: number): Promise<FakeSquare> {
  const fake = await startFakeSquare({ seed });
  fakes.push(fake);
  return fake;
}

function squareEnv(fake: FakeSquare, target: SyncTarget, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...target.env,
    SQUARE_APPLICATION_ID: fake.applicationId,
    SQUARE_APPLICATION_SECRET: fake.applicationSecret,
    SQUARE_WEBHOOK_SIGNATURE_KEY: fake.signatureKey,
    SQUARE_WEBHOOK_URL: NOTIFICATION_URL,
    SQUARE_BASE_URL: fake.url,
    CONNECTD_SECRET_KEY: SECRET_KEY,
    CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN,
    CONNECTD_WORKER_POLL_MS: '100',
    ...extra,
  };
}

async function daemonWith(env: Record<string, string>): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess({ env, config: bundledConfig, timeoutMs: 60_000 });
  running.push(daemon);
  return daemon;
}

const api = (daemon: DaemonProcess, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${daemon.url}/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers ?? {}) } });

/** The merchant follows `connectd connect`'s link: start → Square's consent page (approved) → the daemon's callback. */
async function connect(daemon: DaemonProcess, fake: FakeSquare, env: Record<string, string>): Promise<{ link: string; status: number }> {
  const printed = await runCli(['connect', 'square', '--tenant', TENANT, '--config', bundledConfig], { ...env, CONNECTD_PUBLIC_URL: daemon.url });
  expect(printed.code, printed.stderr).toBe(0);
  const link = printed.stdout.trim().split('\n').pop()!;
  const start = await fetch(link, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(`${authorize.origin}${authorize.pathname}`).toBe(fake.authorizeUrl);
  expect(authorize.searchParams.get('scope')).toBe('MERCHANT_PROFILE_READ ITEMS_READ INVENTORY_READ ORDERS_READ PAYMENTS_READ');
  // The redirect URL names the daemon's public URL; the callback goes to the daemon listening here.
  const back = new URL(await fake.visitAuthorizeUrl(authorize.toString()));
  const callback = await fetch(`${daemon.url}${back.pathname}${back.search}`);
  return { link, status: callback.status };
}

async function deliver(fake: FakeSquare, daemon: DaemonProcess, event: Parameters<FakeSquare['deliver']>[0], options: Partial<Parameters<FakeSquare['deliver']>[1]> = {}): Promise<number> {
  return (await fake.deliver(event, { url: `${daemon.url}/webhooks/square`, notificationUrl: NOTIFICATION_URL, ...options })).status;
}

async function processedWebhooks(daemon: DaemonProcess): Promise<number> {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  return [...text.matchAll(/^connectd_webhooks_processed_total\{[^}]*outcome="(?:processed|dead)"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

type Row = Record<string, unknown>;
const query = (target: SyncTarget, sql: string): Promise<Row[]> => withStore(target, async (db) => (await db.query<Row>(sql)).rows);

/** What the store must hold after a sync: exactly the fake merchant's data, mapped. */
function expectedFrom(merchant: FakeSquareMerchant) {
  const variations = merchant.variations({ includeDeleted: true });
  const skuOf = new Map(variations.map((v) => [v.id, v.item_variation_data.sku === '' ? v.id : v.item_variation_data.sku]));
  const deletedItems = new Set(merchant.items({ includeDeleted: true }).filter((i) => i.is_deleted === true).map((i) => i.id));
  const orders = merchant.orders();
  const completed = orders.filter((o) => o.state === 'COMPLETED');
  return {
    stores: merchant.locations().map((l) => l.id).sort(),
    products: variations.map((v) => [skuOf.get(v.id)!, !(v.is_deleted === true || deletedItems.has(v.item_variation_data.item_id))] as const).sort(),
    levels: merchant
      .counts()
      .filter((c) => c.state === 'IN_STOCK')
      .map((c) => [`${c.location_id}/${skuOf.get(c.catalog_object_id)}`, Number(c.quantity)] as const)
      .sort(),
    orders: orders.map((o) => [o.id, o.state] as const).sort(),
    // Sales are the lines (and returned lines) of completed orders.
    transactions: [
      ...completed.flatMap((o) => (o.line_items ?? []).map((l) => `${o.id}:${l.uid}`)),
      ...completed.flatMap((o) => (o.returns ?? []).flatMap((r) => (r.return_line_items ?? []).map((l) => `${o.id}:return:${l.uid}`))),
      ...merchant.payments().map((p) => `payment:${p.id}`),
    ].sort(),
  };
}

/** What the store holds, read through one open (a PGlite open costs seconds). */
function landed(target: SyncTarget) {
  return withStore(target, async (db) => {
    const rows = async (sql: string): Promise<Row[]> => (await db.query<Row>(sql)).rows;
    return {
      stores: (await rows(`select natural_key from connectd.stores order by natural_key`)).map((r) => r['natural_key']),
      products: (await rows(`select natural_key, active from connectd.products order by natural_key, active`)).map((r) => [r['natural_key'], r['active']] as const),
      levels: (await rows(`select natural_key, quantity::float8 as q from connectd.inventory_levels order by natural_key`)).map((r) => [r['natural_key'], r['q']] as const),
      orders: (await rows(`select natural_key, status from connectd.orders order by natural_key`)).map((r) => [r['natural_key'], r['status']] as const),
      transactions: (await rows(`select natural_key from connectd.transactions order by natural_key`)).map((r) => r['natural_key']),
    };
  });
}

// One engine (see oneStoreBackend): nothing here depends on which store the daemon runs on.
describe.each(oneStoreBackend())('square end to end on %s', (backend) => {
  it('connects a merchant, syncs exactly what it has, applies signed webhooks, and revokes its token on delete', async () => {
    const fake = await fakeSquare(11);
    const merchant = fake.merchant();
    merchant.seed({ locations: 2, items: 12, deletedItems: 1, orders: 15, payments: 6 });
    merchant.refundOrder(merchant.orders().find((o) => o.state === 'COMPLETED')!.id);
    const target = await freshTarget(backend, dbs);
    const env = squareEnv(fake, target);

    // Consent through the link `connectd connect` prints.
    let daemon = await daemonWith(env);
    const consent = await connect(daemon, fake, env);
    expect(consent.status).toBe(200);
    const view = (await (await api(daemon, `/connections/${CONNECTION}`)).json()) as Row;
    expect(view).toMatchObject({ id: CONNECTION, connector: 'square', tenant: TENANT, status: 'active', vendorAccountId: merchant.id });
    expect(await daemon.stop('SIGTERM')).toBe(0);

    // One sync of every stream (the embedded store takes one process at a time).
    const sync = await runCli(['sync', 'square', '--config', bundledConfig], env);
    expect(sync.code, sync.stderr + sync.stdout).toBe(0);
    const expected = expectedFrom(merchant);
    expect(await landed(target)).toEqual(expected);

    // Webhooks, signed as Square signs them, to a daemon running again.
    daemon = await daemonWith(env);
    const [count] = merchant.counts().filter((c) => c.state === 'IN_STOCK');
    const inventory = merchant.updateCount(count!.catalog_object_id, count!.location_id, '41');
    const open = merchant.orders().find((o) => o.state === 'OPEN')!;
    const updated = merchant.updateOrder(open.id, { state: 'COMPLETED' });
    const [item] = merchant.items();
    const added = merchant.addVariation(item!.id, { name: 'Jumbo', sku: 'JUMBO-1', priceAmount: 725 });
    const catalogRuns = async (): Promise<number> => fake.requests.filter((r) => r.path === '/v2/catalog/search').length;
    const before = await catalogRuns();

    // Refused: signed over the body alone, with another key, or re-serialised; nothing is stored.
    expect(await deliver(fake, daemon, inventory.event, { signBodyOnly: true })).toBe(401);
    expect(await deliver(fake, daemon, inventory.event, { signWithKey: 'not-the-key' })).toBe(401);
    expect(await deliver(fake, daemon, inventory.event, { reserialize: true })).toBe(401);
    for (const event of [inventory.event, updated.event, added.event]) expect(await deliver(fake, daemon, event)).toBe(202);
    // Square retries a delivery it thinks failed: a duplicate event_id is answered 200 and stored once.
    expect(await deliver(fake, daemon, inventory.event, { retry: { number: 1, reason: 'http_timeout' } })).toBe(200);
    await waitFor('the three events to be processed', async () => (await processedWebhooks(daemon)) >= 3, { timeoutMs: 30_000 });
    await waitFor('the catalog run the catalog event asked for', async () => (await catalogRuns()) > before, { timeoutMs: 30_000 });
    // The order event carried a summary: the daemon fetched the order whole.
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === `/v2/orders/${open.id}`)).toBe(true);
    expect(await daemon.stop('SIGTERM')).toBe(0);

    const after = await landed(target);
    const variation = merchant.variations().find((v) => v.id === count!.catalog_object_id)!;
    const countKey = `${count!.location_id}/${variation.item_variation_data.sku || variation.id}`;
    expect(new Map(after.levels).get(countKey)).toBe(41);
    // Everything else is as the sync left it, plus what the events changed.
    expect(after.levels).toEqual(expectedFrom(merchant).levels);
    expect(new Map(after.orders).get(open.id)).toBe('COMPLETED');
    expect(new Map(after.products).get('JUMBO-1')).toBe(true);
    // The catalog event ran the catalog stream once, beside the sync's run.
    const runs = await query(target, `select count(*)::int as n from connectd_engine.sync_runs r join connectd_engine.connections c on c.id = r.connection_id where r.stream = 'catalog' and r.result = 'succeeded'`);
    expect(runs[0]!['n']).toBe(2);

    // Deleting the connection revokes its token at Square first.
    daemon = await daemonWith(env);
    const deleted = await api(daemon, `/connections/${CONNECTION}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(fake.revocations).toHaveLength(1);
    expect(fake.revocations[0]).toMatchObject({ merchantId: merchant.id });
  }, 240_000);
});

describe.each(oneStoreBackend())('square webhooks and faults on %s', (backend) => {
  it("accepts the webhook Square's SDKs test their signature helper with, and refuses it when a byte of body or URL changes", async () => {
    const vector = SQUARE_SDK_WEBHOOK_VECTORS[0]!;
    const fake = await fakeSquare(3);
    const target = await freshTarget(backend, dbs);
    const daemon = await daemonWith(squareEnv(fake, target, { SQUARE_WEBHOOK_URL: vector.notificationUrl, SQUARE_WEBHOOK_SIGNATURE_KEY: vector.signatureKey }));
    const post = (body: string, signature: string): Promise<Response> =>
      fetch(`${daemon.url}/webhooks/square`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature }, body });
    expect((await post(vector.body, vector.signature)).status).toBe(202);
    const oneByte = vector.body.replace('MLEFBHHSJGVHD', 'MLEFBHHSJGVHE');
    expect((await post(oneByte, vector.signature)).status).toBe(401);
    const otherUrl = `${vector.notificationUrl.slice(0, -1)}X`;
    expect((await post(vector.body, signSquarePayload(otherUrl, vector.body, vector.signatureKey))).status).toBe(401);
    // The key and URL as configured sign the same body to the same value: only the URL differed.
    expect(signSquarePayload(vector.notificationUrl, vector.body, vector.signatureKey)).toBe(vector.signature);
  }, 120_000);

  it('accepts an event for a merchant no connection has, dead-letters it with the reason, and replays it once the merchant connects', async () => {
    const fake = await fakeSquare(5);
    const merchant = fake.merchant();
    merchant.seed({ locations: 1, items: 2 });
    const target = await freshTarget(backend, dbs);
    const env = squareEnv(fake, target);
    const daemon = await daemonWith(env);
    const variation = merchant.variations()[0]!;
    const early = merchant.updateCount(variation.id, merchant.locations()[0]!.id, '7');
    expect(await deliver(fake, daemon, early.event)).toBe(202);
    await waitFor('the event to be dead-lettered', async () => (await processedWebhooks(daemon)) >= 1, { timeoutMs: 30_000 });

    expect((await connect(daemon, fake, env)).status).toBe(200);
    const replay = await api(daemon, '/dead-letters/replay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ connector: 'square' }) });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { replayed: number }).replayed).toBe(1);
    await waitFor('the replayed event to be processed', async () => (await processedWebhooks(daemon)) >= 2, { timeoutMs: 30_000 });
    await daemon.stop('SIGTERM');
    const [letter] = await query(target, `select error_code, reason, replayed_at is not null as replayed from connectd_engine.dead_letters order by id limit 1`);
    expect(letter).toMatchObject({ error_code: 'CONNECTD_ERR_WEBHOOK_PROCESSING_UNKNOWN_CONNECTION', replayed: true });
    expect(String(letter!['reason'])).toContain(merchant.id);
  }, 120_000);

  it('lands a 2,000-variation catalog and 1,000 orders exactly through 10% 429 and 5% 500, and an expired cursor', async () => {
    const fake = await fakeSquare(42);
    const merchant = fake.merchant();
    merchant.seed({ locations: 3, items: 1_000, variationsPerItem: 2, orders: 1_000, payments: 50 });
    const target = await freshTarget(backend, dbs);
    const env = squareEnv(fake, target);
    const daemon = await daemonWith(env);
    expect((await connect(daemon, fake, env)).status).toBe(200);
    await daemon.stop('SIGTERM');

    // Cursors expire now and then too (Square's pages have a limited life): the walk restarts.
    fake.faults.set({ rate429: 0.1, rate500: 0.05, rateCursorExpiry: 0.03 });
    const sync = await runCli(['sync', 'square', '--config', bundledConfig], env);
    expect(sync.code, sync.stderr + sync.stdout).toBe(0);
    const faults = new Set(fake.requests.filter((r) => r.fault !== null).map((r) => r.fault));
    expect([...faults].sort()).toEqual(['cursors_expired', 'internal_error', 'rate_limited']);
    expect(fake.requests.some((r) => r.status === 400 && r.fault === 'cursors_expired')).toBe(true);
    expect(await landed(target)).toEqual(expectedFrom(merchant));
  }, 600_000);

  it('refreshes once when Square refuses the token, then marks the connection needs_reauth when the grant is gone', async () => {
    const fake = await fakeSquare(9);
    const merchant = fake.merchant();
    merchant.seed({ locations: 1, items: 1 });
    const target = await freshTarget(backend, dbs);
    const env = squareEnv(fake, target);
    const daemon = await daemonWith(env);
    expect((await connect(daemon, fake, env)).status).toBe(200);
    await daemon.stop('SIGTERM');

    // The merchant revokes the app in Square's dashboard: every token of the authorization ends.
    merchant.revokeAuthorization();
    fake.clearRequests();
    const sync = await runCli(['sync', 'square', 'locations', '--config', bundledConfig], env);
    expect(sync.code).not.toBe(0);
    expect(sync.stderr + sync.stdout).toContain('CONNECTD_ERR_OAUTH_NEEDS_REAUTH');
    const calls = fake.requests.map((r) => `${r.method} ${r.path} ${String(r.status)}`);
    expect(calls).toEqual(['GET /v2/locations 401', 'POST /oauth2/token 400']);
    const [connection] = await query(target, `select status, status_reason from connectd_engine.connections where id = '${CONNECTION}'`);
    expect(connection!['status']).toBe('needs_reauth');
    // Nothing in the store or the output carries a token.
    for (const token of merchant.tokens().map((t) => t.accessToken)) {
      expect(sync.stderr + sync.stdout).not.toContain(token);
      expect(String(connection!['status_reason'])).not.toContain(token);
    }
  }, 120_000);

  it('marks the connection needs_reauth when Square sends oauth.authorization.revoked', async () => {
    const fake = await fakeSquare(13);
    const merchant = fake.merchant();
    const target = await freshTarget(backend, dbs);
    const env = squareEnv(fake, target);
    const daemon = await daemonWith(env);
    expect((await connect(daemon, fake, env)).status).toBe(200);
    const { event } = merchant.revokeAuthorization();
    expect(await deliver(fake, daemon, event)).toBe(202);
    await waitFor('the connection to be marked', async () => ((await (await api(daemon, `/connections/${CONNECTION}`)).json()) as Row)['status'] === 'needs_reauth', { timeoutMs: 30_000 });
  }, 120_000);
});
