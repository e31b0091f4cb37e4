import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabases, keyIdOf } from '@connectd/core/testing';
import { childEnv, repoRoot } from './support/daemon-process.js';
import { freshTarget, withStore } from './support/sync-project.js';

// The steps of examples/square-quickstart pass as a test. run-all.mjs runs each step as its own
// process (fake Square, daemon, consent, sync, signed webhook, status); this suite runs it the way
// a reader would and then reads what the steps left in the store.

const runAll = join(repoRoot, 'examples', 'square-quickstart', 'run-all.mjs');
/** A bound for a loaded machine; the run takes about 15 s. run-all is stopped (and stops its children) at it. */
const RUN_TIMEOUT_MS = 55_000;
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

// The fake's seeded merchant (start-fake-square.mjs, seed 1): item variations with their prices,
// and the IN_STOCK count of each at Main and Mission, with update-stock.mjs's SKU-0001-1 at Main -> 41.
const expectedProducts = [
  ['SKU-0001-1', 'Tea 0001 - Regular', 15.36],
  ['SKU-0001-2', 'Tea 0001 - Large', 29.87],
  ['SKU-0002-1', 'Coffee 0002 - Regular', 6.73],
  ['SKU-0002-2', 'Coffee 0002 - Large', 22.16],
  ['SKU-0003-1', 'Mug 0003 - Regular', 33.16],
  ['SKU-0003-2', 'Mug 0003 - Large', 27.15],
  ['SKU-0004-1', 'Scone 0004 - Regular', 40.44],
  ['SKU-0004-2', 'Scone 0004 - Large', 37.8],
];
const expectedLevels = [
  ['SKU-0001-1', 'Main', 41],
  ['SKU-0001-1', 'Mission', 111],
  ['SKU-0001-2', 'Main', 96],
  ['SKU-0001-2', 'Mission', 144],
  ['SKU-0002-1', 'Main', 26],
  ['SKU-0002-1', 'Mission', 67],
  ['SKU-0002-2', 'Main', 196],
  ['SKU-0002-2', 'Mission', 52],
  ['SKU-0003-1', 'Main', 60],
  ['SKU-0003-1', 'Mission', 161],
  ['SKU-0003-2', 'Main', 178],
  ['SKU-0003-2', 'Mission', 170],
  ['SKU-0004-1', 'Main', 109],
  ['SKU-0004-1', 'Mission', 21],
  ['SKU-0004-2', 'Main', 19],
  ['SKU-0004-2', 'Mission', 176],
];

type Row = Record<string, unknown>;

// The quickstart's own store is the embedded one: run it as a newcomer would.
describe.each(['pglite' as const])('the Square quickstart on %s', (backend) => {
  it('runs every step, prints the summary, and leaves the merchant synced, the webhook applied and the tokens under the kept key', async () => {
    const target = await freshTarget(backend, dbs);
    const run = await runQuickstart({ ...target.env });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('square quickstart: all steps passed');
    expect(run.output).toMatch(/connection: +square-demo active, merchant MLQW2MYBY81PZ\n/);
    expect(run.output).toMatch(/synced: +2 stores, 8 products, 16 inventory levels, 6 orders, 16 transactions \(13 order lines, 3 payments\)\n/);
    expect(run.output).toMatch(/webhook: +inventory\.count\.updated SKU-0001-1 at Main 75 -> 41 answered 2\d\d, processed\n/);
    expect(run.output).toMatch(/stored level: +SKU-0001-1 at Main = 41\n/);
    // connectd status, asked of the running daemon, shows the connection and every stream's run.
    expect(run.output).toMatch(/\[status\] connectd \S+ \(from the running daemon\)/);
    expect(run.output).toMatch(/\[status\] +square:square-demo +breaker closed/);
    for (const stream of ['locations', 'catalog', 'inventory', 'orders', 'payments']) expect(run.output).toMatch(new RegExp(`square:square-demo\\.${stream} +last succeeded`));

    const dataDir = target.env['CONNECTD_DATA_DIR']!;
    const landed = await withStore(target, async (db) => {
      const rows = async (sql: string): Promise<Row[]> => (await db.query<Row>(sql)).rows;
      return {
        stores: (await rows(`select name, currency, active from connectd.stores where connector = 'square' order by name`)).map((r) => [r['name'], r['currency'], r['active']]),
        products: (await rows(`select sku, name, price::text as price from connectd.products where connector = 'square' order by sku`)).map((r) => [r['sku'], r['name'], Number(r['price'])]),
        levels: (
          await rows(
            `select l.product_key, s.name, l.quantity::text as quantity from connectd.inventory_levels l
               join connectd.stores s on s.tenant_id = l.tenant_id and s.natural_key = l.store_key order by l.product_key, s.name`,
          )
        ).map((r) => [r['product_key'], r['name'], Number(r['quantity'])]),
        orders: (await rows(`select status, count(*)::int as n from connectd.orders where connector = 'square' group by status order by status`)).map((r) => [r['status'], r['n']]),
        transactions: (
          await rows(`select natural_key like 'payment:%' as payment, count(*)::int as n from connectd.transactions where connector = 'square' group by 1 order by 1`)
        ).map((r) => [r['payment'] ? 'payments' : 'order lines', r['n']]),
        connections: await rows(`select id, tenant_id, status, vendor_account_id from connectd_engine.connections`),
        keyIds: (await rows(`select distinct key_id from connectd_engine.credentials`)).map((r) => r['key_id']),
      };
    });
    expect(landed.stores).toEqual([
      ['Main', 'USD', true],
      ['Mission', 'USD', true],
    ]);
    expect(landed.products).toEqual(expectedProducts);
    expect(landed.levels).toEqual(expectedLevels);
    expect(landed.orders).toEqual([
      ['CANCELED', 1],
      ['COMPLETED', 5],
    ]);
    // Sales are the lines of the completed orders; the canceled one's 3 lines sold nothing.
    expect(landed.transactions).toEqual([
      ['order lines', 13],
      ['payments', 3],
    ]);
    expect(landed.connections).toEqual([{ id: 'square-demo', tenant_id: 'demo', status: 'active', vendor_account_id: 'MLQW2MYBY81PZ' }]);

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
