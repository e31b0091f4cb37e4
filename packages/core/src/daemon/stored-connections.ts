import { credentialAad, type Vault } from '../auth/index.js';
import type { ConnectionInfo } from '../connector/index.js';
import { CONNECTION_DISABLED, VAULT_NO_KEY, isConnectdError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { listConnections, listCredentialsOf, type ConnectionRecord, type Store } from '../store/index.js';
import { createConnectionRuntime, declaredConnections, type ConnectionRuntime, type ConnectionRuntimeDeps, type ConnectionRuntimeSet } from './connection-runtimes.js';
import type { OAuthServices } from './oauth.js';
import type { Project } from './project.js';

/** Credential kinds holding a connection's secret settings: `setting:<name>`, e.g. `setting:api_key`. */
export const SECRET_SETTING_KIND_PREFIX = 'setting:';

export interface StoredConnectionsDeps {
  readonly project: Project;
  readonly store: Store;
  readonly log: Logger;
  readonly oauth?: OAuthServices | undefined;
  readonly vault?: Vault | undefined;
  readonly onSecret?: ((value: string) => void) | undefined;
  readonly runtimes: ConnectionRuntimeSet;
  readonly runtimeDeps: ConnectionRuntimeDeps;
  /** Schedules a new runtime's streams (the engine knows whether it runs schedules). */
  schedule(runtime: ConnectionRuntime): void;
  unschedule(connectionId: string): void;
}

/**
 * The connections that live in the store rather than in connectors.yaml (consent flow, admin API),
 * and the store's status of the declared ones: which run here, which are reported unavailable,
 * and how a daemon catches up with what other daemons changed.
 */
export class StoredConnections {
  readonly #deps: StoredConnectionsDeps;
  /** Connection ids connectors.yaml declares: the admin API may not delete them. */
  readonly #declared = new Map<string, ConnectionInfo>();
  /** Stored connections this engine runs (or reports), with the `updated_at` it last saw of each. */
  readonly #attached = new Map<string, number>();

  constructor(deps: StoredConnectionsDeps) {
    this.#deps = deps;
    for (const [name, connector] of Object.entries(deps.project.config.connectors)) {
      for (const connection of declaredConnections(name, connector)) this.#declared.set(connection.id, connection);
    }
  }

  /** Whether connectors.yaml declares this connection (it comes back at every start). */
  isDeclared(connectionId: string): boolean {
    return this.#declared.has(connectionId);
  }

  /** Connections created at run time for the configured, active connectors, and declared ones the admin API disabled. */
  async load(): Promise<void> {
    for (const record of await this.#relevant()) {
      // Declared connections already run; only a status set through the admin API changes them.
      if (this.#declared.has(record.id) && record.status === 'active') continue;
      await this.attach(record);
    }
  }

  /**
   * Builds (or rebuilds) the runtime of a stored connection and schedules its streams: called at
   * start, after an OAuth callback, and when the admin API creates or changes a connection. A
   * disabled connection, or one whose credentials cannot be read, is reported as unavailable.
   */
  async attach(record: ConnectionRecord): Promise<void> {
    const { project, store, oauth, vault, runtimes } = this.#deps;
    this.#attached.set(record.id, record.updatedAt.getTime());
    const unavailable = async (error: { code: string; message: string }): Promise<void> => {
      await this.detach(record.id);
      await runtimes.markUnavailable({ connector: record.connector, connectionId: record.id, code: error.code, reason: error.message });
    };
    if (record.status === 'disabled') {
      await unavailable(CONNECTION_DISABLED({ connection: record.id, reason: record.statusReason ?? 'disabled' }));
      return;
    }
    const needsVault = oauth?.settings.has(record.connector) === true;
    const settingRows = (await listCredentialsOf(store.db, record.id)).filter((c) => c.kind.startsWith(SECRET_SETTING_KIND_PREFIX));
    if ((needsVault || settingRows.length > 0) && vault === undefined) {
      await unavailable(VAULT_NO_KEY({ operation: `use connection ${record.id}` }));
      return;
    }
    try {
      const secrets: Record<string, string> = {};
      for (const row of settingRows) {
        const value = vault!.decrypt(row.ciphertext, credentialAad(record.id, row.kind));
        this.#deps.onSecret?.(value);
        secrets[row.kind.slice(SECRET_SETTING_KIND_PREFIX.length)] = value;
      }
      // A new provider re-reads the connection's status and tokens (a reconnect replaced them).
      oauth?.forget(record.id);
      // A declared connection's settings come from connectors.yaml (they may hold secrets the store never sees).
      const info = this.#declared.get(record.id) ?? { id: record.id, tenant: record.tenantId, config: { ...record.config } };
      const runtime = createConnectionRuntime(project, record.connector, info, this.#deps.runtimeDeps, secrets);
      this.#deps.unschedule(record.id);
      await runtimes.put(runtime);
      this.#deps.schedule(runtime);
    } catch (err) {
      if (!isConnectdError(err)) throw err;
      this.#deps.log.error({ err, code: err.code, connector: record.connector, connection: record.id }, 'connection cannot be set up; it stays idle');
      await unavailable(err);
    }
  }

  /**
   * Catches up with connections other daemons created, changed or deleted (a consent callback or
   * an admin API call lands on one daemon of several): the daemon calls this periodically.
   */
  async reconcile(): Promise<void> {
    const seen = new Set<string>();
    for (const record of await this.#relevant()) {
      seen.add(record.id);
      const known = this.#attached.get(record.id);
      if (known === record.updatedAt.getTime()) continue;
      if (known === undefined && this.#declared.has(record.id) && record.status === 'active') continue;
      await this.attach(record);
    }
    for (const id of [...this.#attached.keys()]) {
      if (seen.has(id)) continue;
      this.#attached.delete(id);
      await this.detach(id);
    }
  }

  /** Stops running a connection here: its runtime, schedules and token provider go. */
  async detach(connectionId: string): Promise<void> {
    this.#deps.unschedule(connectionId);
    this.#deps.oauth?.forget(connectionId);
    await this.#deps.runtimes.remove(connectionId);
  }

  /** Stored connections of connectors this config has and runs (not idle). */
  async #relevant(): Promise<ConnectionRecord[]> {
    const { project, store } = this.#deps;
    const idle = new Set(project.idleConnectors.map((c) => c.connector));
    return (await listConnections(store.db)).filter((r) => project.config.connectors[r.connector] !== undefined && !idle.has(r.connector));
  }
}
