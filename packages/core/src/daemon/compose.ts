import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { ConnectionRuntimes } from '../connections/index.js';
import { coreVersion } from '../connector/index.js';
import { DAEMON_LISTEN_FAILED, DAEMON_RELOAD_NEEDS_RESTART } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { loadProject, type Project } from '../project/index.js';
import { createRetentionMetrics, type RetentionPassReport } from '../retention/index.js';
import type { ConfigReport, ReloadReport, StatusReport } from '../status/index.js';
import { createJobRepository } from '../store/index.js';
import { createProcessingMetrics } from '../webhooks/index.js';
import { openBase, type Base } from './base.js';
import { watchConfig } from './config-watch.js';
import { buildGeneration, type Generation, type GenerationOptions } from './generation.js';
import { actionRoutes } from './http/action-routes.js';
import { changesRoutes } from './http/changes-routes.js';
import { connectSessionRoutes } from './http/connect-session-routes.js';
import { connectionRoutes } from './http/connection-routes.js';
import { createMetrics, type DaemonMetrics } from './http/metrics.js';
import { oauthRoutes } from './http/oauth-routes.js';
import { operationsPageRoutes } from './http/ops-page/index.js';
import { replayRoute } from './http/replay-route.js';
import { buildHttpServer } from './http/server.js';
import { webhookIntakeRoutes } from './http/webhook-routes.js';
import { LiveGeneration, liveView } from './live.js';
import { createOpsSampler, opsPageDeps } from './ops-page.js';
import type { OpsSampler } from './ops-sampler.js';
import { ConfigReloader } from './reload.js';
import { restartOnlyChanges } from './restart-keys.js';
import type { DaemonSettings } from './settings.js';

export interface StartDaemonOptions {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `readSettings(env)`; the config's `server` block fills the port, host and public URL `env` leaves unset. */
  readonly settings: DaemonSettings;
  /** Where log lines go (tests capture them); default stdout. */
  readonly logDestination?: DestinationStream;
  /** Reload when the config file changes (`connectd run` does; SIGHUP is the caller's, through `reload()`). */
  readonly watchConfig?: boolean;
}

