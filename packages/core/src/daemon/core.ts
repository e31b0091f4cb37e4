import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import type { VaultSetup } from '../auth/index.js';
import { createConnectionDirectory, type ConnectionStore, type WebhookConnectionDirectory } from '../connections/index.js';
import { createComponent } from '../connector/index.js';
import type { Logger, SecretValues } from '../log/index.js';
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
import { createJobRepository, type Store } from '../store/index.js';
import { openBase, type Base } from './base.js';
import { Engine, type EngineOptions } from './engine.js';
import type { DaemonSettings } from './settings.js';

/** What the one-off commands build: one config's engine parts over the base, closed together. */
export interface Core extends Omit<EngineParts, 'stop'> {
  /** The settings as they apply: the environment's, with the config's `server` block where it is silent. */
  readonly settings: DaemonSettings;
  readonly log: Logger;
  readonly secrets: SecretValues;
  readonly store: Store;
  readonly vault: VaultSetup | undefined;
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

/** What one loaded config builds over the base: OAuth services, connections and the engine. */
export interface EngineParts {
  readonly project: Project;
  readonly oauth: OAuthServices;
  readonly engine: Engine;
  readonly writer: EntityWriter;
  readonly connections: ConnectionStore;
  readonly directory: WebhookConnectionDirectory;
  /** Replays dead letters with this config; `onRequeued` wakes whoever processes the queue. */
  replayer(onRequeued?: (what: 'webhook' | 'job') => void): DeadLetterReplayer;
  /** Stops the engine (running jobs get `deadlineMs`), aborts vendor calls, closes the OAuth services. */
  stop(deadlineMs: number): Promise<void>;
}

/**
 * Builds one config's engine parts over an open base: the tables of its entities, its OAuth
 * services, and the engine with its connections started (runtimes built, nothing scheduled). On
 * failure everything built so far is stopped and the base is left as it was.
 * @example
 * const parts = await openEngineParts(base, project);
 * try { ... } finally { await parts.stop(10_000); }
 */
export async function openEngineParts(base: Base, project: Project, onProgress?: EngineOptions['onProgress']): Promise<EngineParts> {
  const { store, log, vault, settings } = base;
  const shutdown = new AbortController();
  let oauth: OAuthServices | undefined;
  let engine: Engine | undefined;
  try {
    await ensureEntityTables(store.db, project.catalog);
    oauth = createOAuthServices({
      connectors: oauthConnectors(project, log, shutdown.signal),
      db: store.db,
      vault,
      log,
      publicUrl: settings.publicUrl,
      registry: base.registry,
      httpMetrics: base.httpMetrics,
      redact: base.redact,
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
      metrics: base.httpMetrics,
      redact: base.redact,
      sharedHttp: sharedHttpStateOf(store.db),
      onProgress,
      onStreamSucceeded: async (run) => void (await waiting.retryLookupMisses(run.connector, run.connection)),
      oauth,
      vault: vault?.vault,
      onSecret: (value) => base.secrets.add(value),
    });
    const services = oauth;
    const running = engine;
    return {
      project,
      oauth: services,
      engine: running,
      writer,
      connections,
      directory,
      replayer: (onRequeued) => replayerOf(project, createReplayStore(store.db, writer), directory, log, onRequeued),
      async stop(deadlineMs) {
        await running.stop(deadlineMs);
        shutdown.abort();
        await services.close();
      },
    };
  } catch (err) {
    await engine?.stop(0).catch(() => undefined);
    shutdown.abort();
    await oauth?.close().catch(() => undefined);
    throw err;
  }
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
  const project = await loadProject(options.configPath, options.env);
  const base = await openBase(options, project);
  let parts: EngineParts;
  try {
    parts = await openEngineParts(base, project, options.onProgress);
  } catch (err) {
    await base.close().catch(() => undefined);
    throw err;
  }
  return {
    ...parts,
    settings: base.settings,
    log: base.log,
    secrets: base.secrets,
    store: base.store,
    vault: base.vault,
    redact: base.redact,
    async close(deadlineMs) {
      await parts.stop(deadlineMs);
      await base.close();
    },
  };
}
