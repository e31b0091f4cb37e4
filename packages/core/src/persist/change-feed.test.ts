import { afterAll, describe, expect, it } from 'vitest';
import { consumeChanges, readChanges, type Change } from '../changes/index.js';
import { createLogger } from '../log/index.js';
import { createEntityCatalog, type EntityRow } from '../mapping/index.js';
import { openStore, type Database, type Store } from '../store/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { createEntityWriter, type EntityWrite } from './entity-writer.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const catalog = createEntityCatalog();
const writer = createEntityWriter(catalog);
const connection = { id: 'storq-acme', tenant: 'acme' };

const level = (sku: string, quantity: number, vendorUpdatedAt?: string): EntityRow => ({
  entity: 'inventory_level',
  naturalKey: sku,
  value: { sku, quantity, ...(vendorUpdatedAt === undefined ? {} : { vendor_updated_at: vendorUpdatedAt }) },
});

const write = (rows: EntityRow[], source: EntityWrite['source'] = { kind: 'sync', run_id: '1' }): EntityWrite => ({ connector: 'storq', connection, rows, source });

const all = (db: Database): Promise<Change[]> => readChanges(db, { after: 0, limit: 1000 });

describe.each(storeBackends())('the change feed on %s', (backend) => {
  it('appends created and updated changes with before, after, the changed fields and the source', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    await db.transaction((tx) => writer.write(tx, write([level('A', 1), level('B', 2)])));
    await db.transaction((tx) => writer.write(tx, write([level('A', 5)], { kind: 'webhook', event_id: '9' })));
    const changes = await all(db);
    expect(changes.map((c) => [c.position, c.key, c.operation])).toEqual([
      [1, 'A', 'created'],
      [2, 'B', 'created'],
      [3, 'A', 'updated'],
    ]);
    expect(changes[0]).toMatchObject({ entity: 'inventory_level', tenant: 'acme', connector: 'storq', connection: 'storq-acme', before: null, after: { sku: 'A', quantity: 1 }, changed: ['quantity', 'sku'], source: { kind: 'sync', run_id: '1' } });
    expect(changes[2]).toMatchObject({ before: { sku: 'A', quantity: 1 }, after: { sku: 'A', quantity: 5 }, changed: ['quantity'], source: { kind: 'webhook', event_id: '9' } });
    expect(Number.isNaN(Date.parse(changes[2]!.at))).toBe(false);
  });

  it('appends nothing for an unchanged rewrite or an older update', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    await db.transaction((tx) => writer.write(tx, write([level('A', 1, '2026-01-02T00:00:00Z')])));
    await db.transaction((tx) => writer.write(tx, write([level('A', 1, '2026-01-02T00:00:00Z')])));
    const older = await db.transaction((tx) => writer.write(tx, write([level('A', 7, '2026-01-01T00:00:00Z')])));
    expect(older.skippedOlder).toBe(1);
    expect((await all(db)).map((c) => c.position)).toEqual([1]);
  });

  it('numbers only the changed rows of a statement that also rewrote a row whose data stayed the same', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    await db.transaction((tx) => writer.write(tx, write([level('A', 1), level('B', 2)])));
    // A moves to another connection with the same data: rewritten, but not a change.
    const moved = await db.transaction((tx) => writer.write(tx, { ...write([level('A', 1), level('B', 3)]), connection: { id: 'storq-acme-2', tenant: 'acme' } }));
    expect(moved.updated).toBe(2);
    await db.transaction((tx) => writer.write(tx, write([level('C', 1)])));
    expect((await all(db)).map((c) => [c.position, c.key, c.operation, c.connection])).toEqual([
      [1, 'A', 'created', 'storq-acme'],
      [2, 'B', 'created', 'storq-acme'],
      [3, 'B', 'updated', 'storq-acme-2'],
      [4, 'C', 'created', 'storq-acme'],
    ]);
  });

  it('records each row of a batch with its own source, and a field that went away as changed', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    await db.transaction((tx) => writer.write(tx, write([{ entity: 'inventory_level', naturalKey: 'A', value: { sku: 'A', quantity: 1, store: 'S1' } }])));
    await db.transaction((tx) =>
      writer.write(tx, { ...write([level('A', 1), level('B', 3)], { kind: 'webhook' }), rowSources: [{ kind: 'webhook', event_id: 'e1' }, { kind: 'webhook', event_id: 'e2' }] }),
    );
    const changes = await all(db);
    expect(changes.slice(1).map((c) => [c.key, c.changed, c.source])).toEqual([
      ['A', ['store'], { kind: 'webhook', event_id: 'e1' }],
      ['B', ['quantity', 'sku'], { kind: 'webhook', event_id: 'e2' }],
    ]);
  });

  it('appends a deleted change for every row an erasure deletes', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    await db.transaction((tx) => writer.write(tx, write([level('A', 1), { entity: 'product', naturalKey: 'A', value: { sku: 'A', name: 'Apple' } }])));
    const erased = await db.transaction((tx) => writer.eraseConnection(tx, connection.id, { kind: 'webhook', event_id: 'gdpr-1' }));
    expect(erased).toBe(2);
    const deleted = (await all(db)).filter((c) => c.operation === 'deleted');
    expect(deleted.map((c) => [c.position, c.entity, c.key, c.after, c.source])).toEqual(
      expect.arrayContaining([
        [expect.any(Number), 'inventory_level', 'A', null, { kind: 'webhook', event_id: 'gdpr-1' }],
        [expect.any(Number), 'product', 'A', null, { kind: 'webhook', event_id: 'gdpr-1' }],
      ]),
    );
    expect(deleted.map((c) => c.position).sort()).toEqual([3, 4]);
    expect(deleted.find((c) => c.entity === 'product')?.before).toEqual({ sku: 'A', name: 'Apple' });
  });

  it('lists every field a created row has as changed, whether the rows of its batch share one shape or not', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const row = (sku: string, value: Record<string, unknown>): EntityRow => ({ entity: 'inventory_level', naturalKey: sku, value: { sku, ...value } });
    // One shape: a field whose value is undefined is not in the JSON, so not a field of the row.
    await db.transaction((tx) => writer.write(tx, write([row('A', { quantity: 1, store: undefined }), row('B', { quantity: 2, store: undefined })])));
    // Two shapes.
    await db.transaction((tx) => writer.write(tx, write([row('C', { quantity: 3, store: 'S1' }), row('D', { quantity: 4 })])));
    expect((await all(db)).map((c) => [c.key, c.changed])).toEqual([
      ['A', ['quantity', 'sku']],
      ['B', ['quantity', 'sku']],
      ['C', ['quantity', 'sku', 'store']],
      ['D', ['quantity', 'sku']],
    ]);
  });

  it('gives a rolled-back write’s positions to the next writer', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    await db.transaction((tx) => writer.write(tx, write([level('A', 1)])));
    await expect(
      db.transaction(async (tx) => {
        await writer.write(tx, write([level('B', 1), level('C', 1)]));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await db.transaction((tx) => writer.write(tx, write([level('D', 1)])));
    expect((await all(db)).map((c) => [c.position, c.key])).toEqual([
      [1, 'A'],
      [2, 'D'],
    ]);
  });

  it('reads and consumes in position order past 9, 99: numbers, not their text', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const rows = Array.from({ length: 120 }, (_, i) => level(`K${i}`, i));
    await db.transaction((tx) => writer.write(tx, write(rows)));
    const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
    expect((await readChanges(db, { after: 0, limit: 12 })).map((c) => c.position)).toEqual(upTo(12));
    expect((await readChanges(db, { after: 95, limit: 10 })).map((c) => c.position)).toEqual(upTo(105).slice(95));
    const seen: number[] = [];
    while ((await consumeChanges(db, 'pages', 7, async (changes) => void seen.push(...changes.map((c) => c.position)))) > 0);
    expect(seen).toEqual(upTo(120));
  });

  it('a writer built without the feed writes rows and appends nothing', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const counts = await db.transaction((tx) => createEntityWriter(catalog, { feed: false }).write(tx, write([level('A', 1)])));
    expect(counts.inserted).toBe(1);
    expect(await all(db)).toEqual([]);
  });

  it('hands each change to a consumer once, and again after the consumer failed', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    await db.transaction((tx) => writer.write(tx, write([level('A', 1), level('B', 1), level('C', 1)])));
    await expect(consumeChanges(db, 'test', 2, () => Promise.reject(new Error('handler failed')))).rejects.toThrow('handler failed');
    const seen: number[] = [];
    const take = (): Promise<number> => consumeChanges(db, 'test', 2, async (changes) => void seen.push(...changes.map((c) => c.position)));
    expect([await take(), await take(), await take()]).toEqual([2, 1, 0]);
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe.runIf(storeBackends().includes('postgres'))('the change feed under concurrent writers on postgres', () => {
  const log = createLogger({ level: 'silent', destination: { write: () => undefined } });
  const stores: Store[] = [];
  afterAll(() => Promise.allSettled(stores.map((s) => s.close())));

  /** Two daemons' stores on one fresh, migrated database. */
  async function twoStores(): Promise<[Store, Store]> {
    const url = await dbs.createPostgresDatabase();
    const first = await openStore({ databaseUrl: url, dataDir: '', log });
    const second = await openStore({ databaseUrl: url, dataDir: '', log });
    stores.push(first, second);
    await first.migrate();
    return [first, second];
  }

  /** Writes `rows` in a transaction that stays open, holding the feed's counter, until `release()`. */
  async function holdCounter(store: Store, rows: EntityRow[]): Promise<{ release: () => void; committed: Promise<void> }> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const committed = store.db.transaction(async (tx) => {
      await writer.write(tx, write(rows));
      wrote();
      await held;
    });
    await written;
    return { release, committed };
  }

  /** How many statements of this database wait for a lock. */
  const waiting = async (store: Store): Promise<number> =>
    Number((await store.db.query<{ n: string }>(`select count(*)::text as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0]?.n);

  it('never lets a reader see a position before every smaller one, and leaves no gap', async () => {
    const [first, second] = await twoStores();
    const { release, committed: a } = await holdCounter(first, [level('A1', 1), level('A2', 1)]);
    // A holds positions 1 and 2 uncommitted; B and a writer that rolls back queue behind it.
    const b = second.db.transaction((tx) => writer.write(tx, write([level('B1', 1)])));
    // Settled into a value at once: its rejection arrives while this test awaits other things.
    const rolledBack = second.db
      .transaction(async (tx) => {
        await writer.write(tx, write([level('C1', 1)]));
        throw new Error('rolled back');
      })
      .then(
        () => 'committed',
        (err: unknown) => (err as Error).message,
      );
    const observed: number[][] = [];
    while ((await waiting(first)) < 2) observed.push((await all(first.db)).map((c) => c.position));
    expect(await all(second.db)).toEqual([]);
    release();
    const reading = (async () => {
      for (let i = 0; i < 20; i++) observed.push((await all(second.db)).map((c) => c.position));
    })();
    await a;
    await b;
    expect(await rolledBack).toBe('rolled back');
    await reading;
    const changes = await all(first.db);
    expect(changes.map((c) => [c.position, c.key])).toEqual([
      [1, 'A1'],
      [2, 'A2'],
      [3, 'B1'],
    ]);
    // Every read saw a prefix of the feed: 1..n, never a later position without an earlier one.
    for (const positions of observed) expect(positions).toEqual(positions.map((_, i) => i + 1));
  });

  // Every other writer of changes waits from a writer's counter lock to its commit, so the
  // statement takes it after the rest of its work: here, recording the rows' vendor ids.
  it('records a batch’s vendor ids before it takes the feed’s counter', async () => {
    const [first, second] = await twoStores();
    const { release, committed: holder } = await holdCounter(first, [level('A1', 1)]);
    const product = { entity: 'product', naturalKey: 'P1', value: { sku: 'P1', name: 'Pear', vendor_variant_id: '42' } };
    const queued = second.db.transaction((tx) => writer.write(tx, write([product])));
    try {
      while ((await waiting(first)) < 1);
      // The queued statement already holds the id's row, uncommitted: another insert of it must wait.
      const sameId = second.db.transaction(async (tx) => {
        await tx.query(`set local lock_timeout = '200ms'`);
        await tx.query(`insert into connectd_engine.vendor_id_map (tenant_id, connector, kind, vendor_id, natural_key) values ('acme', 'storq', 'product', '42', 'other')`);
      });
      await expect(sameId).rejects.toMatchObject({ details: { sqlState: '55P03' } });
    } finally {
      release();
    }
    await holder;
    await queued;
    expect((await all(first.db)).map((c) => [c.position, c.key])).toEqual([
      [1, 'A1'],
      [2, 'P1'],
    ]);
  });
});
