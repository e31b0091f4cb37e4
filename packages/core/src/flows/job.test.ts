import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileAction } from '../actions/index.js';
import { createConnectionClient, type ConnectionClient } from '../http/index.js';
import { Worker } from '../jobs/index.js';
import { createLogger } from '../log/index.js';
import { createJobRepository, enqueueJob, listDeadLetters, type Database } from '../store/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { createFakeHttpServer, reply, type FakeHttpServer } from '../testing/fake-http-server.js';
import type { Change } from '../changes/index.js';
import { compileFlows } from './compile.js';
import { FLOW_JOB_KIND, type FlowJobPayload } from './enqueue.js';
import { flowJobHandler, type FlowTarget } from './job.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const log = createLogger({ level: 'silent' });

const setCount = compileAction('square', 'set_count', {
  request: { method: 'POST', path: '/counts', idempotent: true, body: '{ "idempotency_key": key, "sku": sku, "quantity": quantity }' },
  input_schema: { type: 'object', required: ['key', 'sku', 'quantity'], properties: { key: { type: 'string' }, sku: { type: 'string' }, quantity: { type: 'integer' } } },
});

const { flows } = compileFlows({
  stock: {
    when: { entity: 'inventory_level', filter: 'after.quantity >= 0' },
    then: { connector: 'square', action: 'set_count', input: '{ "key": $flow.key, "sku": after.product, "quantity": after.quantity }' },
  },
});

const change = (tenant: string, quantity: number): Change => ({
  position: 7,
  entity: 'inventory_level',
  key: 'default/SKU-1',
  tenant,
  connector: 'storq',
  connection: 'storq',
  operation: 'updated',
  changed: ['quantity'],
  before: null,
  after: { product: 'SKU-1', quantity },
  source: { kind: 'webhook' },
  at: '2026-01-01T00:00:00.000Z',
});

let server: FakeHttpServer;
let client: ConnectionClient;
beforeEach(async () => {
  server = await createFakeHttpServer();
  client = createConnectionClient({ name: 'square:test', log, sleep: async () => {}, random: () => 0 });
});
afterEach(async () => {
  await client.close();
  await server.close();
});

/** A worker with the flow handler, the tenant `acme` connected to the fake vendor (twice for `busy`). */
function workerFor(db: Database): Worker {
  const target = (id: string, tenant: string): FlowTarget => ({ connection: { id, tenant, config: {} }, client, baseUrl: server.url, templateValues: {} });
  const worker = new Worker({ repository: createJobRepository(db), log, pollIntervalMs: 10, random: () => 0 });
  worker.handle(
    FLOW_JOB_KIND,
    flowJobHandler({
      flow: (name) => flows.find((f) => f.name === name),
      flowNames: () => flows.map((f) => f.name),
      action: () => setCount,
      connections: () => [target('square-acme', 'acme'), target('square-busy-1', 'busy'), target('square-busy-2', 'busy')],
      vendorIds: async () => [],
    }),
  );
  return worker;
}

async function run(db: Database, c: Change, flow = 'stock') {
  const payload: FlowJobPayload = { flow, position: c.position, connector: 'square', action: 'set_count', change: c };
  const { job } = await enqueueJob(db, { kind: FLOW_JOB_KIND, payload: { ...payload }, maxAttempts: 5 });
  return workerFor(db).runOrFollow(job.id);
}

describe.each(storeBackends())('the flow job on %s', (backend) => {
  it("runs the action on the change tenant's connection with the change's idempotency key", async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    server.route('POST', '/counts', reply.json({ ok: true }));
    const outcome = await run(db, change('acme', 12));
    expect(outcome.status).toBe('succeeded');
    expect(outcome.result).toMatchObject({ flow: 'stock', position: 7, outcome: 'done', connection: 'square-acme', status: 200 });
    expect(server.requestsTo('POST', '/counts').map((r) => r.json())).toEqual([{ idempotency_key: 'stock:7', sku: 'SKU-1', quantity: 12 }]);
  });

  it("dead-letters a vendor's 4xx at once, with the vendor's error, after one request", async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    server.route('POST', '/counts', reply.json({ errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail: 'no such variation' }] }, 400));
    const outcome = await run(db, change('acme', 3));
    expect([outcome.status, outcome.error?.code]).toEqual(['dead', 'CONNECTD_ERR_FLOWS_ACTION_REFUSED']);
    expect(server.requestsTo('POST', '/counts')).toHaveLength(1);
    const [letter] = await listDeadLetters(db, {});
    expect(letter).toMatchObject({ sourceKind: 'job', connector: 'square', errorCode: 'CONNECTD_ERR_FLOWS_ACTION_REFUSED', payload: { kind: 'flow', payload: { flow: 'stock', position: 7 } } });
    expect(letter!.reason).toContain('"detail":"no such variation"');
  });

  it('dead-letters a change with several connections for its tenant, or a flow that is gone; skips one the filter no longer takes', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    expect((await run(db, change('busy', 1))).error?.code).toBe('CONNECTD_ERR_FLOWS_CONNECTION_AMBIGUOUS');
    expect((await run(db, change('acme', 1), 'renamed')).error?.code).toBe('CONNECTD_ERR_FLOWS_NOT_FOUND');
    const skipped = await run(db, change('acme', -1));
    expect([skipped.status, (skipped.result as { outcome: string }).outcome]).toEqual(['succeeded', 'skipped']);
    expect(server.requests).toHaveLength(0);
  });

  it('retries a change whose tenant has no connection yet (it may be connecting)', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const outcome = await run(db, change('nobody', 1));
    expect([outcome.status, outcome.error?.code]).toEqual(['retrying', 'CONNECTD_ERR_FLOWS_CONNECTION_NOT_FOUND']);
  });
});
