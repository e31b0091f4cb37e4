import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestDatabases, storeBackends } from '@connectd/core/testing';
import { runCli } from './support/daemon-process.js';
import { createFakeRecordsVendor, fakeProducts, type FakeRecordsVendor } from './support/fake-vendor.js';
import {
  FAKESHOP_TOKEN,
  expectedProducts,
  freshTarget,
  landed,
  readProducts,
  syncEnv,
  withStore,
  writeSyncConfig,
  type SyncTarget,
} from './support/sync-project.js';

// Issue 4 acceptance, through `connectd sync` child processes against a loopback fake vendor:
// exact landing, incremental re-runs, dead letters, and older-never-overwrites-newer.

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const vendors: FakeRecordsVendor[] = [];
afterEach(async () => {
  await Promise.all(vendors.splice(0).map((v) => v.close()));
});

async function fakeshop(count: number): Promise<FakeRecordsVendor> {
  const vendor = await createFakeRecordsVendor({ path: '/products', recordsKey: 'products', token: FAKESHOP_TOKEN, records: fakeProducts(count) });
  vendors.push(vendor);
  return vendor;
}

function sync(config: string, target: SyncTarget, ...args: string[]) {
  return runCli(['sync', 'fakeshop', ...args, '--config', config], syncEnv(target));
}

