import { ACTION_JOB_KIND, actionJobHandler, invokeAction, type ActionInvocation } from '../actions/index.js';
import type { Vault } from '../auth/index.js';
import {
  ConnectionLifecycle,
  ConnectionRuntimeSet,
  resolveRuntime,
  type ConnectionRuntime,
  type ConnectionRuntimeDeps,
  type ConnectionStore,
} from '../connections/index.js';
import type { HttpMetrics, SharedHttpState } from '../http/index.js';
import { FOREGROUND_CLAIM_GRACE_MS, Scheduler, Worker, type ForegroundOutcome, type JobRepository, type JobWait, type TickRepository } from '../jobs/index.js';
import type { Logger } from '../log/index.js';
import type { OAuthServices } from '../oauth/index.js';
import type { Project } from '../project/index.js';
import {
  streamGraph,
  SYNC_JOB_KIND,
  syncJobHandler,
  unmetPrerequisites,
  type StreamGraph,
  type SyncMode,
  type SyncProgress,
  type SyncStore,
} from '../sync/index.js';

/** How often a daemon picks up connections other daemons created, changed or deleted. */
export const CONNECTIONS_RELOAD_MS = 30_000;

export interface EngineOptions {
  readonly project: Project;
  readonly log: Logger;
  readonly connections: ConnectionStore;
  readonly jobs: JobRepository & TickRepository;
  readonly syncStore: SyncStore;
  readonly leaseMs: number;
  readonly pollIntervalMs?: number | undefined;
  readonly metrics?: HttpMetrics | undefined;
  readonly redact?: ((text: string) => string) | undefined;
  /** Rate budgets and breakers shared by the daemons on the database; absent: in memory (persist/'s `sharedHttpStateOf` decides). */
  readonly sharedHttp?: SharedHttpState | undefined;
  /** Progress of every sync job this engine runs (the CLI prints it). */
  readonly onProgress?: ((job: { connector: string; connection: string; stream: string }, progress: SyncProgress) => void) | undefined;
  /** Token providers for oauth2 connectors; without it their connections cannot run. */
  readonly oauth?: OAuthServices | undefined;
  /** Decrypts stored connection settings (API keys created through the admin API). */
  readonly vault?: Vault | undefined;
  /** After each succeeded stream run (the core writes the records that waited for its ids). */
  readonly onStreamSucceeded?: ((run: { readonly connector: string; readonly connection: string; readonly stream: string }) => Promise<void>) | undefined;
  /** Told every secret value decrypted from the store, so logs can scrub it. */
  readonly onSecret?: ((value: string) => void) | undefined;
}

/**
 * The running parts shared by `connectd run` and the one-off commands: the connections and their
 * lifecycle, the job worker with its `sync` and `action` handlers, and (for the daemon) the
 * scheduler. Wiring only: each part's rules live in its own folder.
 * @example
 * const engine = await Engine.create({ project, log, connections, jobs, syncStore, leaseMs });
 * engine.startBackground();
 * await engine.stop(10_000);
 */
export class Engine {
  readonly runtimes = new ConnectionRuntimeSet();
  readonly lifecycle: ConnectionLifecycle;
  readonly worker: Worker;
  readonly scheduler: Scheduler;
  readonly #options: EngineOptions;
  readonly #shutdown = new AbortController();
  #background = false;
  #reloadTimer: NodeJS.Timeout | undefined;

  private constructor(options: EngineOptions) {
    this.#options = options;
    const { project, log } = options;
    const runtimeDeps: ConnectionRuntimeDeps = {
      log,
      signal: this.#shutdown.signal,
      metrics: options.metrics,
      redact: options.redact,
      sharedHttp: options.sharedHttp,
      tokensFor: (connector, connection) => options.oauth?.tokensFor(connector, connection),
    };
    this.lifecycle = new ConnectionLifecycle({
      project,
      store: options.connections,
      log,
      runtimes: this.runtimes,
      runtimeDeps,
      vault: options.vault,
      onSecret: options.onSecret,
      forgetTokens: (id) => options.oauth?.forget(id),
      schedule: (runtime) => this.#schedule(runtime),
      unschedule: (id) => void this.scheduler.removeConnection(id),
    });
    this.worker = new Worker({ repository: options.jobs, log: log.child({ component: 'worker' }), leaseMs: options.leaseMs, pollIntervalMs: options.pollIntervalMs });
    this.worker.handle(
      SYNC_JOB_KIND,
      syncJobHandler({
        stream: (connector, stream) => project.streams(connector).get(stream),
        connection: (connector, id) => this.runtimes.get(connector, id),
        graph: (connector) => this.streamGraph(connector),
        store: options.syncStore,
        jobs: options.jobs,
        redact: options.redact,
        onProgress: options.onProgress,
        onSucceeded: options.onStreamSucceeded,
      }),
    );
    this.worker.handle(ACTION_JOB_KIND, actionJobHandler({ action: (c, a) => project.action(c, a), connection: (c, id) => this.runtimes.get(c, id) }));
    this.scheduler = new Scheduler({ repository: options.jobs, log: log.child({ component: 'scheduler' }), onTick: () => this.worker.wake() });
  }

