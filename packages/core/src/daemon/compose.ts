import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import { ConnectionAdmin, createEventFetcher } from '../connections/index.js';
import { coreVersion } from '../connector/index.js';
import { DAEMON_LISTEN_FAILED } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { createRetentionStore, createStatusStore, createWebhookEventStore } from '../persist/index.js';
import type { Project } from '../project/index.js';
import { createRetentionMetrics, RetentionRunner, retentionPolicy, type RetentionPassReport } from '../retention/index.js';
import { buildStatus } from '../status/index.js';
import { createJobRepository } from '../store/index.js';
import { createProcessingMetrics, InboxProcessor } from '../webhooks/index.js';
import type { ConnectionRuntimes } from '../connections/index.js';
import { openCore, type Core } from './core.js';
import { createOutbound } from './outbound.js';
import { createFlows } from './flows.js';
import { actionRoutes } from './http/action-routes.js';
import { changesRoutes } from './http/changes-routes.js';
import { connectSessionRoutes } from './http/connect-session-routes.js';
import { connectionRoutes } from './http/connection-routes.js';
import { createMetrics } from './http/metrics.js';
import { oauthRoutes } from './http/oauth-routes.js';
import { replayRoute } from './http/replay-route.js';
import { buildHttpServer } from './http/server.js';
import { webhookIntakeRoutes } from './http/webhook-routes.js';
import type { DaemonSettings } from './settings.js';

export interface StartDaemonOptions {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `readSettings(env)`; the config's `server` block fills the port, host and public URL `env` leaves unset. */
  readonly settings: DaemonSettings;
  /** Where log lines go (tests capture them); default stdout. */
  readonly logDestination?: DestinationStream;
}

/** A running daemon. */
export interface RunningDaemon {
  readonly url: string;
  readonly connections: ConnectionRuntimes;
  readonly log: Logger;
  readonly project: Project;
  /** Runs a retention pass now, as the daemon's timer does, even with `server.retention.enabled: false` (undefined when one is running or it failed). */
  retentionPass(): Promise<RetentionPassReport | undefined>;
  stop(): Promise<void>;
}

async function listen(server: FastifyInstance, settings: DaemonSettings): Promise<string> {
  try {
    return await server.listen({ port: settings.port, host: settings.host });
  } catch (err) {
    throw DAEMON_LISTEN_FAILED({ host: settings.host, port: settings.port }, { cause: err });
  }
}

/** Retention passes over the store with `server.retention`, counted on the daemon's registry; started once the daemon is up. */
function retentionRunner(project: Project, core: Core, registry: Registry): RetentionRunner {
  return new RetentionRunner({
    store: createRetentionStore(core.store.db),
    policy: retentionPolicy(project.config.server?.retention),
    log: core.log.child({ component: 'retention' }),
    metrics: createRetentionMetrics(registry),
  });
}

/**
 * The composition root of `connectd run`: the shared core (project, store, vault, OAuth, engine),
 * webhook processing, the HTTP edge, then the background work. The only place that assembles
 * the daemon; every rule lives in the folder its concept belongs to.
 * @example
 * const daemon = await startDaemon({ configPath, env: process.env, settings: readSettings(process.env) });
 * await daemon.stop();
 */
