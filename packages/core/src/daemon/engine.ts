import {
  Scheduler,
  SYNC_JOB_KIND,
  Worker,
  type JobContext,
  type JobOutcome,
} from '../jobs/index.js';
import { SYNC_NO_CONNECTION, SYNC_UNKNOWN_CONNECTOR, SYNC_UNKNOWN_STREAM } from '../errors/index.js';
import type { HttpMetrics } from '../http/index.js';
import type { Logger } from '../log/index.js';
import {
  createJobRepository,
  ensureCustomEntityTable,
  listConnections,
  listCredentialsOf,
  upsertDeclaredConnection,
  type ConnectionRecord,
  type JobRecord,
  type Store,
} from '../store/index.js';
import { credentialAad, type Vault } from '../auth/index.js';
import { CONNECTION_DISABLED, VAULT_NO_KEY, isConnectdError } from '../errors/index.js';
import { runStream, type SyncMode, type SyncProgress, type SyncStore, type SyncSummary } from '../sync/index.js';
import { buildConnectionRuntimes, createConnectionRuntime, declaredConnections, type ConnectionRuntime, type ConnectionRuntimeDeps, type ConnectionRuntimeSet } from './connection-runtimes.js';
import type { OAuthServices } from './oauth.js';
import { ACTION_JOB_KIND, invokeAction, resolveAction, runActionJob, type ActionInvocation } from './action-jobs.js';
import type { ConnectionInfo } from '../connector/index.js';
import type { Project } from './project.js';
import { createSyncStore } from './sync-store.js';

/** Job lease and worker poll defaults; overridable per daemon through the environment. */
export const DEFAULT_SYNC_LEASE_MS = 30_000;
/** How often a daemon picks up connections other daemons created, changed or deleted. */
export const CONNECTIONS_RELOAD_MS = 30_000;

export interface EngineOptions {
  readonly project: Project;
  readonly store: Store;
  readonly log: Logger;
  readonly metrics?: HttpMetrics | undefined;
  readonly redact?: ((text: string) => string) | undefined;
  readonly leaseMs?: number | undefined;
  readonly pollIntervalMs?: number | undefined;
  /** Progress of every sync job this engine runs (the CLI prints it). */
  readonly onProgress?: ((job: { connector: string; connection: string; stream: string }, progress: SyncProgress) => void) | undefined;
  /** Token providers for oauth2 connectors; without it their connections cannot run. */
  readonly oauth?: OAuthServices | undefined;
  /** Decrypts stored connection settings (API keys created through the admin API). */
  readonly vault?: Vault | undefined;
  /** Told every secret value decrypted from the store, so logs can scrub it. */
  readonly onSecret?: ((value: string) => void) | undefined;
}

/** Credential kinds holding a connection's secret settings: `setting:<name>`, e.g. `setting:api_key`. */
export const SECRET_SETTING_KIND_PREFIX = 'setting:';

/** What a `sync` job carries. */
interface SyncPayload {
  readonly connector: string;
  readonly stream: string;
  readonly mode?: SyncMode;
}

/**
 * The running parts shared by `connectd run` and `connectd sync`: connection runtimes, the sync
 * store, the job worker with its `sync` handler, and (for the daemon) the scheduler.
 */
export class Engine {
  readonly runtimes: ConnectionRuntimeSet;
  readonly worker: Worker;
  readonly scheduler: Scheduler;
  readonly syncStore: SyncStore;
  readonly #options: EngineOptions;
  readonly #shutdown = new AbortController();
  readonly #runtimeDeps: ConnectionRuntimeDeps;
  /** Connection ids connectors.yaml declares: the admin API may not delete them. */
  readonly #declared = new Map<string, ConnectionInfo>();
  #background = false;
  #reloadTimer: NodeJS.Timeout | undefined;
  /** Stored connections this engine runs (or reports), with the `updated_at` it last saw of each. */
  readonly #attached = new Map<string, number>();