/** A running daemon. */
export interface RunningDaemon {
  readonly url: string;
  readonly connections: ConnectionRuntimes;
  readonly log: Logger;
  /** The config running now (a reload swaps it). */
  readonly project: Project;
  /** Reloads the config now (SIGHUP): applied, refused (the old one keeps running) or unchanged. Never rejects. */
  reload(): Promise<ReloadReport>;
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

/**
 * Swaps in the config the file holds now. It is loaded and built completely first (entity tables,
 * compiled mappings, connections); any failure refuses it and leaves the running generation. Then
 * the holder switches, the old processor finishes its batch, the new generation starts (a failure
 * there switches back), and the old one stops gracefully: its running jobs finish or are taken
 * again through their leases. The new worker, flows and outbound may run beside the old ones for
 * that while, which the guarantees across daemons (leases, one running job per stream, cursors
 * advanced in the transaction of their work) make safe; no sync waits for the old jobs to end.
 */
async function applyConfig(base: Base, live: LiveGeneration<Generation>, options: GenerationOptions & { readonly configPath: string }): Promise<void> {
  const next = await loadProject(options.configPath, options.env);
  const restartOnly = restartOnlyChanges(live.current.project, next);
  const generation = await buildGeneration(base, next, options);
  const old = live.swap(generation);
  // The old processor ends its batch before the new one starts: an event accepted from here on is
  // applied with the new config.
  await old.processor.stop({ deadlineMs: base.settings.shutdownDeadlineMs });
  try {
    await generation.start();
  } catch (err) {
    live.swap(old);
    old.processor.start();
    await generation.stop(0).catch(() => undefined);
    throw err;
  }
  if (restartOnly.length > 0) {
    const warning = DAEMON_RELOAD_NEEDS_RESTART({ keys: restartOnly });
    base.log.warn({ code: warning.code, keys: restartOnly }, warning.message);
  }
  await old.stop(base.settings.shutdownDeadlineMs).catch((err: unknown) => base.log.warn({ err }, 'the previous config did not stop cleanly; its work is taken again through leases'));
}

/**
 * The daemon's one HTTP server. Routes are registered once; every dependency a route keeps reads
 * `live.current` when a request uses it, so a reload changes what the next request sees.
 */
function httpServer(base: Base, live: LiveGeneration<Generation>, metrics: DaemonMetrics, config: () => ConfigReport, sampler?: OpsSampler): FastifyInstance {
  const { log, store, settings } = base;
  const status = async (): Promise<StatusReport> => ({ ...(await live.current.status()), config: config() });
  return buildHttpServer({
    log: log.child({ component: 'http' }),
    metrics,
    adminToken: settings.adminToken,
    isReady: () => store.isReady(),
    status,
    routes: [
      webhookIntakeRoutes(() => live.current.intake, {
        db: store.db,
        log,
        registry: metrics.registry,
        bodyLimitBytes: live.current.project.config.server?.body_limit_bytes,
        onAccepted: () => live.current.processor.wake(),
      }),
      oauthRoutes({
        consent: liveView(() => live.current.oauth.consent),
        log,
        onConnected: (connection) => live.current.engine.lifecycle.attach(connection),
        successUrl: settings.oauthSuccessUrl,
      }),
      operationsPageRoutes(opsPageDeps({ base, current: () => live.current, status, sampler })),
    ],
    apiRoutes: [
      replayRoute(liveView(() => live.current.replay)),
      connectionRoutes(liveView(() => live.current.admin)),
      connectSessionRoutes(liveView(() => live.current.oauth.sessions)),
      actionRoutes({ engine: liveView(() => live.current.engine), jobs: createJobRepository(store.db) }),
      changesRoutes(store.db),
    ],
  });
}

/**
 * The composition root of `connectd run`: the process-lifetime base (settings, logger, store,
 * vault, metrics, the HTTP server), and the generation built from the config (OAuth, engine,
 * webhook processing, outbound, flows, retention), which a reload replaces while the server and
 * its socket stay. Routes are registered once and read the live generation per request. The only
 * place that assembles the daemon; every rule lives in the folder its concept belongs to.
 * @example
 * const daemon = await startDaemon({ configPath, env: process.env, settings: readSettings(process.env) });
 * await daemon.reload(); // { at, outcome: 'applied' | 'refused' | 'unchanged', errors? }
 * await daemon.stop();
 */
export async function startDaemon(options: StartDaemonOptions): Promise<RunningDaemon> {
  const version = coreVersion();
  const metrics = createMetrics(version);
  const { configPath } = options;
  const project = await loadProject(configPath, options.env);
  const loadedAt = new Date();
  const text = await readFile(configPath, 'utf8');
  const base = await openBase({ ...options, logLevel: options.settings.logLevel, registry: metrics.registry }, project);
  // The environment's settings with the config's `server` block where it is silent (port, host, public URL).
  const { log, store, settings } = base;
  const generationOptions = {
    env: options.env,
    version,
    configPath,
    metrics: { daemon: metrics, processing: createProcessingMetrics(metrics.registry), retention: createRetentionMetrics(metrics.registry) },
  };
  let server: FastifyInstance | undefined;
  let first: Generation | undefined;
  try {
    first = await buildGeneration(base, project, generationOptions);
    const live = new LiveGeneration(first);
    const reloader = new ConfigReloader({
      path: configPath,
      text,
      loadedAt,
      readText: () => readFile(configPath, 'utf8'),
      apply: () => applyConfig(base, live, generationOptions),
      log: log.child({ component: 'config' }),
      redact: base.redact,
    });
    const sampler = createOpsSampler(base, loadedAt);
    server = httpServer(base, live, metrics, () => reloader.state(), sampler);
    const url = await listen(server, settings);
    await first.start();
    sampler?.start();
    const unwatch = options.watchConfig === true ? watchConfig(configPath, () => reloader.request(), log) : () => undefined;
    log.info({ url, publicUrl: settings.publicUrl, store: store.db.kind, config: configPath, revision: reloader.state().revision }, 'connectd is running');
    const http = server;
    return {
      url,
      log,
      get project() {
        return live.current.project;
      },
      get connections() {
        return live.current.engine.runtimes;
      },
      reload: () => reloader.reload(),
      retentionPass: () => live.current.retentionPass(),
      async stop() {
        // No reload starts any more and a running one ends; close() stops accepting and waits for
        // in-flight requests; then the generation's background work and engine stop (running
        // work gets the deadline, vendor calls are aborted), and the store closes last.
        unwatch();
        await reloader.close();
        await http.close();
        await sampler?.stop();
        await live.current.stop(settings.shutdownDeadlineMs);
        await base.close();
      },
    };
  } catch (err) {
    await server?.close().catch(() => undefined);
    await first?.stop(0).catch(() => undefined);
    await base.close().catch(() => undefined);
    throw err;
  }
}
