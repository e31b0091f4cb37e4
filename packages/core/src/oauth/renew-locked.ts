import type { Vault } from '../auth/index.js';
import { OAUTH_INVALID_GRANT, OAUTH_NEEDS_REAUTH, isConnectdError } from '../errors/index.js';
import { advisoryLockKey, getConnection, setConnectionStatus, type Database, type Queryable } from '../store/index.js';
import { migrateInTransaction, type MigrationOutcome } from './migrate-token.js';
import { needsRenewal, type TimedToken, type Wanted } from './token-freshness.js';
import { readStoredTokens, saveTokenSet, type StoredTokens } from './token-storage.js';
import type { OAuthClientSettings, TokenEndpoint, TokenSet } from './types.js';

// The cross-process half of a refresh: under one Postgres advisory lock per connection, look again
// at what is stored and call the vendor only when it still will not do. Everything the vendor
// answers is saved in the transaction that holds the lock, so a rotated refresh token is committed
// with its access token before the lock is released and anyone else can read either.

/** The advisory-lock name of a connection's token refresh. */
export const refreshLockName = (connectionId: string): string => `connectd.oauth-refresh:${connectionId}`;

/** A token the provider can hand out; `renewed` when the vendor issued it during this operation. */
export interface Renewal extends TimedToken {
  readonly renewed: boolean;
}

/**
 * What happened under the lock. Failures that must commit (marking the connection needs_reauth)
 * come back as values, not throws: a throw would roll the status update back.
 */
export type LockedOutcome =
  | ({ readonly kind: 'token' } & Renewal)
  | MigrationOutcome
  | { readonly kind: 'not_connected'; readonly tenant?: string | undefined }
  | { readonly kind: 'inactive'; readonly status: 'needs_reauth' | 'disabled'; readonly tenant: string; readonly statusReason: string | null }
  | { readonly kind: 'needs_reauth'; readonly tenant: string; readonly reason: string; readonly cause?: unknown };

export interface RenewLockedInput {
  readonly db: Database;
  readonly vault: Vault;
  readonly connectionId: string;
  readonly settings: OAuthClientSettings;
  readonly endpoint: TokenEndpoint;
  readonly wanted: Wanted;
  /** Read after the lock is taken: waiting for it may take a vendor call's time. */
  readonly now: () => number;
}

/** `status_reason` of a connection this file set to needs_reauth: the code, then why. */
export const needsReauthStatusReason = (reason: string): string => `${OAUTH_NEEDS_REAUTH.code}: ${reason}`;

export const timedTokenOf = (stored: StoredTokens): TimedToken => ({
  accessToken: stored.accessToken,
  expiresAtMs: stored.accessExpiresAt?.getTime() ?? null,
  issuedAtMs: stored.updatedAt.getTime(),
});

/**
 * Takes the connection's refresh lock, re-reads its status and tokens, and renews them at the
 * vendor only when they still fail `wanted` (`migrate`: exchanges a still non-expiring token once,
 * see migrate-token.ts). Other failures of the vendor call (network, 5xx, a
 * refusal that is not a reauth error) are thrown and roll nothing forward: the next call tries again.
 */
export function renewLocked(input: RenewLockedInput): Promise<LockedOutcome> {
  return input.db.withAdvisoryLock(advisoryLockKey(refreshLockName(input.connectionId)), (tx) => renewInTransaction(tx, input));
}

async function renewInTransaction(tx: Queryable, input: RenewLockedInput): Promise<LockedOutcome> {
  const { vault, connectionId, settings, endpoint, wanted, now } = input;
  const connection = await getConnection(tx, connectionId);
  if (connection === undefined) return { kind: 'not_connected' };
  if (connection.status !== 'active') {
    return { kind: 'inactive', status: connection.status, tenant: connection.tenantId, statusReason: connection.statusReason };
  }
  const stored = await readStoredTokens(tx, vault, connectionId);
  if (wanted.kind === 'migrate') {
    if (stored === undefined) return { kind: 'not_connected', tenant: connection.tenantId };
    return migrateInTransaction(tx, input, stored);
  }
  if (stored !== undefined) {
    const current = timedTokenOf(stored);
    // Another process (or instance) renewed while this one waited for the lock.
    if (!needsRenewal(current, wanted, settings.refreshMarginSeconds, now())) return { kind: 'token', ...current, renewed: false };
  }

  let answer: TokenSet;
  if (settings.grant === 'client_credentials') {
    // No refresh token and nothing for a user to reconnect: every failure is passed on as is.
    answer = await endpoint.clientCredentials();
  } else {
    if (stored === undefined) return { kind: 'not_connected', tenant: connection.tenantId };
    if (stored.refreshToken === undefined) {
      return markNeedsReauth(tx, connectionId, connection.tenantId, 'no refresh token is stored, so the access token cannot be renewed');
    }
    try {
      answer = await endpoint.refresh(stored.refreshToken);
    } catch (err) {
      if (!isConnectdError(err, OAUTH_INVALID_GRANT.code)) throw err;
      const vendorError = typeof err.details['error'] === 'string' ? err.details['error'] : 'invalid_grant';
      return markNeedsReauth(tx, connectionId, connection.tenantId, `the token endpoint refused the refresh token (${vendorError})`, err);
    }
  }
  // An answer without a refresh token keeps the stored one; it is written again all the same, so
  // its row's updated_at says when it was last used (the idle sweep reads that).
  await saveTokenSet(tx, vault, connectionId, { ...answer, refreshToken: answer.refreshToken ?? stored?.refreshToken });
  return { kind: 'token', accessToken: answer.accessToken, expiresAtMs: answer.expiresAt?.getTime() ?? null, issuedAtMs: now(), renewed: true };
}

async function markNeedsReauth(tx: Queryable, connectionId: string, tenant: string, reason: string, cause?: unknown): Promise<LockedOutcome> {
  await setConnectionStatus(tx, connectionId, 'needs_reauth', needsReauthStatusReason(reason));
  return { kind: 'needs_reauth', tenant, reason, cause };
}
