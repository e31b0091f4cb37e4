import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabases, storeBackends } from '../testing.js';
import { upsertDeclaredConnection } from './connections.js';
import { deleteCredentials, listCredentialKeys, listCredentials, readCredential, replaceCiphertext, saveCredential } from './credentials.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

describe.each(storeBackends())('credentials repository on %s', (backend) => {
  it('upserts, reads, lists by key, pages, compares-and-swaps and deletes', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const db = store.db;
    for (const id of ['a', 'b']) await upsertDeclaredConnection(db, { id, connector: 'fake', tenantId: 't1' });
    const expiresAt = new Date('2030-01-01T00:00:00Z');
    await db.transaction(async (tx) => {
      await saveCredential(tx, { connectionId: 'a', kind: 'access_token', ciphertext: Buffer.from([1, 0, 255]), keyId: 'k1', expiresAt });
      await saveCredential(tx, { connectionId: 'a', kind: 'refresh_token', ciphertext: Buffer.from([2]), keyId: 'k1', expiresAt: null });
      await saveCredential(tx, { connectionId: 'b', kind: 'access_token', ciphertext: Buffer.from([3]), keyId: 'k2', expiresAt: null });
    });
    const read = await readCredential(db, 'a', 'access_token');
    expect(read).toMatchObject({ connectionId: 'a', kind: 'access_token', keyId: 'k1', expiresAt });
    expect(read!.ciphertext.equals(Buffer.from([1, 0, 255]))).toBe(true);
    expect(await readCredential(db, 'a', 'nope')).toBeUndefined();

    await saveCredential(db, { connectionId: 'a', kind: 'access_token', ciphertext: Buffer.from([9]), keyId: 'k2', expiresAt: null });
    const replaced = await readCredential(db, 'a', 'access_token');
    expect(replaced).toMatchObject({ keyId: 'k2', expiresAt: null });
    expect(replaced!.updatedAt.getTime()).toBeGreaterThanOrEqual(read!.updatedAt.getTime());
    expect(await listCredentialKeys(db)).toEqual([
      { keyId: 'k1', count: 1 },
      { keyId: 'k2', count: 2 },
    ]);

    const keys = (rows: Array<{ connectionId: string; kind: string }>): string[] => rows.map((r) => `${r.connectionId}/${r.kind}`);
    const page1 = await listCredentials(db, { limit: 2 });
    expect(keys(page1)).toEqual(['a/access_token', 'a/refresh_token']);
    expect(keys(await listCredentials(db, { after: page1[1], limit: 2 }))).toEqual(['b/access_token']);
    expect(keys(await listCredentials(db, { limit: 10, exceptKeyId: 'k2' }))).toEqual(['a/refresh_token']);

    const swap = { connectionId: 'a', kind: 'refresh_token', ciphertext: Buffer.from([7]), keyId: 'k2' };
    expect(await replaceCiphertext(db, { ...swap, expected: { ciphertext: Buffer.from([8]), keyId: 'k1' } })).toBe(false);
    expect(await replaceCiphertext(db, { ...swap, expected: { ciphertext: Buffer.from([2]), keyId: 'k2' } })).toBe(false);
    expect(await replaceCiphertext(db, { ...swap, expected: { ciphertext: Buffer.from([2]), keyId: 'k1' } })).toBe(true);
    expect((await readCredential(db, 'a', 'refresh_token'))!.ciphertext.equals(Buffer.from([7]))).toBe(true);

    expect(await deleteCredentials(db, 'a', 'access_token')).toBe(1);
    expect(await deleteCredentials(db, 'a')).toBe(1);
    expect(await listCredentialKeys(db)).toEqual([{ keyId: 'k2', count: 1 }]);
  });

  it('goes with its connection', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    await upsertDeclaredConnection(store.db, { id: 'a', connector: 'fake', tenantId: 't1' });
    await saveCredential(store.db, { connectionId: 'a', kind: 'access_token', ciphertext: Buffer.from([1]), keyId: 'k1', expiresAt: null });
    await store.db.query(`delete from connectd_engine.connections where id = 'a'`);
    expect(await readCredential(store.db, 'a', 'access_token')).toBeUndefined();
  });
});
