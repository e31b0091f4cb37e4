import type { FastifyInstance } from 'fastify';
import { createLogger, SecretValues, type Logger } from '../log/index.js';
import { openStore, type Store } from '../store/index.js';
import { DAEMON_LISTEN_FAILED } from '../errors/index.js';
import { buildHttpServer } from './http-server.js';
import { createMetrics } from './metrics.js';
import { loadProject, type Project } from './project.js';
import type { DaemonSettings } from './settings.js';
import { buildStatus } from './status.js';
import type { ConnectionRuntimes } from './connection-runtimes.js';
import { Engine } from './engine.js';
import { createWebhookProcessing, webhookIntakeRoute } from './webhooks.js';
import { createHttpMetrics } from './http-metrics.js';
import { coreVersion } from '../connector/index.js';
import type { DestinationStream } from 'pino';
import { resolveVault } from './vault-setup.js';
import { createOAuthServices, type OAuthServices } from './oauth.js';
import { oauthRoutes } from './oauth-routes.js';
import { connectionRoutes } from './connection-routes.js';
import { actionRoutes } from './action-routes.js';

export interface StartDaemonOptions {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
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
  stop(): Promise<void>;
}

/** Secret values the daemon knows before reading the config: they must never reach a log line. */
function knownSecrets(settings: DaemonSettings, env: Readonly<Record<string, string | undefined>>): SecretValues {
  const secrets = new SecretValues();
  secrets.add(settings.adminToken);
  secrets.add(env['CONNECTD_SECRET_KEY']?.trim());
  for (const key of (env['CONNECTD_SECRET_KEYS_PREVIOUS'] ?? '').split(',')) secrets.add(key.trim() || undefined);
  if (settings.databaseUrl !== undefined) {
    try {
      secrets.add(decodeURIComponent(new URL(settings.databaseUrl).password));
    } catch {
      // An unparsable URL fails later in openStore with its own coded error.
    }
  }
  return secrets;
}

async function listen(server: FastifyInstance, settings: DaemonSettings): Promise<string> {
  try {
    return await server.listen({ port: settings.port, host: settings.host });
  } catch (err) {
    throw DAEMON_LISTEN_FAILED({ host: settings.host, port: settings.port }, { cause: err });
  }
}

/**
 * The composition root: loads the project, opens and migrates the store, and starts the HTTP
 * server. The only place that constructs concrete implementations.
 * @example
 * const daemon = await startDaemon({ configPath, env: process.env, settings: readSettings(process.env) });
 * await daemon.stop();
 */
export async function startDaemon(options: StartDaemonOptions): Promise<RunningDaemon> {
  const { settings } = options;
  const secrets = knownSecrets(settings, options.env);
  const project = await loadProject(options.configPath, options.env);
  for (const value of project.secretValues) secrets.add(value);
  const log = createLogger({
    level: settings.logLevel,
    secrets,
    secretFields: project.registry.secretFields(),
    ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
  });
  for (const idle of project.idleConnectors) {
    const variables = [...new Set(idle.missing.map((m) => m.variable))];
    log.warn({ connector: idle.connector, missing: variables }, 'connector is idle: its environment variables are not set');
  }

  const vault = resolveVault(options.env, settings, log);
  if (vault === undefined && Object.values(project.config.connectors).some((c) => c.auth?.type === 'oauth2')) {
    log.warn('CONNECTD_SECRET_KEY is not set: OAuth connections cannot store or use tokens until it is (openssl rand -base64 32)');
  }
  const store: Store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, log: log.child({ component: 'store' }) });
  let server: FastifyInstance | undefined;
  let engine: Engine | undefined;
  let oauth: OAuthServices | undefined;
  try {
    const { applied } = await store.migrate();
    if (applied.length > 0) log.info({ applied }, 'applied migrations');
    const version = coreVersion();
    const metrics = createMetrics(version);
    metrics.connectors.set({ state: 'idle' }, project.idleConnectors.length);
    metrics.connectors.set({ state: 'active' }, Object.keys(project.config.connectors ?? {}).length - project.idleConnectors.length);
    const httpMetrics = createHttpMetrics(metrics.registry);
    const redact = (text: string): string => secrets.scrub(text);
    oauth = createOAuthServices({ project, store, vault, log, publicUrl: settings.publicUrl, registry: metrics.registry, httpMetrics, redact });
    engine = await Engine.create({
      project,
      store,
      log,
      metrics: httpMetrics,
      redact,
      leaseMs: settings.jobLeaseMs,
      pollIntervalMs: settings.workerPollMs,
      oauth,
      vault: vault?.vault,
      onSecret: (value) => secrets.add(value),
    });
    const services = oauth;
    const running = engine;
    const runtimes = engine.runtimes;
    const webhooks = await createWebhookProcessing(project, store, log, metrics.registry, {
      leaseMs: settings.jobLeaseMs,
      pollIntervalMs: settings.workerPollMs,
      onJobsRequeued: () => running.worker.wake(),
    });
    server = buildHttpServer({
      log: log.child({ component: 'http' }),
      metrics,
      adminToken: settings.adminToken,
      isReady: () => store.isReady(),
      status: () => buildStatus(project, store, version, running),
      routes: [
        webhookIntakeRoute(project, store, log, metrics.registry, () => webhooks.processor.wake()),
        oauthRoutes({ consent: services.consent, log, onConnected: (connection) => running.attach(connection), successUrl: settings.oauthSuccessUrl }),
      ],
      apiRoutes: [webhooks.replayRoute, connectionRoutes({ project, store, engine: running, vault: vault?.vault }), actionRoutes({ engine: running, store })],
    });
    const url = await listen(server, settings);
    engine.startBackground();
    webhooks.processor.start();
    services.startSweep();
    log.info({ url, store: store.db.kind, config: options.configPath }, 'connectd is running');
    const http = server;
    return {
      url,
      log,
      project,
      connections: runtimes,
      async stop() {
        // close() stops accepting and waits for in-flight requests; then vendor calls are aborted,
        // their pools closed, and the store closes last.
        await http.close();
        await webhooks.processor.stop({ deadlineMs: settings.shutdownDeadlineMs });
        await running.stop(settings.shutdownDeadlineMs);
        await services.close();
        await store.close();
      },
    };
  } catch (err) {
    await engine?.stop(0).catch(() => undefined);
    await oauth?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** Opens the store, applies pending migrations, closes it: `connectd migrate`. */
export async function migrateOnce(settings: DaemonSettings, log: Logger): Promise<{ applied: string[]; store: string }> {
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, log });
  try {
    const { applied } = await store.migrate();
    return { applied, store: store.db.kind === 'pglite' ? `pglite at ${settings.dataDir}` : 'postgres' };
  } finally {
    await store.close();
  }
}
