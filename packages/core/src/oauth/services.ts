import { Counter, type Registry } from 'prom-client';
import type { Vault, VaultSetup } from '../auth/index.js';
import type { ConnectionInfo, OAuthCallbackCheckRuntime } from '../connector/index.js';
import { INTERNAL, OAUTH_CALLBACK_INVALID, VAULT_NO_KEY } from '../errors/index.js';
import { createConnectionClient, type ConnectionClient, type HttpMetrics } from '../http/index.js';
import type { Logger } from '../log/index.js';
import type { Database } from '../store/index.js';
import { createConnectionTokens, type ConnectionTokens, type OAuthTokenMetrics } from './connection-tokens.js';
import { createConnectSessions, type ConnectSessions } from './connect-sessions.js';
import { sessionKeyFrom } from './connect-session-token.js';
import { createConsentFlow, type ConsentFlow } from './consent.js';
import { sweepTokens } from './refresh-sweep.js';
import { createTokenRevoker, type RevocableConnection, type RevokeOutcome } from './revoke.js';
import type { RefreshAheadPolicy } from './token-freshness.js';
import { stateKeyFrom } from './state.js';
import { createTokenEndpoint } from './token-endpoint.js';
import type { OAuthClientSettings, TokenEndpoint } from './types.js';

/** How often the daemon looks for tokens to refresh ahead of use. */
export const DEFAULT_TOKEN_SWEEP_INTERVAL_MS = 60_000;

/** The OAuth side of the engine: token endpoints, per-connection token providers, the consent flow, revocation. */
export interface OAuthServices {
  /** Connectors whose auth is oauth2, by name. */
  readonly settings: ReadonlyMap<string, OAuthClientSettings>;
  /** Undefined when no vault key is configured: then OAuth connections cannot be used. */
  readonly vault: Vault | undefined;
  /** The token provider of one connection (one per connection id, shared by every caller). */
  tokensFor(connector: string, connection: ConnectionInfo): ConnectionTokens | undefined;
  /** Drops a connection's provider (disconnected, deleted, or reconnected with new tokens). */
  forget(connectionId: string): void;
  /** The consent flow; it throws CONNECTD_ERR_VAULT_NO_KEY without a vault. */
  readonly consent: ConsentFlow;
  /** Makes the connect sessions (consent links) the consent flow starts from; CONNECTD_ERR_VAULT_NO_KEY without a vault. */
  readonly sessions: ConnectSessions;
  /**
   * Revokes a connection's tokens at the vendor (`auth.revoke`) before it is deleted: best effort,
   * bounded by a timeout, a failure logged as a warning. Never rejects.
   */
  revoke(connector: string, connection: RevocableConnection): Promise<RevokeOutcome>;
  /** Refreshes what expires soon or was not refreshed for long, every `intervalMs`. */
  startSweep(intervalMs?: number): void;
  close(): Promise<void>;
}

/** A connector that authenticates with OAuth 2.0, as the services need it. */
export interface OAuthConnector {
  readonly settings: OAuthClientSettings;
  /** A plugin's check of the consent callback (Shopify's HMAC over the query), created by the caller. */
  readonly callbackCheck?: OAuthCallbackCheckRuntime | undefined;
}

export interface OAuthServicesOptions {
  /** The active connectors whose auth is oauth2. */
  readonly connectors: readonly OAuthConnector[];
  readonly db: Database;
  readonly vault: VaultSetup | undefined;
  readonly log: Logger;
  /** Where vendors send users back: `${publicUrl}/oauth/${connector}/callback`. */
  readonly publicUrl: string;
  readonly registry?: Registry | undefined;
  readonly httpMetrics?: HttpMetrics | undefined;
  readonly redact?: ((text: string) => string) | undefined;
  /** How long a revocation may take before a delete goes on without it; default 10 s (`DEFAULT_REVOKE_TIMEOUT_MS`). */
  readonly revokeTimeoutMs?: number | undefined;
}

/** A revocation is tried twice at most (within its timeout): it is best effort, and a delete waits for it. */
const REVOKE_MAX_ATTEMPTS = 2;