  private constructor(options: EngineOptions) {
    this.#options = options;
    const { project, store, log } = options;
    this.#runtimeDeps = {
      log,
      signal: this.#shutdown.signal,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      ...(options.redact === undefined ? {} : { redact: options.redact }),
      tokensFor: (connector, connection) => options.oauth?.tokensFor(connector, connection),
    };
    this.runtimes = buildConnectionRuntimes(project, this.#runtimeDeps);
    this.syncStore = createSyncStore(store, project.catalog, project.customTables);
    const repository = createJobRepository(store.db);
    this.worker = new Worker({
      repository,
      log: log.child({ component: 'worker' }),
      leaseMs: options.leaseMs ?? DEFAULT_SYNC_LEASE_MS,
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    });
    this.worker.handle(SYNC_JOB_KIND, (job, ctx) => this.#runSyncJob(job, ctx));
    this.worker.handle(ACTION_JOB_KIND, (job, ctx) =>
      runActionJob(project, this.runtimes.get(String((job.payload as { connector?: unknown }).connector), job.connectionId ?? undefined), job, ctx),
    );
    this.scheduler = new Scheduler({ repository, log: log.child({ component: 'scheduler' }), onTick: () => this.worker.wake() });
  }

  /** Builds the engine and records the declared connections and custom tables in the store. */
  static async create(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    for (const table of Object.values(options.project.customTables)) await ensureCustomEntityTable(options.store.db, table);
    for (const runtime of engine.runtimes.all()) {
      await upsertDeclaredConnection(options.store.db, {
        id: runtime.connection.id,
        connector: runtime.connector,
        tenantId: runtime.connection.tenant,
      });
    }
    await engine.#loadStoredConnections();
    return engine;
  }

  /** Whether connectors.yaml declares this connection (it comes back at every start). */
  isDeclared(connectionId: string): boolean {
    return this.#declared.has(connectionId);
  }

  /** Connections created at run time (consent flow, admin API) for the configured, active connectors. */
  async #loadStoredConnections(): Promise<void> {
    const { project, store } = this.#options;
    const idle = new Set(project.idleConnectors.map((c) => c.connector));
    for (const [name, connector] of Object.entries(project.config.connectors)) {
      for (const connection of declaredConnections(name, connector)) this.#declared.set(connection.id, connection);
    }
    for (const record of await listConnections(store.db)) {
      if (project.config.connectors[record.connector] === undefined || idle.has(record.connector)) continue;
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
    const { project, store, oauth, vault } = this.#options;
    this.#attached.set(record.id, record.updatedAt.getTime());
    const unavailable = async (error: { code: string; message: string }): Promise<void> => {
      await this.detach(record.id);
      await this.runtimes.markUnavailable({ connector: record.connector, connectionId: record.id, code: error.code, reason: error.message });
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
        this.#options.onSecret?.(value);
        secrets[row.kind.slice(SECRET_SETTING_KIND_PREFIX.length)] = value;
      }
      // A new provider re-reads the connection's status and tokens (a reconnect replaced them).
      oauth?.forget(record.id);
      // A declared connection's settings come from connectors.yaml (they may hold secrets the store never sees).
      const info = this.#declared.get(record.id) ?? { id: record.id, tenant: record.tenantId, config: { ...record.config } };
      const runtime = createConnectionRuntime(project, record.connector, info, this.#runtimeDeps, secrets);
      this.#unschedule(record.id);
      await this.runtimes.put(runtime);
      if (this.#background) this.#schedule(runtime);
    } catch (err) {
      if (!isConnectdError(err)) throw err;
      this.#options.log.error({ err, code: err.code, connector: record.connector, connection: record.id }, 'connection cannot be set up; it stays idle');
      await unavailable(err);
    }
  }

  /**
   * Catches up with connections other daemons created, changed or deleted (a consent callback or
   * an admin API call lands on one daemon of several): the daemon calls this periodically.
   */
  async reconcile(): Promise<void> {
    const { project, store } = this.#options;
    const idle = new Set(project.idleConnectors.map((c) => c.connector));
    const records = await listConnections(store.db);
    const seen = new Set<string>();
    for (const record of records) {
      if (project.config.connectors[record.connector] === undefined || idle.has(record.connector)) continue;
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
    this.#unschedule(connectionId);
    this.#options.oauth?.forget(connectionId);
    await this.runtimes.remove(connectionId);
  }

  #schedule(runtime: ConnectionRuntime): void {
    for (const [name, declaration] of Object.entries(this.#options.project.config.connectors[runtime.connector]?.streams ?? {})) {
      if (declaration.schedule === undefined) continue;
      this.scheduler.add({
        connectionId: runtime.connection.id,
        stream: name,
        schedule: declaration.schedule,
        payload: { connector: runtime.connector, stream: name, mode: 'incremental' },
      });
    }
  }

  #unschedule(connectionId: string): void {
    void this.scheduler.removeConnection(connectionId);
  }

  /** Schedules every stream with a `schedule:` on every connection, and starts the worker. */
  startBackground(): void {
    this.#background = true;
    for (const runtime of this.runtimes.all()) this.#schedule(runtime);
    this.#reloadTimer = setInterval(() => {
      this.reconcile().catch((err: unknown) => this.#options.log.warn({ err }, 'could not reload the stored connections; will try again'));
    }, CONNECTIONS_RELOAD_MS);
    this.#reloadTimer.unref();
    this.scheduler.start();
    this.worker.start();
  }

  /** The connection a sync targets; coded errors (exit 2) name what exists. */
  resolve(connector: string, stream: string | undefined, connectionId?: string): { runtime: ConnectionRuntime; streams: string[] } {
    const { project } = this.#options;
    const declared = project.config.connectors[connector];
    if (declared === undefined) {
      throw SYNC_UNKNOWN_CONNECTOR({ connector, known: Object.keys(project.config.connectors).join(', ') || 'none' });
    }
    const names = Object.keys(declared.streams ?? {});
    if (stream !== undefined && !names.includes(stream)) {
      throw SYNC_UNKNOWN_STREAM({ connector, stream, known: names.join(', ') || 'none' });
    }
    const idle = project.idleConnectors.find((c) => c.connector === connector);
    if (idle !== undefined) {
      const variables = [...new Set(idle.missing.map((m) => m.variable))].join(', ');
      throw SYNC_NO_CONNECTION({ connector, connection: connectionId ?? '', reason: `its environment variables are not set (${variables})` });
    }
    const runtime = this.runtimes.get(connector, connectionId);
    if (runtime === undefined) {
      const unavailable = this.runtimes.unavailable().find((u) => u.connector === connector && (connectionId === undefined || u.connectionId === connectionId));
      const known = this.runtimes.all().filter((r) => r.connector === connector).map((r) => r.connection.id);
      throw SYNC_NO_CONNECTION({
        connector,
        connection: connectionId ?? '',
        reason: unavailable !== undefined ? `${unavailable.code}: ${unavailable.reason}` : `known connections: ${known.join(', ') || 'none'}`,
      });
    }
    return { runtime, streams: stream === undefined ? names : [stream] };
  }

  /**
   * Invokes a declared action on a connection as a durable job, its first attempt run here.
   * @throws CONNECTD_ERR_SYNC_UNKNOWN_CONNECTOR, CONNECTD_ERR_ACTION_NOT_FOUND, CONNECTD_ERR_SYNC_NO_CONNECTION,
   *   CONNECTD_ERR_ACTION_INPUT_INVALID (all exit 2 / 4xx, before anything is stored)
   */
  async invokeAction(connector: string, name: string, input: unknown, options: { connectionId?: string | undefined; waitMs?: number | undefined } = {}): Promise<ActionInvocation> {
    const action = resolveAction(this.#options.project, connector, name);
    const { runtime } = this.resolve(connector, undefined, options.connectionId);
    return invokeAction({ project: this.#options.project, store: this.#options.store, worker: this.worker }, runtime, action, input, { waitMs: options.waitMs });
  }

  /** Enqueues one sync job and runs it here, in the foreground: the same job path the daemon uses. */
  async syncNow(runtime: ConnectionRuntime, stream: string, mode: SyncMode): Promise<JobOutcome> {
    const repository = createJobRepository(this.#options.store.db);
    const { job } = await repository.enqueue({
      kind: SYNC_JOB_KIND,
      connectionId: runtime.connection.id,
      stream,
      payload: { connector: runtime.connector, stream, mode },
      maxAttempts: 1,
    });
    return this.worker.runJob(job.id);
  }

  async #runSyncJob(job: JobRecord, ctx: JobContext): Promise<SyncSummary> {
    const payload = job.payload as unknown as SyncPayload;
    const connectionId = job.connectionId ?? '';
    const runtime = this.runtimes.get(payload.connector, connectionId);
    const stream = this.#options.project.streams.get(payload.connector)?.get(payload.stream);
    if (runtime === undefined || stream === undefined) {
      throw SYNC_NO_CONNECTION({ connector: payload.connector, connection: connectionId, reason: `connection or stream "${payload.stream}" is not configured in this daemon` });
    }
    return runStream({
      stream,
      connection: runtime,
      store: this.syncStore,
      mode: payload.mode ?? 'incremental',
      jobId: job.id,
      signal: ctx.signal,
      ...(this.#options.redact === undefined ? {} : { redact: this.#options.redact }),
      onProgress: (progress) =>
        this.#options.onProgress?.({ connector: runtime.connector, connection: runtime.connection.id, stream: stream.name }, progress),
    });
  }

  /** Stops scheduling, lets running jobs finish up to the deadline, aborts vendor calls, closes pools. */
  async stop(deadlineMs: number): Promise<void> {
    clearInterval(this.#reloadTimer);
    await this.scheduler.stop();
    await this.worker.stop({ deadlineMs });
    this.#shutdown.abort();
    await this.runtimes.close();
  }
}
