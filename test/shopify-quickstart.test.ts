import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeShopify, type FakeShopifyShop } from '@connectd/connector-shopify/testing';
import { createTestDatabases, keyIdOf } from '@connectd/core/testing';
import { childEnv, repoRoot } from './support/daemon-process.js';
import { freshTarget, withStore } from './support/sync-project.js';

// The steps of examples/shopify-quickstart pass as a test. run-all.mjs runs each step as its own
// process (fake Shopify, daemon, install, sync, signed webhook, status); this suite runs it the way
// a reader would and then reads what the steps left in the store against the fake's seed.

const runAll = join(repoRoot, 'examples', 'shopify-quickstart', 'run-all.mjs');
/** A bound for a loaded machine; the run takes about 15 s. run-all is stopped (and stops its children) at it. */
const RUN_TIMEOUT_MS = 55_000;
/** What start-fake-shopify.mjs starts: the fake's seed 1 and its one shop. */
const FAKE_SEED = 1;
const SHOP = 'acme-tea.myshopify.com';
/** What run-all.mjs has update-stock.mjs change. */
const WEBHOOK = { sku: 'SKU-0001-YPZ', location: 'Main Store', available: 41 };
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

/** Runs run-all.mjs with nothing from the developer's environment but PATH and HOME; SIGTERMs it at the bound. */
function runQuickstart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runAll], { cwd: repoRoot, env: childEnv(env) });
    let output = '';
    const timer = setTimeout(() => {
      output += `\n[test] run-all.mjs still running after ${RUN_TIMEOUT_MS} ms: SIGTERM\n`;
      child.kill('SIGTERM');
    }, RUN_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const byFirst = <T extends readonly unknown[]>(a: T, b: T): number => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0);

/**
 * What the store must hold after the quickstart: the seeded shop, mapped (a product's key is its
 * SKU, else its variant id; GraphQL reads an untracked item's `available` as 0), with the
 * webhook's level applied. The fake makes the same shop for the same seed and domain.
 */
async function expectedShop() {
  const fake = await startFakeShopify({ seed: FAKE_SEED, shops: [SHOP] });
  try {
    const shop: FakeShopifyShop = fake.shop(SHOP);
    const variants = shop.variants();
    const keyOfVariant = new Map(variants.map((v) => [v.id, v.sku === null || v.sku === '' ? v.id : v.sku]));
    const keyOfItem = new Map(variants.map((v) => [v.inventoryItemId, keyOfVariant.get(v.id)!]));
    const locations = shop.locations();
    const changed = locations.find((l) => l.name === WEBHOOK.location)!;
    const orders = shop.orders();
    const levels = shop.levels().map((l) => {
      const key = keyOfItem.get(l.inventoryItemId)!;
      const available = l.locationId === changed.id && key === WEBHOOK.sku ? WEBHOOK.available : (l.available ?? 0);
      return [`${l.locationId}/${key}`, available] as const;
    });
    return {
      stores: locations.map((l) => [l.id, l.name] as const).sort(byFirst),
      products: [...keyOfVariant.values()].sort(),
      levels: levels.sort(byFirst),
      before: shop.level(variants.find((v) => v.sku === WEBHOOK.sku)!.inventoryItemId, changed.id)!.available,
      orders: orders.map((o) => o.id).sort(),
      transactions: orders
        .filter((o) => o.cancelledAtMs === null)
        .flatMap((o) => o.lineItems.map((l) => `${o.id}:${l.id}`))
        .sort(),
    };
  } finally {
    await fake.close();
  }
}

type Row = Record<string, unknown>;

