import { credentialAad, type Vault } from '../auth/index.js';
import type { ConnectionInfo } from '../connector/index.js';
import { CONNECTION_DISABLED, VAULT_NO_KEY, isConnectdError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { Project } from '../project/index.js';
import type { ConnectionRecord } from '../store/index.js';
import { SECRET_SETTING_KIND_PREFIX, type ConnectionStore } from './ports.js';
import { createConnectionRuntime, type ConnectionRuntime, type ConnectionRuntimeDeps } from './runtime.js';
import type { ConnectionRuntimeSet } from './runtime-set.js';

export interface ConnectionLifecycleDeps {
  readonly project: Project;
  readonly store: ConnectionStore;
  readonly log: Logger;
  readonly runtimes: ConnectionRuntimeSet;
  readonly runtimeDeps: ConnectionRuntimeDeps;
  /** Decrypts stored secret settings; without it, connections that have some cannot run. */
  readonly vault?: Vault | undefined;
  /** Told every secret value decrypted from the store, so logs can scrub it. */
  readonly onSecret?: ((value: string) => void) | undefined;
  /** Drops a connection's cached OAuth token provider (it was reconnected, disabled or deleted). */
  readonly forgetTokens?: ((connectionId: string) => void) | undefined;
  /** Schedules a new runtime's streams (the engine knows whether it runs schedules). */
  schedule(runtime: ConnectionRuntime): void;
  unschedule(connectionId: string): void;
}

/**
 * The life of an engine's connections: the ones connectors.yaml declares, and the ones that live
 * in the store (consent flow, admin API). It builds their runtimes, reports those that cannot run
 * (disabled, no key for their secrets, a component that cannot be made), and catches up with what
 * other daemons changed.
 * @example
 * const lifecycle = new ConnectionLifecycle({ project, store, log, runtimes, runtimeDeps, schedule, unschedule });
 * await lifecycle.start();
 * setInterval(() => void lifecycle.reconcile(), 30_000);
 */
export class ConnectionLifecycle {
  readonly #deps: ConnectionLifecycleDeps;
  /** Connections connectors.yaml declares for active connectors: the admin API may not delete them. */
  readonly #declared = new Map<string, { readonly connector: string; readonly connection: ConnectionInfo }>();
  /** Stored connections this engine runs (or reports), with the `updated_at` it last saw of each. */
  readonly #attached = new Map<string, number>();

  constructor(deps: ConnectionLifecycleDeps) {
    this.#deps = deps;
    for (const declared of deps.project.activeDeclaredConnections()) this.#declared.set(declared.connection.id, declared);
  }

  /** Whether connectors.yaml declares this connection (it comes back at every start). */
  isDeclared(connectionId: string): boolean {
    return this.#declared.has(connectionId);
  }

  /**
   * Records the declared connections in the store and runs them, then attaches the stored ones:
   * connections created at run time, and declared ones the admin API changed.
   */
  async start(): Promise<void> {
    for (const { connector, connection } of this.#declared.values()) {
      await this.#deps.store.recordDeclared({ id: connection.id, connector, tenantId: connection.tenant });
      await this.#build(connector, connection, {});
    }
    for (const record of await this.#relevant()) {
      // Declared connections already run; only a status set through the admin API changes them.
      if (this.#declared.has(record.id) && record.status === 'active') continue;
      await this.attach(record);
    }
  }

  /**
   * Builds (or rebuilds) the runtime of a stored connection and schedules its streams: called at
   * start, after an OAuth callback, and when the admin API creates or changes a connection.
   */
  async attach(record: ConnectionRecord): Promise<void> {
    const { project, store, vault } = this.#deps;
    this.#attached.set(record.id, record.updatedAt.getTime());
    if (record.status === 'disabled') {
      await this.#unavailable(record, CONNECTION_DISABLED({ connection: record.id, reason: record.statusReason ?? 'disabled' }));
      return;
    }
    const settings = await store.secretSettingsOf(record.id);
    if ((project.oauth2(record.connector) !== undefined || settings.length > 0) && vault === undefined) {
      await this.#unavailable(record, VAULT_NO_KEY({ operation: `use connection ${record.id}` }));
      return;
    }
    const secrets: Record<string, string> = {};
    for (const setting of settings) {
      const value = vault!.decrypt(setting.ciphertext, credentialAad(record.id, setting.kind));
      this.#deps.onSecret?.(value);
      secrets[setting.kind.slice(SECRET_SETTING_KIND_PREFIX.length)] = value;
    }
    // A new provider re-reads the connection's status and tokens (a reconnect replaced them).
    this.#deps.forgetTokens?.(record.id);
    // A declared connection's settings come from connectors.yaml (they may hold secrets the store never sees).
    const connection = this.#declared.get(record.id)?.connection ?? { id: record.id, tenant: record.tenantId, config: { ...record.config } };
    this.#deps.unschedule(record.id);
    // A connection waiting for re-consent keeps its runtime (status, a manual sync that says why),
    // but its streams stay unscheduled: every tick would only fail again and leave a dead letter.
    // The reconnect attaches it again, active, and that schedules them.
    const waitsForConsent = record.status === 'needs_reauth';
    if (waitsForConsent) this.#deps.log.info({ connector: record.connector, connection: record.id }, 'connection needs re-consent: its schedules wait for the reconnect');
    await this.#build(record.connector, connection, secrets, !waitsForConsent);
  }

  /** Stops running a connection here: its runtime, schedules and token provider go. */
  async detach(connectionId: string): Promise<void> {
    this.#deps.unschedule(connectionId);
    this.#deps.forgetTokens?.(connectionId);
    await this.#deps.runtimes.remove(connectionId);
  }

  /**
   * Catches up with connections other daemons created, changed or deleted (a consent callback or
   * an admin API call lands on one daemon of several).
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

  /** Runs a connection, or reports it unavailable with the coded reason its runtime could not be made. */
  async #build(connector: string, connection: ConnectionInfo, secrets: Readonly<Record<string, string>>, scheduled = true): Promise<void> {
    const { project, runtimes, runtimeDeps, log } = this.#deps;
    try {
      const runtime = createConnectionRuntime(project, connector, connection, runtimeDeps, secrets);
      await runtimes.put(runtime);
      if (scheduled) this.#deps.schedule(runtime);
    } catch (err) {
      if (!isConnectdError(err)) throw err;
      log.error({ err, code: err.code, connector, connection: connection.id }, 'connection cannot be set up; it stays idle');
      await runtimes.markUnavailable({ connector, connectionId: connection.id, code: err.code, reason: err.message });
    }
  }

  async #unavailable(record: ConnectionRecord, error: { readonly code: string; readonly message: string }): Promise<void> {
    await this.detach(record.id);
    await this.#deps.runtimes.markUnavailable({ connector: record.connector, connectionId: record.id, code: error.code, reason: error.message });
  }

  /** Stored connections of connectors this config has and runs (not idle). */
  async #relevant(): Promise<ConnectionRecord[]> {
    return (await this.#deps.store.list()).filter((r) => this.#deps.project.isActive(r.connector));
  }
}
