import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import { resolveVault, type VaultSetup } from '../auth/index.js';
import { createConnectionDirectory, type ConnectionStore, type WebhookConnectionDirectory } from '../connections/index.js';
import { createComponent } from '../connector/index.js';
import { createHttpMetrics } from '../http/index.js';
import { createLogger, SecretValues, type Logger } from '../log/index.js';
import { createOAuthServices, oauthClientSettings, type OAuthConnector, type OAuthServices } from '../oauth/index.js';
import {
  createConnectionStore,
  createEntityWriter,
  createReplayStore,
  createSyncStore,
  ensureEntityTables,
  sharedHttpStateOf,
  type EntityWriter,
} from '../persist/index.js';
import { loadProject, type Project } from '../project/index.js';
import { DeadLetterReplayer, type ReplayStore } from '../replay/index.js';
import { createJobRepository, openStore, type Store } from '../store/index.js';
import { Engine, type EngineOptions } from './engine.js';
import { withBreakerEvents } from './outbound.js';
import { withServerConfig, type DaemonSettings } from './settings.js';

/** What `connectd run` and the one-off commands build alike. */
export interface Core {
  readonly project: Project;
  /** The settings as they apply: the environment's, with the config's `server` block where it is silent. */
  readonly settings: DaemonSettings;
  readonly log: Logger;
  readonly secrets: SecretValues;
  readonly store: Store;
  readonly vault: VaultSetup | undefined;
  readonly oauth: OAuthServices;
  readonly engine: Engine;
  readonly writer: EntityWriter;
  readonly connections: ConnectionStore;
  readonly directory: WebhookConnectionDirectory;
  /** Replays dead letters with the current config; `onRequeued` wakes whoever processes the queue. */
  replayer(onRequeued?: (what: 'webhook' | 'job') => void): DeadLetterReplayer;
  /** Scrubs every known secret value from a text. */
  redact(text: string): string;
  close(deadlineMs: number): Promise<void>;
}

export interface CoreOptions {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: DaemonSettings;
  /** Level of the process's logger (the daemon logs at LOG_LEVEL, one-off commands quieter). */
  readonly logLevel: string;
  /** Where log lines go; default stdout. */
  readonly logDestination?: DestinationStream | undefined;
  /** The daemon's metrics registry: HTTP and OAuth metrics are recorded on it. */
  readonly registry?: Registry | undefined;
  readonly onProgress?: EngineOptions['onProgress'];
}

/** Secret values known before the config is read: they must never reach a log line. */
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

/** The oauth2 connectors of the project, each with its plugin's callback check created through the registry. */
function oauthConnectors(project: Project, log: Logger, signal: AbortSignal): OAuthConnector[] {
  return project.activeConnectors().flatMap((name) => {
    const options = project.oauth2(name);
    if (options === undefined) return [];
    const check = options.callback_check;
    const callbackCheck = check === undefined ? undefined : createComponent(project.registry, 'oauthCallbackChecks', check, { log: log.child({ connector: name }), signal });
    return [{ settings: oauthClientSettings(name, options), callbackCheck }];
  });
}

/** The dead-letter replayer with the current config's mappings. */
function replayerOf(
  project: Project,
  store: ReplayStore,
  directory: WebhookConnectionDirectory,
  log: Logger,
  onRequeued: ((what: 'webhook' | 'job') => void) | undefined,
): DeadLetterReplayer {
  return new DeadLetterReplayer({
    store,
    catalog: project.catalog,
    webhookEvent: (connector, type) => project.webhooks(connector)?.events.get(type),
    stream: (connector, stream) => project.streams(connector).get(stream),
    connection: (connector, id) => directory.byId(connector, id),
    log: log.child({ component: 'replay' }),
    onRequeued,
  });
}

/**
 * Loads the project, opens and migrates the store, and builds the vault, the OAuth services and
 * the engine with its connections over persist/'s adapters. Everything is closed by `close()`,
 * and on failure before it returns.
 * @example
 * const core = await openCore({ configPath, env, settings, logLevel: 'warn' });
 * try { await core.engine.syncNow(runtime, 'stock', 'incremental'); } finally { await core.close(10_000); }
 */
export async function openCore(options: CoreOptions): Promise<Core> {
  const secrets = knownSecrets(options.settings, options.env);
  const project = await loadProject(options.configPath, options.env);
  const settings = withServerConfig(options.settings, project.config.server, options.env);
  for (const value of project.secretValues) secrets.add(value);
  const log = createLogger({
    level: options.logLevel,
    secrets,
    secretFields: project.registry.secretFields(),
    ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
  });
  const vault = resolveVault(options.env, { embeddedDataDir: settings.databaseUrl === undefined ? settings.dataDir : undefined }, log);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, log: log.child({ component: 'store' }) });
  const shutdown = new AbortController();
  let oauth: OAuthServices | undefined;
  let engine: Engine | undefined;
  try {
    const { applied } = await store.migrate();
    if (applied.length > 0) log.info({ applied }, 'applied migrations');
    await ensureEntityTables(store.db, project.catalog);
    const redact = (text: string): string => secrets.scrub(text);
    const httpMetrics = options.registry === undefined ? undefined : withBreakerEvents(createHttpMetrics(options.registry), store.db, log);
    oauth = createOAuthServices({
      connectors: oauthConnectors(project, log, shutdown.signal),
      db: store.db,
      vault,
      log,
      publicUrl: settings.publicUrl,
      registry: options.registry,
      httpMetrics,
      redact,
    });
    const writer = createEntityWriter(project.catalog);
    const connections = createConnectionStore(store.db);
    const directory = createConnectionDirectory(project, connections);
    // Records whose $store()/$product() missed are written once a run brings the ids they name.
    const waiting = replayerOf(project, createReplayStore(store.db, writer), directory, log, undefined);
    engine = await Engine.create({
      project,
      log,
      connections,
      jobs: createJobRepository(store.db),
      syncStore: createSyncStore(store.db, writer),
      leaseMs: settings.jobLeaseMs,
      pollIntervalMs: settings.workerPollMs,
      metrics: httpMetrics,
      redact,
      sharedHttp: sharedHttpStateOf(store.db),
      onProgress: options.onProgress,
      onStreamSucceeded: async (run) => void (await waiting.retryLookupMisses(run.connector, run.connection)),
      oauth,
      vault: vault?.vault,
      onSecret: (value) => secrets.add(value),
    });
    const services = oauth;
    const running = engine;
    return {
      project,
      settings,
      log,
      secrets,
      store,
      vault,
      oauth: services,
      engine: running,
      writer,
      connections,
      directory,
      redact,
      replayer: (onRequeued) => replayerOf(project, createReplayStore(store.db, writer), directory, log, onRequeued),
      async close(deadlineMs) {
        await running.stop(deadlineMs);
        shutdown.abort();
        await services.close();
        await store.close();
      },
    };
  } catch (err) {
    await engine?.stop(0).catch(() => undefined);
    shutdown.abort();
    await oauth?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}
