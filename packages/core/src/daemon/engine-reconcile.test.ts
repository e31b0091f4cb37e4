import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { deleteConnection, saveConnection, setConnectionStatus } from '../store/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { Engine } from './engine.js';
import { loadProject } from './project.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

async function project(): Promise<Awaited<ReturnType<typeof loadProject>>> {
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-reconcile-')), 'connectors.yaml');
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      connectors: {
        vendor: { base_url: 'http://127.0.0.1:9', auth: { type: 'bearer', token: '{token}' }, connections: [] },
        declared: { base_url: 'http://127.0.0.1:9' },
      },
    }),
  );
  return loadProject(path, {});
}

describe.each(storeBackends())('engine reconcile on %s', (backend) => {
  it('picks up connections another daemon created, disabled or deleted, and leaves declared ones alone', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const engine = await Engine.create({ project: await project(), store, log: createLogger({ level: 'silent' }) });
    try {
      const ids = (): string[] => engine.runtimes.all().map((r) => r.connection.id).sort();
      expect(ids()).toEqual(['declared']);

      // Another daemon's admin API created a tenant's connection.
      await store.db.transaction((tx) => saveConnection(tx, { id: 'vendor-acme', connector: 'vendor', tenantId: 'acme', config: { token: 't-1' } }));
      await engine.reconcile();
      expect(ids()).toEqual(['declared', 'vendor-acme']);
      expect(engine.runtimes.get('vendor', 'vendor-acme')?.connection.tenant).toBe('acme');

      // ... then disabled it: it stops running here and is reported unavailable.
      await setConnectionStatus(store.db, 'vendor-acme', 'disabled', 'by another daemon');
      await engine.reconcile();
      expect(ids()).toEqual(['declared']);
      expect(engine.runtimes.unavailable().map((u) => [u.connectionId, u.code])).toEqual([['vendor-acme', 'CONNECTD_ERR_CONNECTION_DISABLED']]);

      // ... and deleted it.
      await deleteConnection(store.db, 'vendor-acme');
      await engine.reconcile();
      expect(ids()).toEqual(['declared']);
      expect(engine.runtimes.unavailable()).toEqual([]);
    } finally {
      await engine.stop(0);
    }
  });
});
