import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabases, storeBackends } from '../../store/testing.js';
import {
  listCredentialKeys,
  listCredentials,
  readCredential,
  replaceCiphertext,
  saveCredential,
  upsertDeclaredConnection,
  type Store,
} from '../../store/index.js';
import { KeyRing, createVault, credentialAad, rotateCredentials, type Vault } from './index.js';

const repo = { listCredentials, replaceCiphertext };
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

async function seed(store: Store, vault: Vault, connections: number): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (let i = 0; i < connections; i++) {
    const id = `conn-${String(i).padStart(3, '0')}`;
    await upsertDeclaredConnection(store.db, { id, connector: 'fake', tenantId: 'acme' });
    await store.db.transaction(async (tx) => {
      for (const kind of ['access_token', 'refresh_token']) {
        const token = `tok-${kind}-${i}-${randomBytes(8).toString('hex')}`;
        tokens.set(`${id}/${kind}`, token);
        await saveCredential(tx, { connectionId: id, kind, ...vault.encrypt(token, credentialAad(id, kind)), expiresAt: null });
      }
    });
  }
  return tokens;
}

describe.each(storeBackends())('vault on the store (%s)', (backend) => {
  it('stores ciphertext only: the raw column does not contain the token bytes', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const vault = createVault(new KeyRing(randomBytes(32)));
    const tokens = await seed(store, vault, 1);
    const token = tokens.get('conn-000/access_token')!;
    const { rows } = await store.db.query<{ ciphertext: Buffer; key_id: string; as_text: string }>(
      `select ciphertext, key_id, encode(ciphertext, 'escape') as as_text from connectd_engine.credentials
       where connection_id = 'conn-000' and kind = 'access_token'`,
    );
    const row = rows[0]!;
    expect(Buffer.isBuffer(row.ciphertext)).toBe(true);
    expect(row.ciphertext.includes(Buffer.from(token))).toBe(false);
    expect(row.as_text).not.toContain(token);
    expect(row.key_id).toBe(vault.currentKeyId);
    const stored = await readCredential(store.db, 'conn-000', 'access_token');
    expect(vault.decrypt(stored!.ciphertext, credentialAad('conn-000', 'access_token'))).toBe(token);
    // A ciphertext moved to another row does not decrypt there.
    expect(() => vault.decrypt(stored!.ciphertext, credentialAad('conn-000', 'refresh_token'))).toThrow(
      expect.objectContaining({ code: 'CONNECTD_ERR_VAULT_DECRYPT_FAILED' }),
    );
  });

  it('rotation re-encrypts every row to the current key, after which the old key is not needed', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const oldVault = createVault(new KeyRing(oldKey));
    const tokens = await seed(store, oldVault, 7); // 14 rows, several batches of 3
    const rotating = createVault(new KeyRing(newKey, [oldKey]));

    const result = await rotateCredentials(store.db, repo, rotating, { batchSize: 3 });
    expect(result).toEqual({ rotated: 14, skipped: 0, failed: [] });
    expect(await listCredentialKeys(store.db)).toEqual([{ keyId: rotating.currentKeyId, count: 14 }]);

    const newOnly = createVault(new KeyRing(newKey));
    for (const [path, token] of tokens) {
      const [id, kind] = path.split('/') as [string, string];
      const row = await readCredential(store.db, id, kind);
      expect(newOnly.decrypt(row!.ciphertext, credentialAad(id, kind))).toBe(token);
    }
    expect(await rotateCredentials(store.db, repo, newOnly)).toEqual({ rotated: 0, skipped: 0, failed: [] });
  });

  it('reports rows it cannot decrypt and leaves a row changed meanwhile alone', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const oldKey = randomBytes(32);
    const lostKey = randomBytes(32);
    const newKey = randomBytes(32);
    await seed(store, createVault(new KeyRing(oldKey)), 2);
    await store.db.transaction((tx) =>
      saveCredential(tx, {
        connectionId: 'conn-001',
        kind: 'refresh_token',
        ...createVault(new KeyRing(lostKey)).encrypt('x', credentialAad('conn-001', 'refresh_token')),
        expiresAt: null,
      }),
    );
    const rotating = createVault(new KeyRing(newKey, [oldKey]));
    // A refresh that lands between rotation's read and write must win.
    const racing = {
      listCredentials,
      replaceCiphertext: async (tx: Parameters<typeof replaceCiphertext>[0], r: Parameters<typeof replaceCiphertext>[1]) => {
        if (r.connectionId === 'conn-000' && r.kind === 'access_token') {
          await saveCredential(tx, { connectionId: r.connectionId, kind: r.kind, ...createVault(new KeyRing(oldKey)).encrypt('fresh', credentialAad(r.connectionId, r.kind)), expiresAt: null });
        }
        return replaceCiphertext(tx, r);
      },
    };
    const result = await rotateCredentials(store.db, racing, rotating, { batchSize: 2 });
    expect(result.rotated).toBe(2);
    expect(result.skipped).toBe(1);
    expect(result.failed).toEqual([{ connectionId: 'conn-001', kind: 'refresh_token', code: 'CONNECTD_ERR_VAULT_DECRYPT_FAILED' }]);
    const fresh = await readCredential(store.db, 'conn-000', 'access_token');
    expect(rotating.decrypt(fresh!.ciphertext, credentialAad('conn-000', 'access_token'))).toBe('fresh');
  });
});
