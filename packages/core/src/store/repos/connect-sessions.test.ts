import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabases, storeBackends } from '../testing.js';
import { getConnectSession, insertConnectSession, takeConnectSession } from './connect-sessions.js';
import { pruneBatch } from './retention.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const NOW = new Date('2025-06-01T12:00:00Z');
const minutes = (n: number): Date => new Date(NOW.getTime() + n * 60_000);

describe.each(storeBackends())('connect sessions repository on %s', (backend) => {
  it('takes a session once, for its connector, before its expiry; and tells why not', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const db = store.db;
    await insertConnectSession(db, { id: 's1', connector: 'shop', tenantId: 'acme', connectionId: 'shop-acme', params: { shop: 'acme.myshopify.com' }, expiresAt: minutes(30) });
    await insertConnectSession(db, { id: 's2', connector: 'shop', tenantId: 'beta', connectionId: 'shop-beta', params: {}, expiresAt: minutes(-1) });

    expect(await takeConnectSession(db, 's1', 'crm', NOW)).toBeUndefined();
    expect(await takeConnectSession(db, 's1', 'shop', minutes(30))).toBeUndefined();
    expect(await takeConnectSession(db, 's1', 'shop', NOW)).toEqual({
      id: 's1',
      connector: 'shop',
      tenantId: 'acme',
      connectionId: 'shop-acme',
      params: { shop: 'acme.myshopify.com' },
      expiresAt: minutes(30),
    });
    expect(await takeConnectSession(db, 's1', 'shop', NOW)).toBeUndefined();
    expect(await getConnectSession(db, 's1')).toEqual({ connector: 'shop', expiresAt: minutes(30), usedAt: NOW });
    expect(await takeConnectSession(db, 's2', 'shop', NOW)).toBeUndefined();
    expect(await getConnectSession(db, 's2')).toEqual({ connector: 'shop', expiresAt: minutes(-1), usedAt: null });
    expect(await getConnectSession(db, 'nope')).toBeUndefined();

    // A take rolled back with its transaction leaves the session as it was.
    await db.transaction(async (tx) => {
      await insertConnectSession(tx, { id: 's3', connector: 'crm', tenantId: 'acme', connectionId: 'crm-acme', params: {}, expiresAt: minutes(30) });
    });
    await expect(
      db.transaction(async (tx) => {
        expect(await takeConnectSession(tx, 's3', 'crm', NOW)).toBeDefined();
        throw new Error('the consent failed after the take');
      }),
    ).rejects.toThrow('the consent failed after the take');
    expect((await getConnectSession(db, 's3'))?.usedAt).toBeNull();
  });

  it('deletes sessions expired before a cutoff, used or not, oldest first and in batches', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const db = store.db;
    for (let i = 0; i < 5; i++) {
      await insertConnectSession(db, { id: `old${i}`, connector: 'crm', tenantId: 't', connectionId: 'c', params: {}, expiresAt: minutes(-3000 - i) });
    }
    await takeConnectSession(db, 'old0', 'crm', minutes(-4000));
    await insertConnectSession(db, { id: 'recent', connector: 'crm', tenantId: 't', connectionId: 'c', params: {}, expiresAt: minutes(-10) });
    await insertConnectSession(db, { id: 'live', connector: 'crm', tenantId: 't', connectionId: 'c', params: {}, expiresAt: minutes(30) });

    const dayAgo = minutes(-24 * 60);
    expect(await pruneBatch(db, 'connect_sessions', dayAgo, 3)).toBe(3);
    expect(await getConnectSession(db, 'old4')).toBeUndefined();
    expect(await pruneBatch(db, 'connect_sessions', dayAgo, 3)).toBe(2);
    expect(await pruneBatch(db, 'connect_sessions', dayAgo, 3)).toBe(0);
    const { rows } = await db.query<{ id: string }>(`select id from connectd_engine.connect_sessions order by id`);
    expect(rows.map((r) => r.id)).toEqual(['live', 'recent']);
  });
});
