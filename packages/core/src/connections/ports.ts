/**
 * What connections/ needs from storage, defined here by the consumer and implemented over the
 * store by persist/ (so this folder holds no SQL and its tests can hand in anything of this shape).
 */
import type { ConnectionRecord, ConnectionStatus, RoutableConnection } from '../store/index.js';

/** Credential kinds holding a connection's secret settings: `setting:<name>`, e.g. `setting:api_key`. */
export const SECRET_SETTING_KIND_PREFIX = 'setting:';

/** A connection's encrypted secret setting, as stored. */
export interface StoredSecretSetting {
  /** `setting:<name>`. */
  readonly kind: string;
  readonly ciphertext: Buffer;
}

/** A credential as the admin API shows it: kind and dates, never a value. */
export interface CredentialSummary {
  readonly kind: string;
  readonly expiresAt: Date | null;
  readonly updatedAt: Date;
}

/** An API-key connection the admin API saves, with its secrets already encrypted. */
export interface ConnectionWithSecrets {
  readonly id: string;
  readonly connector: string;
  readonly tenantId: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Replaces every secret setting the connection had. */
  readonly secrets: ReadonlyArray<{ readonly kind: string; readonly ciphertext: Buffer; readonly keyId: string }>;
}

export interface ConnectionStore {
  list(filter?: { readonly connector?: string | undefined; readonly tenantId?: string | undefined; readonly status?: ConnectionStatus | undefined }): Promise<ConnectionRecord[]>;
  get(id: string): Promise<ConnectionRecord | undefined>;
  /** Records a connection declared in connectors.yaml (jobs and inbox rows reference it); its status is left alone. */
  recordDeclared(connection: { readonly id: string; readonly connector: string; readonly tenantId: string }): Promise<void>;
  secretSettingsOf(connectionId: string): Promise<StoredSecretSetting[]>;
  credentialsOf(connectionId: string): Promise<CredentialSummary[]>;
  /** Saves the connection and replaces its secret settings, in one transaction. */
  saveWithSecrets(connection: ConnectionWithSecrets): Promise<ConnectionRecord>;
  setStatus(id: string, status: ConnectionStatus, reason: string | null): Promise<ConnectionRecord | undefined>;
  delete(id: string): Promise<void>;
  /** Connections of a connector that are not disabled; with an account id, only that vendor account's. */
  findRoutable(connector: string, vendorAccountId?: string): Promise<RoutableConnection[]>;
  getRoutable(id: string): Promise<RoutableConnection | undefined>;
}
