import { afterAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../../errors/index.js';
import { createTestDatabases } from '../testing.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('embedded database (PGlite)', () => {
  it('keeps concurrent transactions apart: a rollback never takes another caller\'s statements with it', async () => {
    const store = await dbs.fresh('pglite');
    await store.db.exec('create table t (id text primary key)');
    const events: string[] = [];
    const failing = store.db
      .transaction(async (tx) => {
        await tx.query(`insert into t values ('from-failing')`);
        events.push('failing:inserted');
        // Give the other callers every chance to slip a statement into this transaction.
        await sleep(100);
        throw new Error('roll me back');
      })
      .catch(() => events.push('failing:rolled-back'));
    await sleep(10);
    const committing = store.db.transaction(async (tx) => {
      events.push('committing:start');
      await tx.query(`insert into t values ('from-committing')`);
    });
    const plain = store.db.query(`insert into t values ('from-plain')`).then(() => events.push('plain:done'));
    await Promise.all([failing, committing, plain]);
    const { rows } = await store.db.query<{ id: string }>('select id from t order by id');
    expect(rows.map((r) => r.id)).toEqual(['from-committing', 'from-plain']);
    expect(events.slice(0, 3)).toEqual(['failing:inserted', 'failing:rolled-back', 'committing:start']);
  });

  it('rejects a query on the database from inside its own transaction instead of deadlocking', async () => {
    const store = await dbs.fresh('pglite');
    await store.db.exec('create table t (id int)');
    const err = await store.db
      .transaction(async (tx) => {
        await tx.query('insert into t values (1)');
        await store.db.query('select 1');
      })
      .catch((e: unknown) => e);
    expect(isConnectdError(err, 'CONNECTD_ERR_STORE_NESTED_QUERY')).toBe(true);
    const { rows } = await store.db.query<{ n: number }>('select count(*)::int as n from t');
    expect(rows[0]?.n).toBe(0);
  });

  it('lets work outlive a finished transaction without taking it for a nested query', async () => {
    const store = await dbs.fresh('pglite');
    let later: Promise<unknown> = Promise.resolve();
    await store.db.transaction(async () => {
      // Started inside the transaction's async context, but runs after it has ended.
      later = sleep(20).then(() => store.db.query('select 1 as one'));
    });
    await expect(later).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });

  it('waits for a running transaction before closing', async () => {
    const store = await dbs.fresh('pglite');
    await store.db.exec('create table t (id int)');
    const events: string[] = [];
    const running = store.db.transaction(async (tx) => {
      await sleep(50);
      await tx.query('insert into t values (1)');
      events.push('transaction done');
    });
    await sleep(5);
    await store.close().then(() => events.push('closed'));
    await running;
    expect(events).toEqual(['transaction done', 'closed']);
  });
});
