import { afterAll, describe, expect, it } from 'vitest';
import { readChanges } from '../changes/index.js';
import { createEntityCatalog, type EntityRow } from '../mapping/index.js';
import { upsertDeclaredConnection, type Database } from '../store/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { mergePages } from '../sync/run-stream-batches.js';
import type { PageWrite, SyncStore } from '../sync/index.js';
import { createEntityWriter } from './entity-writer.js';
import { createSyncStore } from './sync-store.js';

// Several pages of a sync written in one transaction (sync/run-stream-batches.ts) must leave the
// table exactly as writing them one transaction each would: an older vendor_updated_at never
// overwrites a newer one, whichever page or place in a page each version of a key comes in.

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const catalog = createEntityCatalog();
const ACME = { id: 'storq-acme', tenant: 'acme', config: {} };
const SOLO = { id: 'storq-solo', tenant: 'solo', config: {} };
type Connection = typeof ACME;

const level = (sku: string, quantity: number, vendorUpdatedAt?: string): EntityRow => ({
  entity: 'inventory_level',
  naturalKey: sku,
  value: { sku, quantity, ...(vendorUpdatedAt === undefined ? {} : { vendor_updated_at: vendorUpdatedAt }) },
});

const at = (day: number): string => `2026-03-${String(day).padStart(2, '0')}T00:00:00Z`;

/** Three pages: versions of A, B and C in and out of vendor_updated_at order, within and across pages. */
const PAGES: readonly (readonly EntityRow[])[] = [
  // A: newest first, then older in the same page and in later pages. B: oldest first.
  [level('A', 3, at(3)), level('B', 1, at(1)), level('A', 1, at(1))],
  [level('B', 2, at(2)), level('A', 2, at(2)), level('C', 5, at(9)), level('B', 4, at(4))],
  // C: an older version after a newer one, on another page; D: kept newer in the table already.
  [level('C', 4, at(8)), level('B', 3, at(3)), level('D', 1, at(1))],
];

/** A sync store with a run of `connection` started, its tenant already holding D newer than any page brings. */
async function syncStore(db: Database, connection: Connection = ACME): Promise<{ store: SyncStore; runId: string; page: (rows: readonly EntityRow[], index: number) => PageWrite }> {
  await upsertDeclaredConnection(db, { id: connection.id, connector: 'storq', tenantId: connection.tenant });
  const store = createSyncStore(db, createEntityWriter(catalog));
  const seedRun = await store.startRun({ connectionId: connection.id, stream: 'seed', mode: 'full' });
  await store.applyPage(page(connection, seedRun, [level('D', 9, at(20))], 0));
  const runId = await store.startRun({ connectionId: connection.id, stream: 'levels', mode: 'full' });
  return { store, runId, page: (rows, index) => page(connection, runId, rows, index) };
}

function page(connection: Connection, runId: string, rows: readonly EntityRow[], index: number): PageWrite {
  const resume = { method: 'GET', url: `https://storq.test/levels?page=${index + 1}`, headers: {} };
  return { connector: 'storq', connection, stream: 'levels', runId, rows, failures: [], checkpoint: { resume }, progress: { pages: 1, records: rows.length } };
}

async function levels(db: Database, tenant: string): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query<{ natural_key: string; quantity: string; vendor_updated_at: Date }>(
    `select natural_key, quantity, vendor_updated_at from connectd.inventory_levels where tenant_id = $1 order by natural_key`,
    [tenant],
  );
  return rows.map((r) => ({ key: r.natural_key, quantity: Number(r.quantity), at: r.vendor_updated_at.toISOString() }));
}

describe.each(storeBackends())('pages written in one transaction on %s', (backend) => {
  it('keep the newest version of every key, as one transaction per page does, whatever order versions come in', async () => {
    // Two tenants of one database: acme gets the pages in one transaction, solo one each.
    const { db } = await dbs.fresh(backend, { migrate: true });
    const batched = await syncStore(db, ACME);
    const single = await syncStore(db, SOLO);

    const counts = await batched.store.applyPage(mergePages(PAGES.map((rows, i) => batched.page(rows, i))));
    for (const [i, rows] of PAGES.entries()) await single.store.applyPage(single.page(rows, i));

    const expected = [
      { key: 'A', quantity: 3, at: '2026-03-03T00:00:00.000Z' },
      { key: 'B', quantity: 4, at: '2026-03-04T00:00:00.000Z' },
      { key: 'C', quantity: 5, at: '2026-03-09T00:00:00.000Z' },
      { key: 'D', quantity: 9, at: '2026-03-20T00:00:00.000Z' },
    ];
    expect(await levels(db, 'acme')).toEqual(expected);
    expect(await levels(db, 'solo')).toEqual(expected);
    // One row per key reaches the statement; D's is refused by the stored newer version.
    expect(counts).toEqual({ inserted: 3, updated: 0, skippedOlder: 1 });
  });

  it('feed the batch as one change per key, its after the version kept', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const { store, runId, page } = await syncStore(db);
    await store.applyPage(mergePages(PAGES.map((rows, i) => page(rows, i))));
    const changes = (await readChanges(db, { after: 0, limit: 100 })).filter((c) => c.source.kind === 'sync' && c.source['run_id'] === runId);
    expect(changes.map((c) => [c.key, c.operation, c.after?.['quantity']])).toEqual([
      ['A', 'created', 3],
      ['B', 'created', 4],
      ['C', 'created', 5],
    ]);
  });

  it('commit the last page’s checkpoint, every page’s progress and dead letters with the rows', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const { store, runId, page } = await syncStore(db);
    const failure = { record: { sku: null }, code: 'CONNECTD_ERR_MAPPING_SCHEMA', reason: 'sku is required' };
    const pages = PAGES.map((rows, i) => page(rows, i));
    await store.applyPage(mergePages([pages[0]!, { ...pages[1]!, failures: [failure] }, { ...pages[2]!, failures: [failure, failure] }]));
    const letters = await db.query<{ n: number; payload: unknown }>(
      `select count(*)::int as n, min(payload::text)::jsonb as payload from connectd_engine.dead_letters where run_id = $1 and stream = 'levels'`,
      [runId],
    );
    expect(letters.rows[0]).toEqual({ n: 3, payload: { sku: null } });
    expect((await store.readCheckpoint(ACME.id, 'levels'))?.resume?.url).toBe('https://storq.test/levels?page=3');
    const { rows } = await db.query<{ pages: number; records: number }>(`select pages::int, records::int from connectd_engine.sync_runs where id = $1`, [runId]);
    expect(rows[0]).toEqual({ pages: 3, records: 10 });
  });
});