describe.each(storeBackends())('connectd sync on %s', (backend) => {
  it('lands exactly the source rows; a second run fetches only what changed since and changes only those rows', async () => {
    const vendor = await fakeshop(1500);
    const config = writeSyncConfig({ vendorUrl: vendor.url, pageSize: 50 });
    const target = await freshTarget(backend, dbs);

    const first = await sync(config, target, 'products');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^fakeshop\.products: succeeded, 30 pages, 1500 records \(0 failed\)/m);
    expect(vendor.served()).toHaveLength(30);
    // The first run has no high-water mark yet: it asks for everything.
    expect(vendor.served().every((r) => r.since === undefined)).toBe(true);

    const source = vendor.records();
    const mark = source.map((r) => String(r.updated_at)).sort().at(-1)!;
    const before = await withStore(target, async (db) => {
      const rows = await readProducts(db);
      const { rows: checkpoints } = await db.query<{ high_water_mark: string | null; cursor: unknown }>(
        `select high_water_mark, cursor from connectd_engine.checkpoints where connection_id = 'fakeshop' and stream = 'products'`,
      );
      return { rows, checkpoints };
    });
    expect(landed(before.rows)).toEqual(expectedProducts(source));
    expect(before.rows.every((r) => r.tenant_id === 'default' && r.connector === 'fakeshop' && r.connection_id === 'fakeshop')).toBe(true);
    expect(before.checkpoints).toEqual([{ high_water_mark: mark, cursor: null }]);

    // Change three records, add one; the rest stay as they were.
    const changed = [17, 800, 1499].map((id) => vendor.update(id, { name: `Renamed ${id}`, price: '77.70' }));
    const [added] = vendor.insert({ id: 1501, sku: 'SKU-01501', name: 'Brand new', price: '5.00' });
    vendor.clearLog();

    const second = await sync(config, target, 'products');
    expect(second.code).toBe(0);
    const requests = vendor.served();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.since === mark)).toBe(true);
    // updated_since is inclusive: besides the changes, only the record at the mark itself comes back.
    const boundary = source.filter((r) => r.updated_at === mark).map((r) => String(r.id));
    const fetched = requests.flatMap((r) => r.ids).sort();
    expect(fetched).toEqual([...changed.map((r) => String(r.id)), String(added!.id), ...boundary].sort());

    const after = await withStore(target, readProducts);
    expect(landed(after)).toEqual(expectedProducts(vendor.records()));
    const touched = new Set([...changed, added!].map((r) => String(r.sku)));
    const beforeByKey = new Map(before.rows.map((r) => [r.natural_key, r]));
    for (const row of after) {
      const old = beforeByKey.get(row.natural_key);
      if (touched.has(row.natural_key)) {
        if (old !== undefined) expect(row.updated_at.getTime()).toBeGreaterThan(old.updated_at.getTime());
      } else {
        expect(row.updated_at.getTime()).toBe(old!.updated_at.getTime());
      }
    }
  }, 120_000);

  it('dead-letters a record that breaks the mapping and one that breaks the schema; the others land and the run succeeds', async () => {
    const vendor = await fakeshop(120);
    // Both on the second page (records 51-100): same updated_at, so their places stay.
    vendor.update(60, { price: 'call us', updated_at: vendor.get(60)!.updated_at }); // $number() of a non-number: the mapping fails
    const noSku = { ...vendor.get(70)! };
    delete noSku.sku; // the mapping leaves sku out: the product schema requires it
    vendor.insert(noSku);
    const config = writeSyncConfig({ vendorUrl: vendor.url, pageSize: 50 });
    const target = await freshTarget(backend, dbs);

    const result = await sync(config, target, 'products');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^fakeshop\.products: succeeded, 3 pages, 120 records \(2 failed\)/m);
    expect(vendor.served().filter((r) => r.ids.includes('60') || r.ids.includes('70')).map((r) => r.ids.length)).toEqual([50]);

    const { rows, letters, runs } = await withStore(target, async (db) => ({
      rows: await readProducts(db),
      letters: (
        await db.query<{ connector: string; connection_id: string; stream: string; run_id: string; payload: Record<string, unknown>; error_code: string; reason: string; source_kind: string }>(
          `select connector, connection_id, stream, run_id::text as run_id, payload, error_code, reason, source_kind
             from connectd_engine.dead_letters order by (payload->>'id')::int`,
        )
      ).rows,
      runs: (await db.query<{ id: string; result: string }>(`select id::text as id, result from connectd_engine.sync_runs`)).rows,
    }));
    const good = vendor.records().filter((r) => r.id !== 60 && r.id !== 70);
    expect(landed(rows)).toEqual(expectedProducts(good));
    expect(runs).toEqual([{ id: expect.any(String), result: 'succeeded' }]);
    expect(letters.map((l) => [l.payload.id, l.error_code])).toEqual([
      [60, 'CONNECTD_ERR_MAPPING_EVALUATE'],
      [70, 'CONNECTD_ERR_MAPPING_SCHEMA'],
    ]);
    for (const letter of letters) {
      expect(letter).toMatchObject({ connector: 'fakeshop', connection_id: 'fakeshop', stream: 'products', run_id: runs[0]!.id, source_kind: 'sync' });
      expect(letter.reason.length).toBeGreaterThan(0);
    }
    // The whole vendor record is kept, so a replay has what it needs.
    expect(letters[0]!.payload).toEqual(vendor.get(60));
    expect(letters[1]!.payload).toEqual(noSku);
  }, 120_000);

  it('never lets an older vendor update overwrite a newer row', async () => {
    const vendor = await fakeshop(100);
    const config = writeSyncConfig({ vendorUrl: vendor.url, pageSize: 50 });
    const target = await freshTarget(backend, dbs);
    const newer = vendor.update(10, { name: 'Newest name', price: '20.50' });
    expect((await sync(config, target, 'products')).code).toBe(0);
    const applied = await withStore(target, readProducts);
    const row = applied.find((r) => r.natural_key === newer.sku)!;
    expect([row.name, Number(row.price)]).toEqual(['Newest name', 20.5]);

    // The vendor now serves an older version of record 10 (a stale replica, a replay) beside a
    // genuinely newer change of record 11. A full run fetches both.
    const stale = vendor.update(10, { name: 'Stale name', price: '1.00', updated_at: '2024-12-31T00:00:00.000Z' });
    const fresh = vendor.update(11, { name: 'Fresh name' });
    const second = await sync(config, target, 'products', '--full');
    expect(second.code).toBe(0);
    expect(vendor.served().filter((r) => r.ids.includes('10')).length).toBeGreaterThanOrEqual(2);

    const after = await withStore(target, readProducts);
    const kept = after.find((r) => r.natural_key === stale.sku)!;
    expect([kept.name, Number(kept.price)]).toEqual(['Newest name', 20.5]);
    expect(kept.vendor_updated_at.toISOString()).toBe(newer.updated_at);
    expect(kept.updated_at.getTime()).toBe(row.updated_at.getTime());
    expect(kept.data).toMatchObject({ name: 'Newest name', price: 20.5 });
    expect(after.find((r) => r.natural_key === fresh.sku)!.name).toBe('Fresh name');
  }, 120_000);
});

describe('connectd sync arguments', () => {
  it('exits 2 for an unknown connector and lists the known ones', async () => {
    const vendor = await fakeshop(1);
    const config = writeSyncConfig({ vendorUrl: vendor.url });
    const target = await freshTarget('pglite', dbs);
    const result = await runCli(['sync', 'fakeshoq', '--config', config], syncEnv(target));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR');
    expect(result.stderr).toContain('fakeshop');
    expect(vendor.log).toEqual([]);
  }, 60_000);

  it('exits 2 for an unknown stream and lists the connector’s streams', async () => {
    const vendor = await fakeshop(1);
    const config = writeSyncConfig({
      vendorUrl: vendor.url,
      extraStreams: { variants: { request: { path: '/variants' }, records: '$.variants', entity: 'product', map: '{ "sku": sku }' } },
    });
    const target = await freshTarget('pglite', dbs);
    const result = await runCli(['sync', 'fakeshop', 'stock', '--config', config], syncEnv(target));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CONNECTD_ERR_SYNC_UNKNOWN_STREAM');
    expect(result.stderr).toMatch(/products/);
    expect(result.stderr).toMatch(/variants/);
    expect(vendor.log).toEqual([]);
  }, 60_000);
});