// The quickstart's own store is the embedded one: run it as a newcomer would.
describe.each(['pglite' as const])('the Shopify quickstart on %s', (backend) => {
  it('runs every step, prints the summary, and leaves the shop synced exactly, the webhook applied and the tokens under the kept key', async () => {
    const expected = await expectedShop();
    // Ids beyond 2^53 (the fulfilment service's location) must arrive digit for digit.
    expect(expected.stores.some(([id]) => BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
    const target = await freshTarget(backend, dbs);
    const run = await runQuickstart({ ...target.env });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('shopify quickstart: all steps passed');
    expect(run.output).toMatch(new RegExp(`connection: +shopify-demo active, shop ${SHOP.replaceAll('.', '\\.')}\\n`));
    const synced = `${expected.stores.length} stores, ${expected.products.length} products, ${expected.levels.length} inventory levels, ${expected.orders.length} orders, ${expected.transactions.length} transactions`;
    expect(run.output).toContain(`synced:             ${synced}\n`);
    expect(run.output).toMatch(new RegExp(`webhook: +inventory_levels/update ${WEBHOOK.sku} at ${WEBHOOK.location} ${expected.before} -> ${WEBHOOK.available} answered 2\\d\\d, processed\\n`));
    expect(run.output).toContain(`stored level:       ${WEBHOOK.sku} at ${WEBHOOK.location} = ${WEBHOOK.available}\n`);
    // connectd status, asked of the running daemon, shows the connection and every stream's run.
    expect(run.output).toMatch(/\[status\] connectd \S+ \(from the running daemon\)/);
    expect(run.output).toMatch(/\[status\] +shopify:shopify-demo +breaker closed/);
    for (const stream of ['locations', 'variants', 'inventory', 'orders']) expect(run.output).toMatch(new RegExp(`shopify:shopify-demo\\.${stream} +last succeeded`));

    const dataDir = target.env['CONNECTD_DATA_DIR']!;
    const landed = await withStore(target, async (db) => {
      const rows = async (sql: string): Promise<Row[]> => (await db.query<Row>(sql)).rows;
      // Sorted here, as the expectations are: the database's collation may order '-' and '/' otherwise.
      const keys = async (table: string): Promise<string[]> => (await rows(`select natural_key from connectd.${table} where connector = 'shopify'`)).map((r) => String(r['natural_key'])).sort();
      return {
        stores: (await rows(`select natural_key, name from connectd.stores where connector = 'shopify'`)).map((r) => [r['natural_key'], r['name']] as const).sort(byFirst),
        products: await keys('products'),
        levels: (await rows(`select natural_key, quantity::float8 as q from connectd.inventory_levels where connector = 'shopify'`)).map((r) => [r['natural_key'], r['q']] as const).sort(byFirst),
        orders: await keys('orders'),
        transactions: await keys('transactions'),
        customerEmails: (await rows(`select count(*)::int as n from connectd.orders where customer_email is not null`))[0]!['n'],
        connections: await rows(`select id, tenant_id, status, vendor_account_id from connectd_engine.connections`),
        keyIds: (await rows(`select distinct key_id from connectd_engine.credentials`)).map((r) => r['key_id']),
      };
    });
    expect(landed.stores).toEqual(expected.stores);
    expect(landed.products).toEqual(expected.products);
    expect(landed.levels).toEqual(expected.levels);
    expect(landed.orders).toEqual(expected.orders);
    expect(landed.transactions).toEqual(expected.transactions);
    // connectd keeps no customer data: the orders it writes carry no e-mail.
    expect(landed.customerEmails).toBe(0);
    expect(landed.connections).toEqual([{ id: 'shopify-demo', tenant_id: 'demo', status: 'active', vendor_account_id: SHOP }]);

    // The tokens are encrypted under the key the quickstart made once and kept (owner-only) in the
    // data folder, not under a development key connectd would have generated without one.
    const kept = join(dataDir, 'quickstart.env');
    expect(statSync(kept).mode & 0o777).toBe(0o600);
    const key = /^export CONNECTD_SECRET_KEY=(\S+)$/m.exec(readFileSync(kept, 'utf8'))![1]!;
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(landed.keyIds).toEqual([keyIdOf(Buffer.from(key, 'base64'))]);
    expect(existsSync(join(dataDir, 'secret.key'))).toBe(false);
  }, 60_000);
});
