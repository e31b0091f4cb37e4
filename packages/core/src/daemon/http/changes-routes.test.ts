import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/index.js';
import { createEntityCatalog } from '../../mapping/index.js';
import { createEntityWriter } from '../../persist/index.js';
import { createTestDatabases, storeBackends } from '../../store/testing.js';
import { changesRoutes } from './changes-routes.js';
import { createMetrics } from './metrics.js';
import { buildHttpServer } from './server.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const ADMIN_TOKEN = 'adm1n-changes-routes-5c2e';
const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

describe.each(storeBackends())('GET /api/changes on %s', (backend) => {
  /** The admin API with the changes route, on loopback, over a store holding three changes of two entities. */
  async function daemon(): Promise<(path: string, token?: string) => Promise<{ status: number; body: Record<string, unknown> }>> {
    const store = await dbs.fresh(backend, { migrate: true });
    const writer = createEntityWriter(createEntityCatalog());
    await store.db.transaction((tx) =>
      writer.write(tx, {
        connector: 'storq',
        connection: { id: 'storq-acme', tenant: 'acme' },
        source: { kind: 'sync', run_id: '1' },
        rows: [
          { entity: 'inventory_level', naturalKey: 'A', value: { sku: 'A', quantity: 1 } },
          { entity: 'product', naturalKey: 'A', value: { sku: 'A', name: 'Apple' } },
          { entity: 'inventory_level', naturalKey: 'B', value: { sku: 'B', quantity: 2 } },
        ],
      }),
    );
    const app = buildHttpServer({ log: silent, metrics: createMetrics('0.0.0-test'), adminToken: ADMIN_TOKEN, isReady: async () => true, status: async () => ({}), apiRoutes: [changesRoutes(store.db)] });
    await app.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => app.close());
    const { port } = app.server.address() as AddressInfo;
    return async (path, token = ADMIN_TOKEN) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
  }

  it('answers the changes after a position, of one entity, with the next position to ask after', async () => {
    const get = await daemon();
    const all = await get('/api/changes');
    expect(all.status).toBe(200);
    expect((all.body['changes'] as Array<{ position: number; entity: string }>).map((c) => [c.position, c.entity])).toEqual([
      [1, 'inventory_level'],
      [2, 'inventory_level'],
      [3, 'product'],
    ]);
    const levels = await get('/api/changes?after=1&entity=inventory_level&limit=5');
    expect(levels.body).toMatchObject({ next: 2, changes: [{ position: 2, key: 'B', operation: 'created', after: { sku: 'B', quantity: 2 }, source: { kind: 'sync', run_id: '1' } }] });
    const page = await get('/api/changes?limit=1');
    expect(page.body).toMatchObject({ next: 1, changes: [{ position: 1 }] });
    expect((await get('/api/changes?after=3')).body).toEqual({ changes: [], next: 3 });
    expect((await get('/api/changes?limit=5000')).status).toBe(200);
  });

  it('refuses a bad parameter with a code, and a caller without the admin token', async () => {
    const get = await daemon();
    for (const query of ['after=-1', 'after=abc', 'limit=0', 'limit=1.5', 'entity=Robert%27);', 'after=1&after=2']) {
      const refused = await get(`/api/changes?${query}`);
      expect([query, refused.status, refused.body['code']]).toEqual([query, 400, 'CONNECTD_ERR_CHANGES_QUERY_INVALID']);
    }
    expect((await get('/api/changes', 'wrong-token')).status).toBe(401);
  });
});
