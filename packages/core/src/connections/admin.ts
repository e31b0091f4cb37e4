import { credentialAad, type Vault } from '../auth/index.js';
import { CONNECTION_DECLARED_IN_CONFIG, CONNECTION_NEEDS_CONSENT, CONNECTION_NOT_FOUND, VAULT_NO_KEY } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { Project } from '../project/index.js';
import type { ConnectionRecord, ConnectionStatus } from '../store/index.js';
import type { ConnectionLifecycle } from './lifecycle.js';
import { SECRET_SETTING_KIND_PREFIX, type ConnectionStore } from './ports.js';
import type { ConnectionRuntimeSet } from './runtime-set.js';

/** A connection as the admin API shows it: credentials by kind and expiry only, never a value. */
export interface ConnectionView {
  readonly id: string;
  readonly connector: string;
  readonly tenant: string;
  readonly status: ConnectionStatus;
  readonly statusReason: string | null;
  readonly config: Readonly<Record<string, unknown>>;
  readonly vendorAccountId: string | null;
  /** Declared in connectors.yaml (cannot be deleted through the API). */
  readonly declared: boolean;
  readonly credentials: ReadonlyArray<{ readonly kind: string; readonly expiresAt: string | null; readonly updatedAt: string }>;
  /** This daemon's runtime for it: `ready`, or `unavailable` with the coded reason, or `none`. */
  readonly runtime: { readonly state: 'ready' | 'unavailable' | 'none'; readonly breaker?: string; readonly error?: string };
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An API-key (or other non-consent) connection to create or replace. */
export interface NewConnection {
  readonly id: string;
  readonly connector: string;
  readonly tenant: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Encrypted at rest; they fill `{placeholders}` like config values. */
  readonly secrets: Readonly<Record<string, string>>;
}

export interface ConnectionAdminDeps {
  readonly project: Project;
  readonly store: ConnectionStore;
  readonly lifecycle: ConnectionLifecycle;
  readonly runtimes: ConnectionRuntimeSet;
  readonly vault: Vault | undefined;
  readonly log: Logger;
  /**
   * Revokes a connection's credentials at the vendor before it is deleted (OAuth's `auth.revoke`):
   * best effort and bounded in time, it resolves whether or not the vendor revoked, and logs its own
   * failures. Optional: without it, a delete only forgets the credentials.
   */
  readonly revokeCredentials?: ((connection: ConnectionRecord) => Promise<unknown>) | undefined;
}

/**
 * What the admin API does with connections: list and show them (never a secret), create an
 * API-key connection with encrypted secrets, disable, enable and delete. Every change is applied
 * to this daemon's runtimes at once; other daemons catch up when they reconcile.
 * @example
 * const admin = new ConnectionAdmin({ project, store, lifecycle, runtimes, vault, log, revokeCredentials: (c) => oauth.revoke(c.connector, c) });
 * await admin.create({ id: 'storq-acme', connector: 'storq', tenant: 'acme', config: {}, secrets: { api_key: key } });
 */
export class ConnectionAdmin {
  readonly #deps: ConnectionAdminDeps;

  constructor(deps: ConnectionAdminDeps) {
    this.#deps = deps;
  }

