import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  signShopifyQuery,
  SHOPIFY_SDK_WEBHOOK_VECTORS,
  startFakeShopify,
  type FakeShopify,
  type FakeShopifyShop,
} from '@connectd/connector-shopify/testing';
import type { Queryable } from '@connectd/core';
import { createTestDatabases, oneStoreBackend, serverStoreBackend, waitFor } from '@connectd/core/testing';
import { bundledConfig, runCli, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { freshTarget, withStore, type SyncTarget } from './support/sync-project.js';

// Issue 12 acceptance: the bundled `shopify` connector (shopify/graphql) through `connectd run` as
// a child process against the fake Shopify: consent for two shops, every forged input refused,
// both shops synced exactly (ids beyond 2^53 intact), webhooks to the right shop, one refresh for
// three processes, uninstall and shop redaction, and Shopify's own webhook HMAC vector.

const ADMIN_TOKEN = 'adm1n-shopify-e2e-5d2e';
const SECRET_KEY = randomBytes(32).toString('base64');
const SHOPS = ['acme-tea.myshopify.com', 'globex-goods.myshopify.com'] as const;
const tenantOf = (shop: string): string => shop.split('.')[0]!;
const connectionOf = (shop: string): string => `shopify-${tenantOf(shop)}`;

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const running: DaemonProcess[] = [];
const fakes: FakeShopify[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fakeShopify(seed: number): Promise<FakeShopify> {
  // Seeded orders stay visible (the 60-day window needs read_all_orders); a fast budget keeps the test short.
  const fake = await startFakeShopify({
    seed,
    shops: SHOPS.map((domain) => ({ domain, seed: { locations: 2, fulfillmentServiceLocation: true, products: 6, orders: 8, maxAgeDays: 20 } })),
    ordersWindowDays: null,
    graphqlRestoreRate: 1000,
    graphqlMaximumAvailable: 2000,
  });
  fakes.push(fake);
  return fake;
}

function shopifyEnv(fake: FakeShopify, target: SyncTarget): Record<string, string> {
  return {
    ...target.env,
    SHOPIFY_CLIENT_ID: fake.clientId,
    SHOPIFY_CLIENT_SECRET: fake.clientSecret,
    SHOPIFY_SHOP_URL: `${fake.url}/{shop}`,
    CONNECTD_SECRET_KEY: SECRET_KEY,
    CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN,
    CONNECTD_WORKER_POLL_MS: '100',
  };
}

async function daemonWith(env: Record<string, string>): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess({ env, config: bundledConfig, timeoutMs: 60_000 });
  running.push(daemon);
  return daemon;
}

const api = (daemon: DaemonProcess, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${daemon.url}/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers ?? {}) } });

/** The link `connectd connect` prints for a shop. */
async function linkFor(daemon: DaemonProcess, env: Record<string, string>, shop: string): Promise<string> {
  const printed = await runCli(['connect', 'shopify', '--tenant', tenantOf(shop), '--param', `shop=${shop}`, '--config', bundledConfig], { ...env, CONNECTD_PUBLIC_URL: daemon.url });
  expect(printed.code, printed.stderr).toBe(0);
  return printed.stdout.trim().split('\n').pop()!;
}

/** The merchant approves at the fake; resolves the callback URL on the daemon (not yet opened). */
async function approve(daemon: DaemonProcess, fake: FakeShopify, link: string): Promise<URL> {
  const start = await fetch(link, { redirect: 'manual' });
  expect(start.status, await start.clone().text()).toBe(302);
  const back = new URL(await fake.visitAuthorizeUrl(start.headers.get('location')!));
  return new URL(`${daemon.url}${back.pathname}${back.search}`);
}

const oauthCalls = (fake: FakeShopify): number => fake.requests.filter((r) => r.kind === 'oauth' && r.method === 'POST').length;

