import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnectionClient, type ConnectionClient } from '../http/index.js';
import { Worker, type JobRepository } from '../jobs/index.js';
import { createLogger } from '../log/index.js';
import { createJobRepository, type SqlJobRepository } from '../store/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { createFakeHttpServer, reply, type FakeHttpServer } from '../testing/fake-http-server.js';
import { rejectionOf } from '../testing/rejection.js';
import { waitFor } from '../testing/wait-for.js';
import { compileAction } from './compile-action.js';
import { ACTION_JOB_KIND, actionJobHandler, invokeAction } from './invoke.js';
import type { ActionConnection, ActionDeclaration } from './types.js';

const log = createLogger({ level: 'silent' });
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const createProduct: ActionDeclaration = {
  request: { path: '/products', body: '{ "sku": sku, "name": name }' },
  input_schema: { type: 'object', required: ['sku', 'name'], properties: { sku: { type: 'string' }, name: { type: 'string' } } },
  map: '{ "id": id }',
  idempotency: { key: 'sku', lookup: { path: '/products', query: { sku: '{{sku}}' } } },
};

let server: FakeHttpServer;
let client: ConnectionClient;
let products: Array<Record<string, unknown>>;

beforeEach(async () => {
  server = await createFakeHttpServer();
  client = createConnectionClient({ name: 'vendor:acme', log, sleep: async () => {}, random: () => 0 });
  products = [];
  server.route('GET', '/products', (req) => reply.json(products.filter((p) => p['sku'] === req.query.get('sku'))));
  server.route('POST', '/products', (req) => {
    const product = { id: `p_${products.length + 1}`, ...req.json<Record<string, unknown>>() };
    products.push(product);
    return reply.json(product, 201);
  });
});
afterEach(async () => {
  await client.close();
  await server.close();
});

describe.each(storeBackends())('invokeAction on %s', (backend) => {
  const action = compileAction('vendor', 'create_product', createProduct);
  const connection = (): ActionConnection => ({ client, baseUrl: server.url, templateValues: {} });

  async function setup(): Promise<{ jobs: SqlJobRepository; worker: Worker }> {
    const store = await dbs.fresh(backend, { migrate: true });
    await store.db.query(`insert into connectd_engine.tenants (id) values ('acme')`);
    await store.db.query(`insert into connectd_engine.connections (id, connector, tenant_id) values ('vendor-acme', 'vendor', 'acme'), ('vendor-other', 'vendor', 'acme')`);
    const jobs = createJobRepository(store.db);
    const worker = new Worker({ repository: jobs, log, pollIntervalMs: 60_000 });
    worker.handle(ACTION_JOB_KIND, actionJobHandler({ action: () => action, connection: (_c, id) => (id === 'vendor-acme' ? connection() : undefined) }));
    return { jobs, worker };
  }

  it('runs the first attempt in the caller and answers with the result, the job recorded as succeeded', async () => {
    const { jobs, worker } = await setup();
    const invocation = await invokeAction({ repository: jobs, worker }, 'vendor-acme', action, { sku: 'S-1', name: 'Shirt' });
    expect(invocation).toMatchObject({ status: 'succeeded', result: { outcome: 'created', result: { id: 'p_1' } } });
    expect(await jobs.get(invocation.jobId)).toMatchObject({ status: 'succeeded', kind: 'action', connectionId: 'vendor-acme' });
  });

  it('refuses invalid input before anything is stored', async () => {
    const { jobs, worker } = await setup();
    expect((await rejectionOf(invokeAction({ repository: jobs, worker }, 'vendor-acme', action, { sku: 'S-1' }))).code).toBe('CONNECTD_ERR_ACTION_INPUT_INVALID');
    expect(await jobs.get('1')).toBeUndefined();
  });

  it('shares one job between two live invocations with the same idempotency key, and answers both', async () => {
    const { jobs, worker } = await setup();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    server.route('POST', '/products', async (req) => {
      await held;
      const product = { id: `p_${products.length + 1}`, ...req.json<Record<string, unknown>>() };
      products.push(product);
      return reply.json(product, 201);
    });
    const first = invokeAction({ repository: jobs, worker }, 'vendor-acme', action, { sku: 'S-2', name: 'Socks' });
    await waitFor('the first invocation to be running', async () => (await jobs.get('1'))?.status === 'running');
    // The vendor answers the first only once the second has joined its job.
    let joined!: (created: boolean) => void;
    const whenJoined = new Promise<boolean>((resolve) => (joined = resolve));
    const watching: JobRepository = {
      enqueue: async (job) => {
        const result = await jobs.enqueue(job);
        joined(result.created);
        return result;
      },
      get: (id) => jobs.get(id),
      claim: (request) => jobs.claim(request),
      extendLease: (token, leaseMs) => jobs.extendLease(token, leaseMs),
      complete: (token, result) => jobs.complete(token, result),
      fail: (token, failure) => jobs.fail(token, failure),
      release: (token) => jobs.release(token),
      runningJobOf: (connectionId, stream) => jobs.runningJobOf(connectionId, stream),
    };
    const second = invokeAction({ repository: watching, worker }, 'vendor-acme', action, { sku: 'S-2', name: 'Socks' }, { waitMs: 20_000 });
    expect(await whenJoined).toBe(false);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.jobId).toBe(b.jobId);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    expect(products).toHaveLength(1);
  });

  it('leaves a failed attempt queued for a daemon to retry, and says so', async () => {
    const { jobs, worker } = await setup();
    server.route('POST', '/products', () => reply.json({ error: 'busy' }, 503));
    const invocation = await invokeAction({ repository: jobs, worker }, 'vendor-acme', action, { sku: 'S-3', name: 'Hat' }, { waitMs: 0 });
    expect(invocation.status).toBe('retrying');
    expect(await jobs.get(invocation.jobId)).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('ends the job dead, not retried, when its connection is not running here', async () => {
    const { jobs, worker } = await setup();
    const invocation = await invokeAction({ repository: jobs, worker }, 'vendor-other', action, { sku: 'S-4', name: 'Cap' });
    expect(invocation).toMatchObject({ status: 'dead', error: { code: 'CONNECTD_ERR_CONNECTION_UNAVAILABLE' } });
    expect(await jobs.get(invocation.jobId)).toMatchObject({ status: 'dead', attempts: 1 });
    expect(products).toEqual([]);
  });
});
