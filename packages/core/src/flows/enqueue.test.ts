import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { advanceChangeCursor, type Queryable } from '../store/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { compileFlows } from './compile.js';
import { enqueueFlowJobs, FLOWS_CONSUMER } from './enqueue.js';
import { FlowRunner } from './runner.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const log = createLogger({ level: 'silent' });

const { flows } = compileFlows({
  stock: {
    when: { entity: 'inventory_level', connector: 'storq', filter: 'after.quantity >= 0' },
    then: { connector: 'square', action: 'set_inventory_count', input: '{ "quantity": after.quantity }' },
  },
  negative: {
    when: { entity: 'inventory_level', filter: 'after.quantity < 0' },
    then: { connector: 'square', action: 'set_inventory_count', input: '{ "quantity": 0 }' },
  },
});

/** Appends a change as the entity writer would (position from the counter). */
async function change(db: Queryable, entity: string, connector: string, quantity: unknown): Promise<number> {
  const { rows } = await db.query<{ last: string }>(`update connectd_engine.change_counter set last = last + 1 returning last::text as last`);
  const position = Number(rows[0]!.last);
  await db.query(
    `insert into connectd.changes (position, entity, natural_key, tenant_id, connector, connection_id, operation, changed, before, after, source)
     values ($1, $2, 'default/SKU-1', 'acme', $3, $3, 'updated', '{quantity}', '{}'::jsonb, $4::jsonb, '{"kind":"webhook"}'::jsonb)`,
    [position, entity, connector, JSON.stringify({ product: 'SKU-1', quantity })],
  );
  return position;
}

const flowJobs = async (db: Queryable): Promise<Array<[string, number]>> =>
  (await db.query<{ flow: string; position: string }>(`select payload ->> 'flow' as flow, payload ->> 'position' as position from connectd_engine.jobs where kind = 'flow' order by id`)).rows.map(
    (r): [string, number] => [r.flow, Number(r.position)],
  );

describe.each(storeBackends())('flow jobs from the change feed on %s', (backend) => {
  it('queues one job per matching (flow, change), once, even when the cursor is moved back', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const a = await change(db, 'inventory_level', 'storq', 4);
    await change(db, 'product', 'storq', 4);
    const b = await change(db, 'inventory_level', 'square', 5);
    const c = await change(db, 'inventory_level', 'square', -2);
    expect(await enqueueFlowJobs(db, flows, log)).toEqual({ read: 4, queued: 2 });
    // `stock` takes storq's change only; `negative` any connector's negative quantity.
    expect(await flowJobs(db)).toEqual([
      ['stock', a],
      ['negative', c],
    ]);
    expect(b).toBeGreaterThan(a);
    expect(await enqueueFlowJobs(db, flows, log)).toEqual({ read: 0, queued: 0 });
    // A cursor moved back hands the same changes again: the (flow, position) key queues nothing.
    await db.transaction((tx) => advanceChangeCursor(tx, FLOWS_CONSUMER, 0));
    expect(await enqueueFlowJobs(db, flows, log)).toEqual({ read: 4, queued: 0 });
    expect(await flowJobs(db)).toHaveLength(2);
  });

  it('queues a job for a change whose filter fails, so the job dead-letters it instead of the feed stopping', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const { flows: strict } = compileFlows({
      typed: { when: { entity: 'inventory_level', filter: '$number(after.quantity) > 1' }, then: { connector: 'square', action: 'set_inventory_count', input: '{}' } },
    });
    const bad = await change(db, 'inventory_level', 'storq', 'many');
    await change(db, 'inventory_level', 'storq', 1);
    expect(await enqueueFlowJobs(db, strict, log)).toEqual({ read: 2, queued: 1 });
    expect(await flowJobs(db)).toEqual([['typed', bad]]);
  });

  it('starts acting after the changes that were there when the flows first ran, and follows the head while no flow runs', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    await change(db, 'inventory_level', 'storq', 1);
    const idle = new FlowRunner({ db, flows: [], log, pollIntervalMs: 60_000 });
    await idle.start();
    await change(db, 'inventory_level', 'storq', 2);
    await idle.pass();
    await idle.stop();
    const later = await change(db, 'inventory_level', 'storq', 3);
    const runner = new FlowRunner({ db, flows, log, pollIntervalMs: 60_000 });
    await runner.start();
    await runner.pass();
    await runner.stop();
    expect(await flowJobs(db)).toEqual([['stock', later]]);
  });
});
