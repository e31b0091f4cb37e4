import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import { resolveVault, type VaultSetup } from '../auth/index.js';
import { createHttpMetrics, type HttpMetrics } from '../http/index.js';
import { createLogger, SecretValues, type Logger } from '../log/index.js';
import type { Project } from '../project/index.js';
import { openStore, type Store } from '../store/index.js';
import { withBreakerEvents } from './outbound.js';
import { withServerConfig, type DaemonSettings } from './settings.js';

/**
 * What lives as long as the process, whatever config it runs: the settings, the logger with the
 * secret values it scrubs, the store (opened and migrated once), the vault, and the metrics
 * created once on the daemon's registry (prom-client refuses a name registered twice).
 */
export interface Base {
  /** The settings as they apply: the environment's, with the first config's `server` block where it is silent. */
  readonly settings: DaemonSettings;
  readonly log: Logger;
  readonly secrets: SecretValues;
  readonly store: Store;
  readonly vault: VaultSetup | undefined;
  readonly registry: Registry | undefined;
  /** The HTTP runtimes' metrics, with breaker changes recorded as lifecycle events; absent without a registry. */
  readonly httpMetrics: HttpMetrics | undefined;
  /** Adds a project's secret values to what logs scrub: call it before anything of the project is logged. */
  addSecretsOf(project: Project): void;
  /** Scrubs every known secret value from a text. */
  redact(text: string): string;
  close(): Promise<void>;
}

export interface BaseOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: DaemonSettings;
  /** Level of the process's logger (the daemon logs at LOG_LEVEL, one-off commands quieter). */
  readonly logLevel: string;
  /** Where log lines go; default stdout. */
  readonly logDestination?: DestinationStream | undefined;
  /** The daemon's metrics registry: HTTP and OAuth metrics are recorded on it. */
  readonly registry?: Registry | undefined;
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

/**
 * Opens the process-lifetime part for the first loaded `project`: the logger (its secret field
 * names are the first project's plugins'; values of later configs are added through
 * `addSecretsOf`), the vault, the store, opened and migrated.
 * @example
 * const base = await openBase({ env, settings, logLevel: 'info' }, project);
 * try { ... } finally { await base.close(); }
 */
export async function openBase(options: BaseOptions, project: Project): Promise<Base> {
  const secrets = knownSecrets(options.settings, options.env);
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
  try {
    const { applied } = await store.migrate();
    if (applied.length > 0) log.info({ applied }, 'applied migrations');
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  const registry = options.registry;
  return {
    settings,
    log,
    secrets,
    store,
    vault,
    registry,
    httpMetrics: registry === undefined ? undefined : withBreakerEvents(createHttpMetrics(registry), store.db, log),
    addSecretsOf(next) {
      for (const value of next.secretValues) secrets.add(value);
    },
    redact: (text) => secrets.scrub(text),
    close: () => store.close(),
  };
}
