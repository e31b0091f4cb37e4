import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabases } from '@connectd/core/testing';
import { childEnv, repoRoot } from './support/daemon-process.js';
import { freshTarget, withStore } from './support/sync-project.js';

// Issue 7 acceptance: the steps of examples/storq-quickstart pass as a test. run-all.mjs runs each
// step as its own process (fake storq, sync, daemon, webhook, order, orders sync, status); this
// suite runs it the way a reader would and then reads what the steps left in the store.

const runAll = join(repoRoot, 'examples', 'storq-quickstart', 'run-all.mjs');
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

/** Runs run-all.mjs with nothing from the developer's environment but PATH and HOME. */
function runQuickstart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runAll], { cwd: repoRoot, env: childEnv(env) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

// The fake's seeded stock (start-fake-storq.mjs) with send-webhook.mjs's MUG-BLUE -> 10 applied.
const expectedLevels = [
  ['default/CAP-BLACK', 7],
  ['default/MUG-BLUE', 10],
  ['default/MUG-RED', 3],
  ['default/TEE-L', 0],
  ['default/TEE-M', 25],
];

// The quickstart's own store is the embedded one: run it as a newcomer would.
describe.each(['pglite' as const])('the storq quickstart on %s', (backend) => {
  it('runs every step, prints the summary, and leaves the synced stock with the webhook applied and the created order', async () => {
    const target = await freshTarget(backend, dbs);
    const run = await runQuickstart({ ...target.env });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('storq quickstart: all steps passed');
    expect(run.output).toMatch(/stock rows synced: +5\n/);
    expect(run.output).toMatch(/webhook: +stock\.updated MUG-BLUE -> 10 answered 202, processed\n/);
    expect(run.output).toMatch(/order: +shop-1001 created at storq as ord_\S+ \(pending\)\n/);
    expect(run.output).toMatch(/orders synced: +1\n/);

    // Both reads through one open of the store (a PGlite open costs a second or more).
    const { levels, orders } = await withStore(target, async (db) => ({
      levels: (await db.query<{ natural_key: string; quantity: string }>(`select natural_key, quantity::text as quantity from connectd.inventory_levels order by natural_key`)).rows.map(
        (row) => [row.natural_key, Number(row.quantity)],
      ),
      orders: (
        await db.query<Record<string, unknown>>(
          `select external_id, customer_email, lines, status, tracking_number, connector, vendor_id like 'ord\\_%' as storq_id from connectd.orders`,
        )
      ).rows,
    }));
    expect(levels).toEqual(expectedLevels);
    expect(orders).toEqual([
      {
        external_id: 'shop-1001',
        customer_email: 'ana@example.com',
        lines: [{ sku: 'MUG-BLUE', quantity: 2 }],
        status: 'pending',
        tracking_number: null,
        connector: 'storq',
        storq_id: true,
      },
    ]);
  }, 240_000);
});