  async list(filter: { readonly connector?: string | undefined; readonly tenant?: string | undefined; readonly status?: ConnectionStatus | undefined }): Promise<ConnectionView[]> {
    const records = await this.#deps.store.list({ connector: filter.connector, tenantId: filter.tenant, status: filter.status });
    return Promise.all(records.map((r) => this.#view(r)));
  }

  /** @throws CONNECTD_ERR_CONNECTION_NOT_FOUND */
  async get(id: string): Promise<ConnectionView> {
    return this.#view(await this.#found(id));
  }

  /**
   * Creates (or replaces) a connection of a connector that does not need a tenant's consent.
   * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR, CONNECTD_ERR_CONNECTION_NEEDS_CONSENT,
   *   CONNECTD_ERR_CONNECTION_DECLARED_IN_CONFIG, CONNECTD_ERR_VAULT_NO_KEY (secrets without a key)
   */
  async create(input: NewConnection): Promise<{ readonly view: ConnectionView; readonly created: boolean }> {
    const { project, store, lifecycle, vault } = this.#deps;
    project.connector(input.connector);
    if (project.needsConsent(input.connector)) throw CONNECTION_NEEDS_CONSENT({ connector: input.connector });
    if (lifecycle.isDeclared(input.id)) throw CONNECTION_DECLARED_IN_CONFIG({ connection: input.id });
    const names = Object.keys(input.secrets);
    if (names.length > 0 && vault === undefined) throw VAULT_NO_KEY({ operation: 'store connection secrets' });
    const existing = await store.get(input.id);
    const secrets = names.map((name) => {
      const kind = `${SECRET_SETTING_KIND_PREFIX}${name}`;
      return { kind, ...vault!.encrypt(input.secrets[name]!, credentialAad(input.id, kind)) };
    });
    const record = await store.saveWithSecrets({ id: input.id, connector: input.connector, tenantId: input.tenant, config: input.config, secrets });
    await lifecycle.attach(record);
    return { view: await this.#view(record), created: existing === undefined };
  }

  /** @throws CONNECTD_ERR_CONNECTION_NOT_FOUND */
  async disable(id: string): Promise<ConnectionView> {
    await this.#found(id);
    return this.#setStatus(id, 'disabled', 'disabled through the admin API');
  }

  /** @throws CONNECTD_ERR_CONNECTION_NOT_FOUND, CONNECTD_ERR_CONNECTION_NEEDS_CONSENT (its grant is gone) */
  async enable(id: string): Promise<ConnectionView> {
    const current = await this.#found(id);
    // A connection whose grant is gone needs the tenant's consent again, not a flag.
    if (current.status === 'needs_reauth') throw CONNECTION_NEEDS_CONSENT({ connector: current.connector });
    return this.#setStatus(id, 'active', null);
  }

  /**
   * Stops running the connection, revokes its credentials at the vendor (best effort: a failure
   * never keeps the connection), then deletes it with its credentials. Disabling does not revoke:
   * a disabled connection can be enabled again.
   * @throws CONNECTD_ERR_CONNECTION_NOT_FOUND, CONNECTD_ERR_CONNECTION_DECLARED_IN_CONFIG
   */
  async delete(id: string): Promise<void> {
    const record = await this.#found(id);
    if (this.#deps.lifecycle.isDeclared(id)) throw CONNECTION_DECLARED_IN_CONFIG({ connection: id });
    // Detached first, so no sync of this daemon uses (or refreshes) tokens while they are revoked.
    await this.#deps.lifecycle.detach(id);
    await this.#revoke(record);
    await this.#deps.store.delete(id);
  }

  async #revoke(record: ConnectionRecord): Promise<void> {
    try {
      await this.#deps.revokeCredentials?.(record);
    } catch (err) {
      // The port promises not to reject; if it does anyway, the tenant's delete still happens.
      const code = (err as { code?: unknown } | null)?.code;
      this.#deps.log.warn({ connection: record.id, connector: record.connector, code }, 'revoking the credentials failed unexpectedly; deleting the connection anyway');
    }
  }

  async #setStatus(id: string, status: ConnectionStatus, reason: string | null): Promise<ConnectionView> {
    const record = await this.#deps.store.setStatus(id, status, reason);
    if (record === undefined) throw CONNECTION_NOT_FOUND({ connection: id });
    await this.#deps.lifecycle.attach(record);
    return this.#view(record);
  }

  async #found(id: string): Promise<ConnectionRecord> {
    const record = await this.#deps.store.get(id);
    if (record === undefined) throw CONNECTION_NOT_FOUND({ connection: id });
    return record;
  }

  async #view(record: ConnectionRecord): Promise<ConnectionView> {
    const { store, runtimes, lifecycle } = this.#deps;
    const credentials = await store.credentialsOf(record.id);
    const runtime = runtimes.get(record.connector, record.id);
    const unavailable = runtimes.unavailableOf(record.id);
    return {
      id: record.id,
      connector: record.connector,
      tenant: record.tenantId,
      status: record.status,
      statusReason: record.statusReason,
      config: record.config,
      vendorAccountId: record.vendorAccountId,
      declared: lifecycle.isDeclared(record.id),
      credentials: credentials.map((c) => ({ kind: c.kind, expiresAt: c.expiresAt?.toISOString() ?? null, updatedAt: c.updatedAt.toISOString() })),
      runtime:
        runtime !== undefined
          ? { state: 'ready', breaker: runtime.client.stats().breaker }
          : unavailable !== undefined
            ? { state: 'unavailable', error: `${unavailable.code}: ${unavailable.reason}` }
            : { state: 'none' },
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
    };
  }
}