  /** Builds the engine and starts its connections: the declared ones, then those in the store. */
  static async create(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    await engine.lifecycle.start();
    return engine;
  }

  /** Schedules every stream with a `schedule:` on every connection, starts the worker and the reconcile timer. */
  startBackground(): void {
    this.#background = true;
    for (const runtime of this.runtimes.all()) this.#schedule(runtime);
    this.#reloadTimer = setInterval(() => {
      this.lifecycle.reconcile().catch((err: unknown) => this.#options.log.warn({ err }, 'could not reload the stored connections; will try again'));
    }, CONNECTIONS_RELOAD_MS);
    this.#reloadTimer.unref();
    this.scheduler.start();
    this.worker.start();
  }

  /**
   * The connection a sync or an action targets; coded errors (exit 2) name what exists.
   * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR, CONNECTD_ERR_CONNECTION_UNAVAILABLE
   */
  resolve(connector: string, connectionId?: string): ConnectionRuntime {
    return resolveRuntime(this.#options.project, this.runtimes, connector, connectionId);
  }

  /**
   * Invokes a declared action on a connection as a durable job, its first attempt run here.
   * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR, CONNECTD_ERR_ACTION_NOT_FOUND, CONNECTD_ERR_CONNECTION_UNAVAILABLE,
   *   CONNECTD_ERR_ACTION_INPUT_INVALID (all exit 2 / 4xx, before anything is stored)
   */
  async invokeAction(connector: string, name: string, input: unknown, options: { connectionId?: string | undefined; waitMs?: number | undefined } = {}): Promise<ActionInvocation> {
    const action = this.#options.project.action(connector, name);
    const runtime = this.resolve(connector, options.connectionId);
    return invokeAction({ repository: this.#options.jobs, worker: this.worker }, runtime.connection.id, action, input, { waitMs: options.waitMs });
  }

  /**
   * Enqueues one sync job and runs it here, through the same job path the daemon uses; when a
   * daemon's worker runs it (or another run of the stream) first, follows that run to its end.
   */
  async syncNow(runtime: ConnectionRuntime, stream: string, mode: SyncMode, onWait?: (wait: JobWait) => void): Promise<ForegroundOutcome> {
    const { job } = await this.#options.jobs.enqueue({
      kind: SYNC_JOB_KIND,
      connectionId: runtime.connection.id,
      stream,
      payload: { connector: runtime.connector, stream, mode },
      maxAttempts: 1,
      // Daemons leave it to this process unless it dies before claiming it.
      runAt: new Date(Date.now() + FOREGROUND_CLAIM_GRACE_MS),
    });
    return this.worker.runOrFollow(job.id, onWait === undefined ? {} : { onWait });
  }

  /** A connector's streams in declaration order, with what each runs after (`after:`). */
  streamGraph(connector: string): StreamGraph {
    return streamGraph(this.#options.project.connector(connector).streams ?? {});
  }

  /** The streams `stream` runs after that have not succeeded on the connection yet, in the order to run them. */
  unmetPrerequisites(runtime: ConnectionRuntime, stream: string): Promise<string[]> {
    return unmetPrerequisites(this.#options.syncStore, runtime.connection.id, stream, this.streamGraph(runtime.connector));
  }

  /** Stops scheduling, lets running jobs finish up to the deadline, aborts vendor calls, closes pools. */
  async stop(deadlineMs: number): Promise<void> {
    clearInterval(this.#reloadTimer);
    await this.scheduler.stop();
    await this.worker.stop({ deadlineMs });
    this.#shutdown.abort();
    await this.runtimes.close();
  }

  #schedule(runtime: ConnectionRuntime): void {
    if (!this.#background) return;
    for (const [name, declaration] of Object.entries(this.#options.project.connector(runtime.connector).streams ?? {})) {
      if (declaration.schedule === undefined) continue;
      this.scheduler.add({ connectionId: runtime.connection.id, stream: name, schedule: declaration.schedule, payload: { connector: runtime.connector, stream: name, mode: 'incremental' } });
    }
  }
}