export async function startDaemon(options: StartDaemonOptions): Promise<RunningDaemon> {
  const version = coreVersion();
  const metrics = createMetrics(version);
  const core = await openCore({ ...options, logLevel: options.settings.logLevel, logDestination: options.logDestination, registry: metrics.registry });
  // The environment's settings with the config's `server` block where it is silent (port, host, public URL).
  const { project, log, store, engine, settings } = core;
  for (const idle of project.idleConnectors()) {
    log.warn({ connector: idle.connector, missing: project.missingVariables(idle.connector) }, 'connector is idle: its environment variables are not set');
  }
  if (core.vault === undefined && project.activeConnectors().some((name) => project.oauth2(name) !== undefined)) {
    log.warn('CONNECTD_SECRET_KEY is not set: OAuth connections cannot store or use tokens until it is (openssl rand -base64 32)');
  }
  let server: FastifyInstance | undefined;
  let stopOutbound: (() => Promise<void>) | undefined;
  const retention = retentionRunner(project, core, metrics.registry);
  try {
    metrics.connectors.set({ state: 'idle' }, project.idleConnectors().length);
    metrics.connectors.set({ state: 'active' }, project.activeConnectors().length);
    const processor = new InboxProcessor({
      store: createWebhookEventStore(store.db, core.writer),
      directory: core.directory,
      connectors: project.activeWebhooks(),
      catalog: project.catalog,
      fetcher: createEventFetcher(engine.runtimes),
      onEffect: (connectionId, effect) => {
        if (effect.kind === 'run_stream') {
          engine.worker.wake();
          return;
        }
        // Rebuilds the marked connection's runtime from its row: its new token provider sees the status.
        engine.lifecycle.reconcile().catch((err: unknown) => log.warn({ err, connection: connectionId }, 'could not reload the marked connection; the next reconcile will'));
      },
      log,
      metrics: createProcessingMetrics(metrics.registry),
      leaseMs: settings.jobLeaseMs,
      pollIntervalMs: settings.workerPollMs,
    });
    const replayer = core.replayer((what) => (what === 'webhook' ? processor.wake() : engine.worker.wake()));
    const admin = new ConnectionAdmin({
      project,
      store: core.connections,
      lifecycle: engine.lifecycle,
      runtimes: engine.runtimes,
      vault: core.vault?.vault,
      log: log.child({ component: 'connections' }),
      revokeCredentials: (connection) => core.oauth.revoke(connection.connector, connection),
    });
    const statusStore = createStatusStore(store);
    const outbound = createOutbound({ project, db: store.db, log, secrets: core.secrets, env: options.env, pollIntervalMs: settings.workerPollMs });
    const flows = createFlows({ project, db: store.db, engine, log, pollIntervalMs: settings.workerPollMs });
    server = buildHttpServer({
      log: log.child({ component: 'http' }),
      metrics,
      adminToken: settings.adminToken,
      isReady: () => store.isReady(),
      status: async () => ({
        ...(await buildStatus(project, statusStore, version, { runtimes: engine.runtimes, nextRun: (c, s) => engine.scheduler.nextRun(c, s) })),
        destinations: await outbound.status(),
      }),
      routes: [
        webhookIntakeRoutes(project, store.db, log, metrics.registry, () => processor.wake()),
        oauthRoutes({ consent: core.oauth.consent, log, onConnected: (connection) => engine.lifecycle.attach(connection), successUrl: settings.oauthSuccessUrl }),
      ],
      apiRoutes: [replayRoute(replayer), connectionRoutes(admin), connectSessionRoutes(core.oauth.sessions), actionRoutes({ engine, jobs: createJobRepository(store.db) }), changesRoutes(store.db)],
    });
    const url = await listen(server, settings);
    engine.startBackground();
    processor.start();
    outbound.worker.start();
    await flows.start();
    stopOutbound = async () => {
      await flows.stop();
      await outbound.worker.stop();
    };
    core.oauth.startSweep();
    retention.start();
    log.info({ url, publicUrl: settings.publicUrl, store: store.db.kind, config: options.configPath }, 'connectd is running');
    const http = server;
    return {
      url,
      log,
      project,
      connections: engine.runtimes,
      retentionPass: () => retention.runOnce(),
      async stop() {
        // close() stops accepting and waits for in-flight requests; then a retention pass ends
        // after its batch, the processor and the engine finish their work, vendor calls are
        // aborted, and the store closes last.
        await http.close();
        await retention.stop();
        await processor.stop({ deadlineMs: settings.shutdownDeadlineMs });
        await flows.stop();
        await outbound.worker.stop();
        await core.close(settings.shutdownDeadlineMs);
      },
    };
  } catch (err) {
    await server?.close().catch(() => undefined);
    await retention.stop();
    await stopOutbound?.().catch(() => undefined);
    await core.close(0).catch(() => undefined);
    throw err;
  }
}
