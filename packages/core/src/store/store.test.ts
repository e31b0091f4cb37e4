import { afterAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { sqlStateOf } from './driver-errors.js';
import { advisoryLockKey } from './advisory-key.js';
import { runMigrations } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { createTestDatabases, storeBackends } from './testing.js';

const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const CANONICAL_TABLES = ['inventory_levels', 'orders', 'products', 'stores', 'transactions'];
const ENGINE_TABLES = [
  'breaker_states',
  'change_counter',
  'change_cursors',
  'checkpoints',
  'connect_sessions',
  'connections',
  'credentials',
  'dead_letters',
  'flow_runs',
  'jobs',
  'lifecycle_events',
  'migrations',
  'oauth_states',
  'outbound_destinations',
  'outbound_events',
  'rate_budgets',
  'rate_flights',
  'schedule_ticks',
  'sync_runs',
  'tenants',
  'vendor_id_map',
  'webhook_inbox',
];

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return isConnectdError(err) ? err.code : `not a connectd error: ${String(err)}`;
  }
  return undefined;
}

describe.each(storeBackends())('store on %s', (backend) => {
  it('migrate creates every canonical table in schema connectd and every engine table in connectd_engine', async () => {
    const store = await dbs.fresh(backend);
    expect(await store.migrate()).toEqual({ applied: MIGRATIONS.map((m) => m.name) });
    const { rows } = await store.db.query<{ schema: string; table: string }>(
      `select table_schema as schema, table_name as "table" from information_schema.tables
       where table_schema in ('connectd', 'connectd_engine') order by 1, 2`,
    );
    // Beside the entities, schema connectd holds the change feed, which apps read with SQL too.
    expect(rows.filter((r) => r.schema === 'connectd').map((r) => r.table)).toEqual(['changes', ...CANONICAL_TABLES]);
    expect(rows.filter((r) => r.schema === 'connectd_engine').map((r) => r.table)).toEqual(ENGINE_TABLES);
  });

  it('gives every canonical table the key, source and data columns, with typed entity fields', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const { rows } = await store.db.query<{ table: string; column: string; type: string; nullable: string }>(
      `select table_name as "table", column_name as "column", data_type as type, is_nullable as nullable
       from information_schema.columns where table_schema = 'connectd'`,
    );
    const column = (table: string, name: string) => rows.find((r) => r.table === table && r.column === name);
    for (const table of CANONICAL_TABLES) {
      for (const name of ['tenant_id', 'natural_key', 'connector', 'data']) expect(column(table, name)?.nullable).toBe('NO');
      for (const name of ['connection_id', 'vendor_id', 'vendor_updated_at', 'created_at', 'updated_at']) {
        expect(column(table, name), `${table}.${name}`).toBeDefined();
      }
      expect(column(table, 'data')?.type).toBe('jsonb');
      expect(column(table, 'vendor_updated_at')?.type).toBe('timestamp with time zone');
    }
    expect(column('products', 'price')?.type).toBe('numeric');
    expect(column('inventory_levels', 'quantity')?.type).toBe('numeric');
    expect(column('transactions', 'occurred_at')?.type).toBe('timestamp with time zone');
    expect(column('orders', 'lines')?.type).toBe('jsonb');
    expect(column('stores', 'active')?.type).toBe('boolean');
  });

  it('keeps one row per (tenant_id, natural_key) in a canonical table', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const insert = `insert into connectd.products (tenant_id, natural_key, sku, connector, data) values ($1, $2, $2, 'storq', '{}')`;
    await store.db.query(insert, ['t1', 'SKU-1']);
    await store.db.query(insert, ['t2', 'SKU-1']);
    const err = await store.db.query(insert, ['t1', 'SKU-1']).catch((e: unknown) => e);
    expect(isConnectdError(err, 'CONNECTD_ERR_STORE_QUERY_FAILED')).toBe(true);
    expect(sqlStateOf(err)).toBe('23505');
  });

  it('allows only one queued or running job per unique key, and a new one once it finished', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const enqueue = `insert into connectd_engine.jobs (kind, unique_key) values ('sync', 'tick:1') returning id`;
    const { rows } = await store.db.query<{ id: string }>(enqueue);
    expect(sqlStateOf(await store.db.query(enqueue).catch((e: unknown) => e))).toBe('23505');
    await store.db.query(`update connectd_engine.jobs set status = 'succeeded' where id = $1`, [rows[0]?.id]);
    expect((await store.db.query(enqueue)).rowCount).toBe(1);
  });

  it('migrating twice applies nothing the second time and records each migration once', async () => {
    const store = await dbs.fresh(backend);
    await store.migrate();
    expect(await store.migrate()).toEqual({ applied: [] });
    const { rows } = await store.db.query<{ name: string; checksum: string }>('select name, checksum from connectd_engine.migrations');
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await store.pendingMigrations()).toEqual([]);
  });

  it('isReady is false before migrate and true after', async () => {
    const store = await dbs.fresh(backend);
    expect(await store.isReady()).toBe(false);
    expect(await store.pendingMigrations()).toEqual(MIGRATIONS.map((m) => m.name));
    await store.migrate();
    expect(await store.isReady()).toBe(true);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('refuses to migrate when an applied migration changed, and is not ready', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    await store.db.query(`update connectd_engine.migrations set checksum = 'f00d' where name = $1`, [MIGRATIONS[0]?.name]);
    expect(await codeOf(store.migrate())).toBe('CONNECTD_ERR_STORE_MIGRATION_CHECKSUM_MISMATCH');
    expect(await store.isReady()).toBe(false);
  });

  it('rolls back every migration of a run when one fails', async () => {
    const store = await dbs.fresh(backend);
    const migrations = [
      { name: '0001_a', sql: 'create table public.step_a (id int);' },
      { name: '0002_b', sql: 'create table public.step_b (id int); select * from public.no_such_table;' },
    ];
    const err = await runMigrations(store.db, migrations, silent).catch((e: unknown) => e);
    expect(isConnectdError(err, 'CONNECTD_ERR_STORE_MIGRATION_FAILED')).toBe(true);
    expect(sqlStateOf((err as Error).cause)).toBe('42P01');
    const { rows } = await store.db.query(`select to_regclass('public.step_a') as a, to_regclass('connectd_engine.migrations') as m`);
    expect(rows[0]).toEqual({ a: null, m: null });
  });

  it('commits a transaction that resolves and rolls back one that throws, rethrowing its error', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const result = await store.db.transaction(async (tx) => {
      await tx.query(`insert into connectd_engine.tenants (id) values ('kept')`);
      return 42;
    });
    expect(result).toBe(42);
    const boom = new Error('boom');
    const thrown = await store.db
      .transaction(async (tx) => {
        await tx.query(`insert into connectd_engine.tenants (id) values ('dropped')`);
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(thrown).toBe(boom);
    const { rows } = await store.db.query<{ id: string }>('select id from connectd_engine.tenants order by id');
    expect(rows.map((r) => r.id)).toEqual(['kept']);
  });

  it('holds an advisory lock for the callback only, and runs same-key callers one after the other', async () => {
    const store = await dbs.fresh(backend);
    const key = advisoryLockKey('test:lock');
    const events: string[] = [];
    const heldLocks = (q: { query: typeof store.db.query }) =>
      // This test's database only: suites running beside it on the same server hold locks of their own.
      q.query<{ n: number }>(
        `select count(*)::int as n from pg_locks
          where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`,
      );
    const worker = (name: string) =>
      store.db.withAdvisoryLock(key, async (tx) => {
        events.push(`${name}:in`);
        expect((await heldLocks(tx)).rows[0]?.n).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 50));
        events.push(`${name}:out`);
        return name;
      });
    expect(await Promise.all([worker('a'), worker('b')])).toEqual(['a', 'b']);
    expect(['a:in,a:out,b:in,b:out', 'b:in,b:out,a:in,a:out']).toContain(events.join(','));
    expect((await heldLocks(store.db)).rows[0]?.n).toBe(0);
  });

  it('returns the same value types on both engines', async () => {
    const store = await dbs.fresh(backend);
    const { rows } = await store.db.query<Record<string, unknown>>(
      `select 9007199254740993::int8 as big, 12.50::numeric as num, 7::int4 as int, $1::bytea as bytes,
              '{"a":[1,2]}'::jsonb as doc, $2::jsonb as arr, '2024-01-02T03:04:05Z'::timestamptz as at, true as flag`,
      [Buffer.from([1, 2, 255]), JSON.stringify([1, 'x'])],
    );
    expect(rows[0]).toEqual({
      big: '9007199254740993',
      num: '12.50',
      int: 7,
      bytes: Buffer.from([1, 2, 255]),
      doc: { a: [1, 2] },
      arr: [1, 'x'],
      at: new Date('2024-01-02T03:04:05Z'),
      flag: true,
    });
    expect(Buffer.isBuffer(rows[0]?.['bytes'])).toBe(true);
  });

  it('reports statement errors with a code and the SQLSTATE, and rowCount for writes', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const err = await store.db.query('select * from connectd.nope').catch((e: unknown) => e);
    expect(isConnectdError(err, 'CONNECTD_ERR_STORE_QUERY_FAILED')).toBe(true);
    expect(sqlStateOf(err)).toBe('42P01');
    const inserted = await store.db.query(`insert into connectd_engine.tenants (id) values ('a'), ('b')`);
    expect(inserted.rowCount).toBe(2);
    const updated = await store.db.query(`update connectd_engine.tenants set name = 'x'`);
    expect(updated.rowCount).toBe(2);
  });

  it('fails with a coded error once closed', async () => {
    const store = await dbs.fresh(backend);
    await store.close();
    await store.close();
    expect(await codeOf(store.db.query('select 1'))).toBe('CONNECTD_ERR_STORE_CLOSED');
    expect(await codeOf(store.db.transaction(async () => 1))).toBe('CONNECTD_ERR_STORE_CLOSED');
    expect(await store.isReady()).toBe(false);
  });
});
