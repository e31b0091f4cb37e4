import { resolve } from 'node:path';
import type { ServerConfig } from '../config/index.js';
import { DAEMON_ENV_INVALID } from '../errors/index.js';
import { DEFAULT_JOB_LEASE_MS, DEFAULT_JOB_POLL_INTERVAL_MS } from '../jobs/index.js';
import { DEFAULT_DATA_DIR } from '../store/index.js';

export { DEFAULT_DATA_DIR };

/** Defaults of the daemon's environment (the contracts in docs/architecture.md). */
export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * The daemon's settings, read once from the environment; `port`, `host` and `publicUrl` then take
 * connectors.yaml's `server` block where the environment is silent ({@link withServerConfig}).
 */
export interface DaemonSettings {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly adminToken: string | undefined;
  readonly logLevel: string;
  readonly shutdownDeadlineMs: number;
  /** How long a claimed job is leased before another worker may take it over. */
  readonly jobLeaseMs: number;
  /** How often an idle worker looks for due jobs. */
  readonly workerPollMs: number;
  /** The daemon's address as browsers and vendors reach it: OAuth redirect URIs are made from it. */
  readonly publicUrl: string;
  /** Where the browser goes after a successful OAuth connection; a short page when unset. */
  readonly oauthSuccessUrl: string | undefined;
}

function httpUrl(env: Readonly<Record<string, string | undefined>>, variable: string): string | undefined {
  const raw = env[variable];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw DAEMON_ENV_INVALID({ variable, reason: `expected an http(s) URL, got "${raw}"` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw DAEMON_ENV_INVALID({ variable, reason: 'expected an http(s) URL' });
  return raw.replace(/\/+$/, '');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: Readonly<Record<string, string | undefined>>, variable: string, fallback: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw DAEMON_ENV_INVALID({ variable, reason: `expected an integer from 0 to ${max}, got "${raw}"` });
  }
  return value;
}

/**
 * Reads DATABASE_URL, CONNECTD_DATA_DIR, PORT, HOST, CONNECTD_ADMIN_TOKEN, LOG_LEVEL,
 * CONNECTD_SHUTDOWN_DEADLINE_MS, CONNECTD_JOB_LEASE_MS, CONNECTD_WORKER_POLL_MS, CONNECTD_PUBLIC_URL and
 * CONNECTD_OAUTH_SUCCESS_URL; throws CONNECTD_ERR_DAEMON_ENV_INVALID on a value it cannot use.
 * @example
 * const settings = readSettings(process.env); // { port: 3000, dataDir: '/abs/.connectd', ... }
 */
export function readSettings(env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): DaemonSettings {
  const logLevel = env.LOG_LEVEL === undefined || env.LOG_LEVEL === '' ? 'info' : env.LOG_LEVEL;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw DAEMON_ENV_INVALID({ variable: 'LOG_LEVEL', reason: `expected one of ${LOG_LEVELS.join(', ')}` });
  }
  return {
    databaseUrl: env.DATABASE_URL === '' ? undefined : env.DATABASE_URL,
    dataDir: resolve(cwd, env.CONNECTD_DATA_DIR || DEFAULT_DATA_DIR),
    port: integer(env, 'PORT', DEFAULT_PORT, 65_535),
    host: env.HOST || DEFAULT_HOST,
    adminToken: env.CONNECTD_ADMIN_TOKEN === '' ? undefined : env.CONNECTD_ADMIN_TOKEN,
    logLevel,
    shutdownDeadlineMs: integer(env, 'CONNECTD_SHUTDOWN_DEADLINE_MS', DEFAULT_SHUTDOWN_DEADLINE_MS, 600_000),
    jobLeaseMs: Math.max(500, integer(env, 'CONNECTD_JOB_LEASE_MS', DEFAULT_JOB_LEASE_MS, 3_600_000)),
    workerPollMs: Math.max(50, integer(env, 'CONNECTD_WORKER_POLL_MS', DEFAULT_JOB_POLL_INTERVAL_MS, 60_000)),
    publicUrl: httpUrl(env, 'CONNECTD_PUBLIC_URL') ?? `http://localhost:${integer(env, 'PORT', DEFAULT_PORT, 65_535)}`,
    oauthSuccessUrl: httpUrl(env, 'CONNECTD_OAUTH_SUCCESS_URL'),
  };
}

/** Where the daemon listens and how it is reached: the settings `server` in connectors.yaml may give. */
export type ServerAddress = Pick<DaemonSettings, 'port' | 'host' | 'publicUrl'>;

/** True when the environment sets the variable (an empty value counts as unset, as everywhere here). */
const isSet = (env: Readonly<Record<string, string | undefined>>, variable: string): boolean => (env[variable] ?? '') !== '';

/**
 * The settings with connectors.yaml's `server.port`, `server.host` and `server.public_url` filling
 * what the environment leaves unset: PORT, HOST and CONNECTD_PUBLIC_URL, when set, win (an
 * operator overrides the file without editing it). When neither sets the public URL it follows
 * the port, `http://localhost:<port>`. `settings` are {@link readSettings}' reading of `env` (or
 * the part of them a command needs).
 * @example
 * const settings = withServerConfig(readSettings(env), project.config.server, env);
 * // server: { port: 8080 } and no PORT → { port: 8080, publicUrl: 'http://localhost:8080', ... }
 */
export function withServerConfig<S extends ServerAddress>(
  settings: S,
  server: Pick<ServerConfig, 'port' | 'host' | 'public_url'> | undefined,
  env: Readonly<Record<string, string | undefined>>,
): S {
  if (server === undefined) return settings;
  const port = server.port !== undefined && !isSet(env, 'PORT') ? server.port : settings.port;
  const host = server.host !== undefined && !isSet(env, 'HOST') ? server.host : settings.host;
  let publicUrl = settings.publicUrl;
  if (!isSet(env, 'CONNECTD_PUBLIC_URL')) {
    if (server.public_url !== undefined) publicUrl = server.public_url.replace(/\/+$/, '');
    else if (port !== settings.port) publicUrl = `http://localhost:${port}`;
  }
  return { ...settings, port, host, publicUrl };
}
