import type { ConnectionStore } from '../connections/index.js';
import {
  deleteConnection,
  deleteCredentialsWithPrefix,
  findRoutableConnections,
  getConnection,
  getRoutableConnection,
  listConnections,
  listCredentialsOf,
  saveConnection,
  saveCredential,
  setConnectionStatus,
  upsertDeclaredConnection,
  type Database,
} from '../store/index.js';
import { SECRET_SETTING_KIND_PREFIX } from '../connections/index.js';

/**
 * The connections' storage over the store's repositories: records, their encrypted secret
 * settings (replaced in one transaction with the record), lifecycle status and routing lookups.
 * @example
 * const lifecycle = new ConnectionLifecycle({ store: createConnectionStore(store.db), ... });
 */
export function createConnectionStore(db: Database): ConnectionStore {
  return {
    list: (filter = {}) => listConnections(db, filter),
    get: (id) => getConnection(db, id),
    async recordDeclared(connection) {
      await upsertDeclaredConnection(db, connection);
    },
    async secretSettingsOf(connectionId) {
      return (await listCredentialsOf(db, connectionId)).filter((c) => c.kind.startsWith(SECRET_SETTING_KIND_PREFIX));
    },
    credentialsOf: (connectionId) => listCredentialsOf(db, connectionId),
    saveWithSecrets: (connection) =>
      db.transaction(async (tx) => {
        const saved = await saveConnection(tx, { id: connection.id, connector: connection.connector, tenantId: connection.tenantId, config: connection.config });
        await deleteCredentialsWithPrefix(tx, connection.id, SECRET_SETTING_KIND_PREFIX);
        for (const secret of connection.secrets) {
          await saveCredential(tx, { connectionId: connection.id, kind: secret.kind, ciphertext: secret.ciphertext, keyId: secret.keyId, expiresAt: null });
        }
        return saved;
      }),
    setStatus: (id, status, reason) => setConnectionStatus(db, id, status, reason),
    async delete(id) {
      await deleteConnection(db, id);
    },
    findRoutable: (connector, vendorAccountId) => findRoutableConnections(db, connector, vendorAccountId),
    getRoutable: (id) => getRoutableConnection(db, id),
  };
}
