/**
 * An in-memory `ConnectionStore` for unit tests of connections/: the same contract persist/
 * implements over Postgres, with a clock that moves on every write so `updatedAt` changes as a
 * database's `now()` would.
 */
import type { ConnectionStore, ConnectionWithSecrets, StoredSecretSetting } from '../connections/index.js';
import type { ConnectionRecord, ConnectionStatus, RoutableConnection } from '../store/index.js';

export interface MemoryConnectionStore extends ConnectionStore {
  /** Writes a record directly, as another daemon (or the consent flow) would. */
  put(record: Partial<ConnectionRecord> & Pick<ConnectionRecord, 'id' | 'connector' | 'tenantId'>): ConnectionRecord;
  /** The secret settings stored for a connection (ciphertexts). */
  settings(connectionId: string): readonly StoredSecretSetting[];
}

/**
 * @example
 * const store = memoryConnectionStore();
 * store.put({ id: 'vendor-acme', connector: 'vendor', tenantId: 'acme', config: { token: 't' } });
 */
export function memoryConnectionStore(): MemoryConnectionStore {
  const records = new Map<string, ConnectionRecord>();
  const secrets = new Map<string, Array<{ kind: string; ciphertext: Buffer; keyId: string; updatedAt: Date }>>();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const tick = (): Date => new Date((clock += 1000));
  const routable = (r: ConnectionRecord): RoutableConnection => ({ id: r.id, connector: r.connector, tenantId: r.tenantId, vendorAccountId: r.vendorAccountId, status: r.status, config: r.config });

  const put: MemoryConnectionStore['put'] = (record) => {
    const previous = records.get(record.id);
    const now = tick();
    const next: ConnectionRecord = {
      status: 'active',
      statusReason: null,
      config: {},
      vendorAccountId: null,
      createdAt: previous?.createdAt ?? now,
      ...previous,
      ...record,
      updatedAt: now,
    };
    records.set(record.id, next);
    return next;
  };

  return {
    put,
    settings: (id) => (secrets.get(id) ?? []).map((s) => ({ kind: s.kind, ciphertext: s.ciphertext })),
    async list(filter = {}) {
      return [...records.values()]
        .filter((r) => (filter.connector === undefined || r.connector === filter.connector) && (filter.tenantId === undefined || r.tenantId === filter.tenantId) && (filter.status === undefined || r.status === filter.status))
        .sort((a, b) => a.id.localeCompare(b.id));
    },
    get: async (id) => records.get(id),
    async recordDeclared(connection) {
      const previous = records.get(connection.id);
      if (previous?.connector === connection.connector && previous.tenantId === connection.tenantId) return;
      put(connection);
    },
    secretSettingsOf: async (id) => (secrets.get(id) ?? []).map((s) => ({ kind: s.kind, ciphertext: s.ciphertext })),
    credentialsOf: async (id) => (secrets.get(id) ?? []).map((s) => ({ kind: s.kind, expiresAt: null, updatedAt: s.updatedAt })),
    async saveWithSecrets(connection: ConnectionWithSecrets) {
      const record = put({ id: connection.id, connector: connection.connector, tenantId: connection.tenantId, config: connection.config });
      secrets.set(connection.id, connection.secrets.map((s) => ({ ...s, updatedAt: record.updatedAt })));
      return record;
    },
    async setStatus(id: string, status: ConnectionStatus, reason: string | null) {
      if (!records.has(id)) return undefined;
      return put({ ...records.get(id)!, status, statusReason: reason });
    },
    async delete(id) {
      records.delete(id);
      secrets.delete(id);
    },
    async findRoutable(connector, vendorAccountId) {
      return [...records.values()]
        .filter((r) => r.connector === connector && r.status !== 'disabled' && (vendorAccountId === undefined || r.vendorAccountId === vendorAccountId))
        .map(routable);
    },
    getRoutable: async (id) => {
      const record = records.get(id);
      return record === undefined ? undefined : routable(record);
    },
  };
}
