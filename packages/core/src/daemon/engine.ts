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
import { createJobRepository, ensureCustomEntityTable, upsertDeclaredConnection, type ConnectionRecord, type JobRecord, type Store } from '../store/index.js';
import type { Vault } from '../auth/index.js';
import { runStream, type SyncMode, type SyncProgress, type SyncStore, type SyncSummary } from '../sync/index.js';
import { buildConnectionRuntimes, type ConnectionRuntime, type ConnectionRuntimeDeps, type ConnectionRuntimeSet } from './connection-runtimes.js';
import type { OAuthServices } from './oauth.js';
import { StoredConnections } from './stored-connections.js';
import { ACTION_JOB_KIND, invokeAction, resolveAction, runActionJob, type ActionInvocation } from './action-jobs.js';
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
  readonly #stored: StoredConnections;
  #background = false;
  #reloadTimer: NodeJS.Timeout | undefined;

  private constructor(options: EngineOptions) {
    this.#options = options;
    const { project, store, log } = options;
    const runtimeDeps: ConnectionRuntimeDeps = {
      log,
      signal: this.#shutdown.signal,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      ...(options.redact === undefined ? {} : { redact: options.redact }),
      tokensFor: (connector, connection) => options.oauth?.tokensFor(connector, connection),
    };
    this.runtimes = buildConnectionRuntimes(project, runtimeDeps);
    this.#stored = new StoredConnections({
      ...options,
      runtimes: this.runtimes,
      runtimeDeps,
      schedule: (runtime) => {
        if (this.#background) this.#schedule(runtime);
      },
      unschedule: (connectionId) => void this.scheduler.removeConnection(connectionId),
    });
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
    await engine.#stored.load();
    return engine;
  }

  /** Whether connectors.yaml declares this connection (it comes back at every start). */
  isDeclared(connectionId: string): boolean {
    return this.#stored.isDeclared(connectionId);
  }

  /** Builds (or rebuilds) a stored connection's runtime and schedules it; see {@link StoredConnections.attach}. */
  attach(record: ConnectionRecord): Promise<void> {
    return this.#stored.attach(record);
  }

  /** Stops running a connection here: its runtime, schedules and token provider go. */
  detach(connectionId: string): Promise<void> {
    return this.#stored.detach(connectionId);
  }

  /** Catches up with connections other daemons created, changed or deleted. */
  reconcile(): Promise<void> {
    return this.#stored.reconcile();
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