/** The HTTP clients of OAuth calls, one per connector and purpose, made on first use; closing them is the caller's. */
function oauthClients(options: OAuthServicesOptions) {
  // OAuth calls go through the HTTP runtime like every vendor call, on clients of their own: no
  // auth, and no breaker shared with the API calls a refresh is trying to unblock. Revocations have
  // their own too, so a vendor failing them cannot open the breaker of the connector's refreshes.
  const clients = new Map<string, ConnectionClient>();
  const clientFor = (connector: string, purpose: 'oauth' | 'oauth-revoke'): ConnectionClient => {
    const name = `${connector}:${purpose}`;
    let client = clients.get(name);
    if (client === undefined) {
      client = createConnectionClient({
        name,
        log: options.log.child({ connector, component: 'oauth-http' }),
        metrics: options.httpMetrics,
        redact: options.redact,
        ...(purpose === 'oauth-revoke' ? { retry: { maxAttempts: REVOKE_MAX_ATTEMPTS } } : {}),
      });
      clients.set(name, client);
    }
    return client;
  };
  return { clientFor, close: () => Promise.all([...clients.values()].map((c) => c.close())) };
}

/** The settings of an oauth2 connector the caller knows is one: anything else is a bug here, not bad input. */
function settingsOf(settings: ReadonlyMap<string, OAuthClientSettings>, connector: string): OAuthClientSettings {
  const found = settings.get(connector);
  if (found === undefined) throw INTERNAL({ message: `connector ${connector} has no oauth2 auth` });
  return found;
}

/** `connectd_oauth_token_refreshes_total` on the daemon's registry, as the token providers report. */
function refreshMetrics(registry: Registry | undefined): OAuthTokenMetrics | undefined {
  if (registry === undefined) return undefined;
  // A daemon that reloads its config creates its OAuth services again on the same registry.
  const name = 'connectd_oauth_token_refreshes_total';
  const refreshes = (registry.getSingleMetric(name) as Counter<'connector' | 'outcome'> | undefined) ?? new Counter({
    name,
    help: 'OAuth token refreshes by connector and outcome (refreshed, reused, failed, needs_reauth, migrated, migration_refused)',
    labelNames: ['connector', 'outcome'],
    registers: [registry],
  });
  return { refreshed: (connector, outcome) => refreshes.inc({ connector, outcome }) };
}

/** The signing keys of states and sessions, derived on first use, so a daemon that never starts a consent never loads a development key. */
function signingKeys(options: OAuthServicesOptions): { state(): Buffer; session(): Buffer } {
  let stateKey: Buffer | undefined;
  let sessionKey: Buffer | undefined;
  const keys = (operation: string) => {
    if (options.vault === undefined) throw VAULT_NO_KEY({ operation });
    return options.vault.keys;
  };
  return {
    state: () => (stateKey ??= stateKeyFrom(keys('start an OAuth consent flow'))),
    session: () => (sessionKey ??= sessionKeyFrom(keys('sign or check a connect session'))),
  };
}

/** The connect sessions of the code-flow connectors, linking to the daemon's public URL. */
function connectSessionsOf(options: OAuthServicesOptions, settings: ReadonlyMap<string, OAuthClientSettings>, keys: ReturnType<typeof signingKeys>): ConnectSessions {
  return createConnectSessions({
    db: options.db,
    get sessionKey(): Buffer {
      return keys.session();
    },
    settingsFor: (connector) => settings.get(connector),
    publicUrl: options.publicUrl,
  });
}

/** The consent flow over the connectors' settings and their plugins' callback checks. */
function consentFlowOf(
  options: OAuthServicesOptions,
  settings: ReadonlyMap<string, OAuthClientSettings>,
  endpointFor: (connector: string, config: Readonly<Record<string, unknown>>) => TokenEndpoint,
  keys: ReturnType<typeof signingKeys>,
): ConsentFlow {
  const checks = new Map(options.connectors.flatMap((c) => (c.callbackCheck === undefined ? [] : [[c.settings.connector, c.callbackCheck] as const])));
  const vault = options.vault?.vault;
  return createConsentFlow({
    db: options.db,
    get vault(): Vault {
      if (vault === undefined) throw VAULT_NO_KEY({ operation: 'store OAuth tokens' });
      return vault;
    },
    get stateKey(): Buffer {
      return keys.state();
    },
    get sessionKey(): Buffer {
      return keys.session();
    },
    log: options.log.child({ component: 'oauth' }),
    settingsFor: (connector) => {
      const found = settings.get(connector);
      return found?.grant === 'authorization_code' ? found : undefined;
    },
    tokenEndpointFor: endpointFor,
    checkCallback: async (connector, query) => {
      try {
        await checks.get(connector)?.check(query);
      } catch (err) {
        // A check that throws refuses the callback (a 400 page), whatever it threw; the plugin's
        // message (already wrapped with the plugin's name) says why.
        throw OAUTH_CALLBACK_INVALID({ connector, reason: `the connector's callback check refused it (${err instanceof Error ? err.message : String(err)})` }, { cause: err });
      }
    },
    redirectUriFor: (connector) => `${options.publicUrl.replace(/\/+$/, '')}/oauth/${encodeURIComponent(connector)}/callback`,
  });
}

