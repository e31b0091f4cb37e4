import type { DestinationStream } from 'pino';
import { resolveVault } from '../../auth/index.js';
import { CONNECTION_NOT_OAUTH, STORE_DATA_DIR_LOCKED, VAULT_NO_KEY, isConnectdError } from '../../errors/index.js';
import { SecretValues, createLogger, type Logger } from '../../log/index.js';
import {
  consentStartUrl,
  createConnectSessions,
  oauthClientSettings,
  readLinkRequest,
  sessionKeyFrom,
  sessionTtlSeconds,
  type ConnectSessionRequest,
  type OAuthClientSettings,
} from '../../oauth/index.js';
import { loadProject } from '../../project/index.js';
import { openStore } from '../../store/index.js';
import { withServerConfig, type DaemonSettings } from '../settings.js';
import { sessionFromDaemon } from './connect-via-daemon.js';

export interface ConnectLinkOptions {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The environment's settings (`readSettings(env)`); the config's `server` block fills what it leaves unset. */
  readonly settings: DaemonSettings;
  readonly connector: string;
  readonly tenant: string;
  readonly connection?: string | undefined;
  readonly params?: Readonly<Record<string, string>> | undefined;
  /** Seconds; default 30 minutes, at most 24 hours. */
  readonly expiresInSeconds?: number | undefined;
  /** Where warnings go (the embedded store's development key); default stderr. */
  readonly logDestination?: DestinationStream | undefined;
}

/** A consent link made by `connectd connect`. */
export interface ConnectLink {
  readonly url: string;
  readonly expiresAt: Date;
  readonly connectionId: string;
  /** `store` when the command recorded the session itself, `daemon` when the running daemon did. */
  readonly madeBy: 'store' | 'daemon';
}

/**
 * `connectd connect <connector> --tenant T [--connection ID] [--param name=value]… [--expires-in 30m]`:
 * makes a connect session and resolves its link, the one a tenant opens to connect their account.
 * It needs no running daemon: it checks the request as the daemon will (connector, ids, declared
 * `auth.params`, a reconnect's stored settings, no takeover), then records the session in the store
 * and signs it with the key the daemon derives from the same CONNECTD_SECRET_KEY (on the embedded
 * store without one, the data folder's development key). When a daemon holds the embedded store,
 * that daemon makes it (`POST /api/connect-sessions` with CONNECTD_ADMIN_TOKEN, on a loopback
 * address). The link starts at the public URL: CONNECTD_PUBLIC_URL, else the config's
 * `server.public_url`, else `http://localhost:<port>`.
 * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR, CONNECTD_ERR_CONNECTION_NOT_OAUTH, CONNECTD_ERR_OAUTH_START_INVALID,
 *   CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID, CONNECTD_ERR_OAUTH_CONNECTION_CONFLICT, CONNECTD_ERR_VAULT_NO_KEY (exit 2);
 *   CONNECTD_ERR_OAUTH_SESSION_DAEMON_UNREACHABLE, store errors (exit 1)
 * @example
 * const { url } = await connectLink({ configPath, env, settings: readSettings(env), connector: 'shopify', tenant: 'acme', params: { shop: 'Acme.myshopify.com' } });
 * // https://connect.example.com/oauth/shopify/start?session=eyJ…
 */
export async function connectLink(options: ConnectLinkOptions): Promise<ConnectLink> {
  const project = await loadProject(options.configPath, options.env);
  const settings = withServerConfig(options.settings, project.config.server, options.env);
  const connector = project.connector(options.connector);
  const oauth2 = project.oauth2(options.connector);
  if (!project.needsConsent(options.connector) || oauth2 === undefined) {
    const grant = oauth2?.grant;
    throw CONNECTION_NOT_OAUTH({ connector: options.connector, auth: `${connector.auth?.type ?? 'none'}${grant === undefined ? '' : ` (${grant})`}` });
  }
  const oauth = oauthClientSettings(options.connector, oauth2);
  const request: ConnectSessionRequest = {
    connector: options.connector,
    tenant: options.tenant,
    connection: options.connection,
    params: options.params ?? {},
    expiresInSeconds: options.expiresInSeconds,
  };
  // What can be checked without the store is checked before it is opened: bad input changes nothing.
  sessionTtlSeconds(request.expiresInSeconds);
  readLinkRequest(options.connector, request, oauth.params);
  const log = commandLogger(settings, options);
  try {
    return await sessionFromStore(settings, options.env, oauth, request, log);
  } catch (err) {
    if (!isConnectdError(err, STORE_DATA_DIR_LOCKED.code)) throw err;
    const issued = await sessionFromDaemon(settings, request, settings.dataDir, err);
    // The link starts at this command's public URL, as one it made itself would: the daemon may
    // have been started without one (it listens where it was told, links go where the user says).
    return { url: consentStartUrl(settings.publicUrl, options.connector, issued.token), expiresAt: issued.expiresAt, connectionId: issued.connectionId, madeBy: 'daemon' };
  }
}

/** Warnings only, on stderr (stdout carries the link), scrubbed of the secrets the command knows. */
function commandLogger(settings: DaemonSettings, options: ConnectLinkOptions): Logger {
  const secrets = new SecretValues();
  secrets.add(settings.adminToken);
  secrets.add(options.env['CONNECTD_SECRET_KEY']?.trim());
  return createLogger({
    level: settings.logLevel === 'info' ? 'warn' : settings.logLevel,
    secrets,
    destination: options.logDestination ?? process.stderr,
  });
}

/** The session recorded by this process, in the store the daemon reads, signed with the daemon's key. */
async function sessionFromStore(
  settings: DaemonSettings,
  env: Readonly<Record<string, string | undefined>>,
  oauth: OAuthClientSettings,
  request: ConnectSessionRequest,
  log: Logger,
): Promise<ConnectLink> {
  // The daemon's own resolution (daemon/core.ts), so a link made here verifies there.
  const vault = resolveVault(env, { embeddedDataDir: settings.databaseUrl === undefined ? settings.dataDir : undefined }, log);
  if (vault === undefined) throw VAULT_NO_KEY({ operation: 'sign a connect session' });
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, log: log.child({ component: 'store' }) });
  try {
    await store.migrate();
    const sessions = createConnectSessions({
      db: store.db,
      // Derived when the session is signed: a locked store never loads the development key.
      get sessionKey(): Buffer {
        return sessionKeyFrom(vault.keys);
      },
      settingsFor: (name) => (name === oauth.connector ? oauth : undefined),
      publicUrl: settings.publicUrl,
    });
    const issued = await sessions.create(request);
    return { url: issued.url, expiresAt: issued.expiresAt, connectionId: issued.connectionId, madeBy: 'store' };
  } finally {
    await store.close();
  }
}
