import type { Vault } from '../auth/index.js';
import type { TokenProvider } from '../connector/index.js';
import { OAUTH_CONNECTION_DISABLED, OAUTH_NEEDS_REAUTH, OAUTH_NOT_CONNECTED, isConnectdError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { getConnection, type ConnectionRecord, type Database } from '../store/index.js';
import { MIGRATION_RETRY_MS, isMigratable } from './migrate-token.js';
import { renewLocked, timedTokenOf, type Renewal } from './renew-locked.js';
import { isFresh, needsRenewal, type RefreshAheadPolicy, type Wanted } from './token-freshness.js';
import { readStoredTokens } from './token-storage.js';
import type { OAuthClientSettings, TokenEndpoint } from './types.js';

/**
 * While a connection is blocked (needs_reauth, disabled), calls fail from memory; only this often
 * does the provider read the connection row again, so a reconnect made in this process through the
 * consent flow is picked up without a restart. It reads one row: never the vendor, never the lock.
 */
export const BLOCKED_RECHECK_MS = 30_000;

/**
 * What one refresh under the lock came to, for `/metrics`; `migrated` / `migration_refused`: the
 * one-time `auth.migrate` exchange of a non-expiring token.
 */
export type TokenRefreshOutcome = 'refreshed' | 'reused' | 'failed' | 'needs_reauth' | 'migrated' | 'migration_refused';

/** Counts token refreshes. Implemented by the daemon with prom-client; calls must be cheap. */
export interface OAuthTokenMetrics {
  /** `reused`: another process or instance had renewed the tokens while this one waited for the lock. */
  refreshed(connector: string, outcome: TokenRefreshOutcome): void;
}

export interface ConnectionTokensOptions {
  readonly db: Database;
  readonly vault: Vault;
  readonly connectionId: string;
  readonly settings: OAuthClientSettings;
  readonly endpoint: TokenEndpoint;
  readonly log: Logger;
  readonly metrics?: OAuthTokenMetrics | undefined;
  /** Wall clock in epoch ms; default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** Whether a connection's tokens can be used, for status output. */
export type ConnectionTokenState = 'ok' | 'needs_reauth' | 'disabled';

/** The {@link TokenProvider} of one OAuth connection. */
export interface ConnectionTokens extends TokenProvider {
  readonly connectionId: string;
  /** A fresh access token: cached, or read from the store, or refreshed once for all concurrent callers. */
  getAccessToken(): Promise<string>;
  /**
   * A new access token after the vendor rejected `rejectedToken` (default: the one this provider
   * handed out last). No vendor call when the stored token already differs from it.
   */
  refresh(rejectedToken?: string): Promise<string>;
  /**
   * The background sweep's call (see refresh-sweep.ts, which passes its policy): renews the tokens
   * ahead of use, under the same lock, when the stored access token expires within
   * `policy.expiringWithinSeconds` (default the refresh margin; never in the first half of the
   * token's life) or was last renewed before `policy.idleSince`. Resolves true when the operation
   * it ran or joined got new tokens from the vendor.
   */
  refreshIfExpiring(policy?: RefreshAheadPolicy): Promise<boolean>;
  /** `ok` unless the provider has seen the connection needs_reauth or disabled. */
  state(): ConnectionTokenState;
}

interface Blocked {
  readonly state: Exclude<ConnectionTokenState, 'ok'>;
  readonly tenant: string | undefined;
  readonly reason: string;
  readonly sinceMs: number;
  readonly cause?: unknown;
}

/**
 * Creates the token provider of one OAuth connection. Tokens are cached in memory until
 * `settings.refreshMarginSeconds` before expiry. A refresh is single-flight within the process and
 * runs under the Postgres advisory lock `connectd.oauth-refresh:<connectionId>` across processes:
 * whoever gets the lock second finds the new tokens and makes no vendor call. A rotated refresh
 * token is committed with the new access token before anyone uses it. When the vendor says the
 * grant is gone, the connection is set `needs_reauth` and later calls fail fast with
 * CONNECTD_ERR_OAUTH_NEEDS_REAUTH. Tokens never appear in its logs or errors.
 * @example
 * const tokens = createConnectionTokens({ db: store.db, vault, connectionId: 'sq-acme', settings, endpoint, log });
 * const auth = oauth2Auth.create(options, { ...ctx, tokens });
 * const accessToken = await tokens.getAccessToken();
 */
export function createConnectionTokens(options: ConnectionTokensOptions): ConnectionTokens {
  return new ConnectionTokensImpl(options);
}

class ConnectionTokensImpl implements ConnectionTokens {
  readonly connectionId: string;
  readonly #options: ConnectionTokensOptions;
  readonly #now: () => number;
  #cached: Renewal | undefined;
  #blocked: Blocked | undefined;
  /** The one read-or-renew in flight; concurrent callers share it. */
  #inFlight: Promise<Renewal> | undefined;
  /** Set after the vendor refused to migrate the non-expiring token: when to ask again. */
  #migrationRetryAtMs: number | undefined;

  constructor(options: ConnectionTokensOptions) {
    this.connectionId = options.connectionId;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  state(): ConnectionTokenState {
    return this.#blocked?.state ?? 'ok';
  }

  async getAccessToken(): Promise<string> {
    this.#failFastIfBlocked();
    const cached = this.#cached;
    // A non-expiring token is fresh forever; one the vendor refused to migrate is looked at again in time.
    const migrationDue = this.#migrationRetryAtMs !== undefined && this.#now() >= this.#migrationRetryAtMs;
    if (cached !== undefined && !migrationDue && isFresh(cached, this.#options.settings.refreshMarginSeconds, this.#now())) return cached.accessToken;
    return (await this.#share({ kind: 'fresh' })).accessToken;
  }

  async refresh(rejectedToken: string | undefined = this.#cached?.accessToken): Promise<string> {
    this.#failFastIfBlocked();
    // What runs now may be the renewal this caller needs (the same 401 seen twice).
    const joined = this.#inFlight;
    if (joined !== undefined) {
      const { accessToken } = await joined;
      if (accessToken !== rejectedToken) return accessToken;
    }
    return (await this.#share({ kind: 'replace', rejected: rejectedToken })).accessToken;
  }

  async refreshIfExpiring(
    policy: RefreshAheadPolicy = { expiringWithinSeconds: this.#options.settings.refreshMarginSeconds },
  ): Promise<boolean> {
    this.#failFastIfBlocked();
    // What runs now may be a plain read; wait for it, then decide on what it left stored.
    await this.#inFlight?.catch(() => undefined);
    return (await this.#share({ kind: 'ahead', policy })).renewed;
  }

  #share(wanted: Wanted): Promise<Renewal> {
    const running = this.#inFlight;
    if (running !== undefined) return running;
    const operation = this.#obtain(wanted).finally(() => {
      if (this.#inFlight === operation) this.#inFlight = undefined;
    });
    this.#inFlight = operation;
    return operation;
  }

  /**
   * Reads what is stored first (another process may have renewed it) and takes the lock only when
   * that will not do. A non-expiring token is migrated first when `auth.migrate` says how (not
   * after a 401: a token the vendor rejected is not exchanged, and the connection needs reauth).
   */
  async #obtain(wanted: Wanted): Promise<Renewal> {
    const { db, vault, connectionId, settings, metrics } = this.#options;
    this.#checkConnection(await getConnection(db, connectionId));
    const stored = await readStoredTokens(db, vault, connectionId);
    if (stored === undefined && settings.grant === 'authorization_code') throw this.#notConnected();
    if (stored !== undefined) {
      const current = timedTokenOf(stored);
      const migrate = wanted.kind !== 'replace' && isMigratable(settings, stored) && this.#now() >= (this.#migrationRetryAtMs ?? 0);
      if (migrate) wanted = { kind: 'migrate' };
      else if (!needsRenewal(current, wanted, settings.refreshMarginSeconds, this.#now())) return this.#use({ ...current, renewed: false });
    }
    let outcome;
    try {
      outcome = await renewLocked({ ...this.#options, wanted, now: this.#now });
    } catch (err) {
      metrics?.refreshed(settings.connector, 'failed');
      this.#options.log.warn(
        { connector: settings.connector, connection: connectionId, code: (err as { code?: unknown } | null)?.code },
        'oauth token refresh failed; the next call tries again',
      );
      throw err;
    }
    switch (outcome.kind) {
      case 'token':
        metrics?.refreshed(settings.connector, outcome.renewed ? 'refreshed' : 'reused');
        return this.#use(outcome);
      case 'migrated':
        this.#migrationRetryAtMs = undefined;
        metrics?.refreshed(settings.connector, outcome.renewed ? 'migrated' : 'reused');
        if (outcome.renewed) this.#options.log.info({ connector: settings.connector, connection: connectionId }, 'oauth token migrated to an expiring one (auth.migrate)');
        return this.#use(outcome);
      case 'migration_refused':
        this.#migrationRetryAtMs = this.#now() + MIGRATION_RETRY_MS;
        metrics?.refreshed(settings.connector, 'migration_refused');
        this.#options.log.warn(
          // A coded error's message is safe to log: token-endpoint errors carry no token or secret.
          { connector: settings.connector, connection: connectionId, code: isConnectdError(outcome.cause) ? outcome.cause.code : undefined,
            reason: isConnectdError(outcome.cause) ? outcome.cause.message : 'the exchange failed', retryInMs: MIGRATION_RETRY_MS },
          'oauth token migration (auth.migrate) failed; the non-expiring token is used until the vendor rejects it',
        );
        return this.#use(outcome);
      case 'not_connected':
        throw this.#notConnected(outcome.tenant);
      case 'inactive':
        this.#block(outcome.status, outcome.tenant, outcome.statusReason);
        return this.#throwBlocked();
      case 'needs_reauth':
        metrics?.refreshed(settings.connector, 'needs_reauth');
        this.#options.log.warn(
          { connector: settings.connector, connection: connectionId, tenant: outcome.tenant, reason: outcome.reason },
          'oauth grant is gone: connection set to needs_reauth until the account is reconnected',
        );
        this.#block('needs_reauth', outcome.tenant, outcome.reason, outcome.cause);
        return this.#throwBlocked();
    }
  }

  #use(renewal: Renewal): Renewal {
    this.#cached = renewal;
    return renewal;
  }

  #checkConnection(connection: ConnectionRecord | undefined): void {
    if (connection === undefined) throw this.#notConnected();
    if (connection.status === 'active') {
      this.#blocked = undefined;
      return;
    }
    this.#block(connection.status, connection.tenantId, connection.statusReason);
    this.#throwBlocked();
  }

  #notConnected(tenant?: string): Error {
    return OAUTH_NOT_CONNECTED({ connector: this.#options.settings.connector, connection: this.connectionId, tenant });
  }

  /** `reason` may be a row's status_reason, which starts with the code that set it; the error names its own code. */
  #block(state: Blocked['state'], tenant: string | undefined, statusReason: string | null, cause?: unknown): void {
    const reason = statusReason?.replace(/^CONNECTD_ERR_[A-Z0-9_]+:\s*/, '') || `the connection is marked ${state}`;
    this.#blocked = { state, tenant, reason, sinceMs: this.#now(), cause };
    this.#cached = undefined;
  }

  /** Fails from memory while blocked; once {@link BLOCKED_RECHECK_MS} has passed, the next operation reads the row again. */
  #failFastIfBlocked(): void {
    const blocked = this.#blocked;
    if (blocked !== undefined && this.#now() - blocked.sinceMs < BLOCKED_RECHECK_MS) this.#throwBlocked();
  }

  #throwBlocked(): never {
    const blocked = this.#blocked!;
    const { connector } = this.#options.settings;
    const connection = this.connectionId;
    if (blocked.state === 'disabled') throw OAUTH_CONNECTION_DISABLED({ connector, connection });
    throw OAUTH_NEEDS_REAUTH({ connector, connection, tenant: blocked.tenant, reason: blocked.reason }, { cause: blocked.cause });
  }
}