/**
 * Composes the OAuth services of a daemon (or of a one-off `connectd sync`): a token endpoint
 * client per connector, a token provider per connection, the consent flow, the refresh sweep, and
 * the revocation of a deleted connection's tokens.
 * @example
 * const oauth = createOAuthServices({ connectors, db, vault, log, publicUrl });
 * const tokens = oauth.tokensFor('square', connection);
 */
export function createOAuthServices(options: OAuthServicesOptions): OAuthServices {
  const { db } = options;
  const vault = options.vault?.vault;
  const settings = new Map(options.connectors.map((c) => [c.settings.connector, c.settings]));
  const oauthLog = options.log.child({ component: 'oauth' });
  const metrics = refreshMetrics(options.registry);
  const clients = oauthClients(options);
  const endpointFor = (connector: string, config: Readonly<Record<string, unknown>>): TokenEndpoint =>
    createTokenEndpoint(settingsOf(settings, connector), clients.clientFor(connector, 'oauth'), config);
  const revoker = createTokenRevoker({
    db,
    vault,
    log: oauthLog,
    clientFor: (connector) => clients.clientFor(connector, 'oauth-revoke'),
    timeoutMs: options.revokeTimeoutMs,
  });
  const keys = signingKeys(options);
  const providers = new Map<string, ConnectionTokens>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;

  const tokensFor = (connector: string, connection: ConnectionInfo): ConnectionTokens | undefined => {
    const found = settings.get(connector);
    if (found === undefined || vault === undefined) return undefined;
    let provider = providers.get(connection.id);
    if (provider === undefined) {
      const endpoint = endpointFor(connector, connection.config);
      const log = oauthLog.child({ connector, connection: connection.id });
      provider = createConnectionTokens({ db, vault, connectionId: connection.id, settings: found, endpoint, log, ...(metrics === undefined ? {} : { metrics }) });
      providers.set(connection.id, provider);
    }
    return provider;
  };

  return {
    settings,
    vault,
    tokensFor,
    forget: (connectionId) => {
      providers.delete(connectionId);
    },
    consent: consentFlowOf(options, settings, endpointFor, keys),
    sessions: connectSessionsOf(options, settings, keys),
    async revoke(connector, connection) {
      const found = settings.get(connector);
      if (found === undefined) return { outcome: 'skipped', reason: 'the connector does not use oauth2' };
      return revoker(found, connection);
    },
    startSweep(intervalMs = DEFAULT_TOKEN_SWEEP_INTERVAL_MS) {
      const connectors = [...settings.values()].filter((s) => s.grant === 'authorization_code').map((s) => s.connector);
      if (vault === undefined || connectors.length === 0 || sweepTimer !== undefined) return;
      sweepTimer = setInterval(() => {
        if (sweeping !== undefined) return;
        // Connections this daemon does not run (another daemon's, or unreadable) are left to their owners.
        const refresh = async (connectionId: string, policy: RefreshAheadPolicy): Promise<void> => void (await providers.get(connectionId)?.refreshIfExpiring(policy));
        sweeping = sweepTokens({ db, log: oauthLog, connectors, refresh })
          .catch((err: unknown) => oauthLog.error({ err }, 'token sweep failed'))
          .finally(() => {
            sweeping = undefined;
          });
      }, intervalMs);
      sweepTimer.unref();
    },
    async close() {
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      await sweeping;
      await clients.close();
    },
  };
}