async function processedWebhooks(daemon: DaemonProcess): Promise<number> {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  return [...text.matchAll(/^connectd_webhooks_processed_total\{[^}]*outcome="(?:processed|dead|ignored)"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

type Row = Record<string, unknown>;

/** What the store must hold for one shop after a sync: exactly the fake's data, mapped. */
function expectedFrom(shop: FakeShopifyShop) {
  const variants = shop.variants();
  const keyOfVariant = new Map(variants.map((v) => [v.id, v.sku === null || v.sku === '' ? v.id : v.sku]));
  const keyOfItem = new Map(variants.map((v) => [v.inventoryItemId, keyOfVariant.get(v.id)!]));
  const orders = shop.orders();
  return {
    stores: shop.locations().map((l) => l.id).sort(),
    products: [...keyOfVariant.values()].sort(),
    // GraphQL reads an untracked item's `available` as 0 (its quantity is Int!).
    levels: shop
      .levels()
      .map((l) => [`${l.locationId}/${keyOfItem.get(l.inventoryItemId)}`, l.available ?? 0] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    orders: orders.map((o) => o.id).sort(),
    transactions: orders
      .filter((o) => o.cancelledAtMs === null)
      .flatMap((o) => o.lineItems.map((l) => `${o.id}:${l.id}`))
      .sort(),
  };
}

/** What one connection's rows hold; `db` is a store the test opened once for every query of a check (a PGlite open costs seconds). */
async function landed(db: Queryable, connection: string) {
  const of = async (table: string, extra = ''): Promise<Row[]> => (await db.query<Row>(`select natural_key${extra} from connectd.${table} where connection_id = $1 order by natural_key`, [connection])).rows;
  return {
    stores: (await of('stores')).map((r) => r['natural_key']),
    products: (await of('products')).map((r) => r['natural_key']),
    levels: (await of('inventory_levels', ', quantity::float8 as q')).map((r) => [r['natural_key'], r['q']] as const),
    orders: (await of('orders')).map((r) => r['natural_key']),
    transactions: (await of('transactions')).map((r) => r['natural_key']),
  };
}

// One engine (see oneStoreBackend): nothing here depends on which store the daemon runs on.
describe.each(oneStoreBackend())('shopify end to end on %s', (backend) => {
  it('connects two shops safely, syncs each exactly, routes webhooks to the right shop, and handles uninstall and redaction', async () => {
    const fake = await fakeShopify(12);
    const target = await freshTarget(backend, dbs);
    const env = shopifyEnv(fake, target);
    let daemon = await daemonWith(env);

    // Forged inputs: refused, nothing stored, no call to Shopify's token endpoint. A forged shop
    // gets no link (exit 2), and one added to a real link is refused (400: the link's shop is its
    // connect session's).
    const before = oauthCalls(fake);
    // The forged one and every link this test opens, made at once: each `connectd connect` is a process start.
    const [forged, links] = await Promise.all([
      runCli(['connect', 'shopify', '--tenant', tenantOf(SHOPS[0]), '--param', 'shop=evil.example:443', '--config', bundledConfig], { ...env, CONNECTD_PUBLIC_URL: daemon.url }),
      Promise.all([SHOPS[0], SHOPS[0], SHOPS[0], SHOPS[0], ...SHOPS].map((shop) => linkFor(daemon, env, shop))),
    ]);
    expect(forged.code).toBe(2);
    expect(forged.stderr).toContain('CONNECTD_ERR_OAUTH_START_INVALID');
    const [forShop, forCallback, forOtherShop, forStale, ...forConsents] = links;
    const forgedShop = await fetch(`${forShop}&shop=evil.example%3A443`, { redirect: 'manual' });
    expect(forgedShop.status).toBe(400);
    const callback = await approve(daemon, fake, forCallback!);
    const tampered = new URL(callback);
    tampered.searchParams.set('hmac', '0'.repeat(64));
    expect((await fetch(tampered)).status).toBe(400);
    const otherShop = await approve(daemon, fake, forOtherShop!);
    otherShop.searchParams.set('shop', SHOPS[1]);
    otherShop.searchParams.set('hmac', signShopifyQuery(otherShop.searchParams, fake.clientSecret));
    expect((await fetch(otherShop)).status).toBe(400);
    const stale = await approve(daemon, fake, forStale!);
    stale.searchParams.set('timestamp', String(Math.floor(Date.now() / 1000) - 3600));
    stale.searchParams.set('hmac', signShopifyQuery(stale.searchParams, fake.clientSecret));
    expect((await fetch(stale)).status).toBe(400);
    expect(oauthCalls(fake)).toBe(before);
    expect(((await (await api(daemon, '/connections?connector=shopify')).json()) as { connections: unknown[] }).connections).toEqual([]);

    // The real consents; a replayed callback is refused.
    expect((await fetch(callback)).status).toBe(400); // its state was spent by the tampered attempt
    for (const link of forConsents) {
      const ok = await approve(daemon, fake, link);
      expect((await fetch(ok)).status).toBe(200);
      expect((await fetch(ok)).status).toBe(400);
    }
    const { connections } = (await (await api(daemon, '/connections?connector=shopify')).json()) as { connections: Row[] };
    expect(connections.map((c) => [c['id'], c['status'], c['vendorAccountId']]).sort()).toEqual(SHOPS.map((s) => [connectionOf(s), 'active', s]).sort());
    expect(await daemon.stop('SIGTERM')).toBe(0);

    // Both shops synced exactly, each into its own connection's rows. Postgres takes both syncs at
    // once; PGlite's folder is one process's at a time.
    const syncShop = (shop: string) => runCli(['sync', 'shopify', '--connection', connectionOf(shop), '--config', bundledConfig], env);
    const syncs = backend === 'postgres' ? await Promise.all(SHOPS.map(syncShop)) : [await syncShop(SHOPS[0]), await syncShop(SHOPS[1])];
    for (const sync of syncs) expect(sync.code, sync.stderr + sync.stdout).toBe(0);
    await withStore(target, async (db) => {
      for (const shop of SHOPS) expect(await landed(db, connectionOf(shop))).toEqual(expectedFrom(fake.shop(shop)));
    });
    expect(fake.counters()).toMatchObject({ throttled: 0, rest429: 0 });

    // Webhooks reach the right shop; a bad HMAC is refused and stores nothing.
    daemon = await daemonWith(env);
    const url = `${daemon.url}/webhooks/shopify`;
    const acme = fake.shop(SHOPS[0]);
    const globex = fake.shop(SHOPS[1]);
    const level = acme.levels().find((l) => l.available !== null)!;
    const change = acme.setAvailable(level.inventoryItemId, level.locationId, 321);
    expect((await fake.deliver(change.event, { url, signWith: 'not-the-secret' })).status).toBe(401);
    expect((await fake.deliver(change.event, { url })).status).toBe(202);
    await waitFor('the level event to be processed', async () => (await processedWebhooks(daemon)) >= 1, { timeoutMs: 30_000 });
    expect((await fake.deliver(globex.uninstall().event, { url })).status).toBe(202);
    await waitFor('the uninstall to disable the connection', async () => ((await (await api(daemon, `/connections/${connectionOf(SHOPS[1])}`)).json()) as Row)['status'] === 'disabled', { timeoutMs: 30_000 });
    expect((await fake.deliver(globex.shopRedact().event, { url })).status).toBe(202);
    await waitFor('the redaction to be processed', async () => (await processedWebhooks(daemon)) >= 3, { timeoutMs: 30_000 });
    expect(await daemon.stop('SIGTERM')).toBe(0);

    await withStore(target, async (db) => {
      expect(await landed(db, connectionOf(SHOPS[0]))).toEqual(expectedFrom(acme));
      expect(await landed(db, connectionOf(SHOPS[1]))).toEqual({ stores: [], products: [], levels: [], orders: [], transactions: [] });
      const { rows: [tokens] } = await db.query<Row>(`select count(*)::int as n from connectd_engine.credentials where connection_id = $1`, [connectionOf(SHOPS[1])]);
      expect(tokens!['n']).toBe(0);
    });
  }, 240_000);
});

// Three processes at once need a database several processes open: Postgres.
describe.each(serverStoreBackend())('shopify token refresh across processes on %s', (backend) => {
  it('refreshes an expired token once while three processes sync the shop', async () => {
    const fake = await fakeShopify(21);
    const target = await freshTarget(backend, dbs);
    const env = shopifyEnv(fake, target);
    const daemon = await daemonWith(env);
    expect((await fetch(await approve(daemon, fake, await linkFor(daemon, env, SHOPS[0])))).status).toBe(200);
    await daemon.stop('SIGTERM');
    const sync = await runCli(['sync', 'shopify', 'locations', '--connection', connectionOf(SHOPS[0]), '--config', bundledConfig], env);
    expect(sync.code, sync.stderr).toBe(0);

    fake.shop(SHOPS[0]).expireAccessTokens();
    const refreshes = (): number => fake.requests.filter((r) => r.kind === 'oauth' && (r.body as { grant_type?: string } | undefined)?.grant_type === 'refresh_token').length;
    const before = refreshes();
    const runs = await Promise.all(['locations', 'variants', 'orders'].map((stream) => runCli(['sync', 'shopify', stream, '--connection', connectionOf(SHOPS[0]), '--config', bundledConfig], env)));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(refreshes() - before).toBe(1);
  }, 180_000);
});

describe.each(oneStoreBackend())('shopify webhook vector on %s', (backend) => {
  it("accepts the webhook Shopify's libraries test their HMAC validation with, and refuses it when one byte changes", async () => {
    const vector = SHOPIFY_SDK_WEBHOOK_VECTORS[0]!;
    const fake = await startFakeShopify({ seed: 3, clientSecret: vector.secret, shops: [SHOPS[0]] });
    fakes.push(fake);
    const target = await freshTarget(backend, dbs);
    const daemon = await daemonWith(shopifyEnv(fake, target));
    // The vectors' own shop headers use *.myshopify.io; the signature covers the body only.
    const post = (body: string): Promise<Response> =>
      fetch(`${daemon.url}/webhooks/shopify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-hmac-sha256': vector.hmac,
          'x-shopify-topic': 'shop/update',
          'x-shopify-shop-domain': SHOPS[0],
          'x-shopify-api-version': '2025-10',
          'x-shopify-webhook-id': `vector-${body.length}`,
        },
        body,
      });
    expect((await post(vector.body)).status).toBe(202);
    expect((await post(vector.body.replace('bar', 'baz'))).status).toBe(401);
  }, 120_000);
});
