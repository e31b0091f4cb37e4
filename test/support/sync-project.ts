import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, openStore, type Queryable, type Store } from '@connectd/core';
import type { createTestDatabases, storeBackends } from '@connectd/core/testing';
import type { FakeRecord } from './fake-vendor.js';

/** The fake vendor's bearer token; configs read it from the child's environment, never inline. */
export const FAKESHOP_TOKEN = 'fakeshop-t0ken-for-sync-tests-7c2a';
export const ADMIN_TOKEN = 'adm1n-t0ken-for-sync-tests-1b9e';

/** The products mapping the suites use: vendor id and updated-at feed the source columns. */
export const PRODUCTS_MAP =
  '{ "sku": sku, "name": name, "price": $number(price), "vendor_id": $string(id), "vendor_updated_at": updated_at }';

export interface SyncConfigOptions {
  /** The fake vendor's origin. */
  readonly vendorUrl: string;
  /** Records per page (the `limit` query parameter). Default 50. */
  readonly pageSize?: number;
  readonly map?: string;
  /** Cron for `products`, when the daemon should run it. */
  readonly schedule?: string;
  /** More streams of the connector, as config objects. */
  readonly extraStreams?: Readonly<Record<string, unknown>>;
}

/**
 * Writes a connectors.yaml (JSON is YAML) with one connector, `fakeshop`, whose `products` stream
 * reads the fake vendor at `/products` with keyset cursors and `updated_since` incremental reads.
 * No connection is declared, so it gets the implicit one: id `fakeshop`, tenant `default`.
 */
export function writeSyncConfig(options: SyncConfigOptions): string {
  const config = {
    version: 1,
    connectors: {
      fakeshop: {
        base_url: options.vendorUrl,
        auth: { type: 'bearer', token: '${FAKESHOP_TOKEN}' },
        streams: {
          products: {
            request: { path: '/products', query: { limit: options.pageSize ?? 50 } },
            records: '$.products',
            pagination: { type: 'cursor', path: '$.next_cursor', param: 'cursor' },
            entity: 'product',
            incremental: { cursor_field: 'updated_at', param: 'updated_since' },
            map: options.map ?? PRODUCTS_MAP,
            ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
          },
          ...options.extraStreams,
        },
      },
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'connectd-sync-'));
  const path = join(dir, 'connectors.yaml');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** Where a test's connectd processes keep their data, and how the test reads it afterwards. */
export interface SyncTarget {
  readonly backend: StoreBackend;
  /** DATABASE_URL or CONNECTD_DATA_DIR for the children. */
  readonly env: Readonly<Record<string, string>>;
  /** Opens the same store in the test process (PGlite: only while no child has it open). */
  open(): Promise<Store>;
}

type StoreBackend = ReturnType<typeof storeBackends>[number];
type TestDatabases = ReturnType<typeof createTestDatabases>;

const silentLog = () => createLogger({ level: 'silent', destination: { write: () => undefined } });

/** A fresh, empty database (Postgres) or data folder (PGlite) for one test. */
export async function freshTarget(backend: StoreBackend, dbs: TestDatabases): Promise<SyncTarget> {
  if (backend === 'postgres') {
    const databaseUrl = await dbs.createPostgresDatabase();
    return { backend, env: { DATABASE_URL: databaseUrl }, open: () => openStore({ databaseUrl, dataDir: tmpdir(), log: silentLog() }) };
  }
  const dataDir = await dbs.createDataDir();
  return { backend, env: { CONNECTD_DATA_DIR: dataDir }, open: () => openStore({ dataDir, log: silentLog() }) };
}

/** Opens the target's store, runs `fn` on it, and closes it again (releasing PGlite's folder lock). */
export async function withStore<T>(target: SyncTarget, fn: (db: Queryable) => Promise<T>): Promise<T> {
  const store = await target.open();
  try {
    return await fn(store.db);
  } finally {
    await store.close();
  }
}

/** A row of connectd.products as the suites compare it. */
export interface ProductRow {
  readonly tenant_id: string;
  readonly natural_key: string;
  readonly sku: string;
  readonly name: string;
  readonly price: string;
  readonly connector: string;
  readonly connection_id: string;
  readonly vendor_id: string;
  readonly vendor_updated_at: Date;
  readonly updated_at: Date;
  readonly data: Record<string, unknown>;
}

export async function readProducts(db: Queryable): Promise<ProductRow[]> {
  const { rows } = await db.query<ProductRow>(
    `select tenant_id, natural_key, sku, name, price::text as price, connector, connection_id, vendor_id,
            vendor_updated_at, updated_at, data
       from connectd.products order by natural_key`,
  );
  return rows;
}

/** What landing `records` must leave in connectd.products, in the shape {@link landed} gives. */
export function expectedProducts(records: readonly FakeRecord[]): Array<Record<string, unknown>> {
  return records
    .map((r) => ({
      key: String(r.sku),
      sku: String(r.sku),
      name: String(r.name),
      price: Number(r.price),
      vendorId: String(r.id),
      vendorUpdatedAt: new Date(String(r.updated_at)).toISOString(),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The rows of connectd.products reduced to what a source record determines. */
export function landed(rows: readonly ProductRow[]): Array<Record<string, unknown>> {
  return rows.map((row) => ({
    key: row.natural_key,
    sku: row.sku,
    name: row.name,
    price: Number(row.price),
    vendorId: row.vendor_id,
    vendorUpdatedAt: row.vendor_updated_at.toISOString(),
  }));
}

/** The env of a child that syncs the fake vendor. */
export function syncEnv(target: SyncTarget, extra: Record<string, string> = {}): Record<string, string> {
  return { ...target.env, FAKESHOP_TOKEN, ...extra };
}

/** One stream's entry in `GET /api/status` / `connectd status --json`. */
export interface StreamStatusEntry {
  readonly connector: string;
  readonly connection: string;
  readonly stream: string;
  readonly lastRun: { startedAt: string; finishedAt: string | null; records: number; pages: number; result: string; error: string | null } | null;
  readonly nextRun: string | null;
  readonly checkpoint: { highWaterMark: string | null; resuming: boolean } | null;
  readonly deadLetters: number;
}

/** The daemon's status entry of `fakeshop`'s `stream`, through the admin API. */
export async function streamStatus(daemonUrl: string, stream = 'products'): Promise<StreamStatusEntry | undefined> {
  const res = await fetch(`${daemonUrl}/api/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (res.status !== 200) throw new Error(`/api/status answered ${res.status}`);
  const body = (await res.json()) as { streams?: StreamStatusEntry[] };
  return body.streams?.find((s) => s.connector === 'fakeshop' && s.stream === stream);
}
