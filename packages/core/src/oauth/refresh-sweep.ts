import type { Logger } from '../log/index.js';
import { listTokensToRefresh, type Database } from '../store/index.js';
import type { RefreshAheadPolicy } from './token-freshness.js';

/** Refresh access tokens that expire within this (two default refresh margins), ahead of use. */
export const DEFAULT_SWEEP_HORIZON_SECONDS = 600;
/** Refresh tokens not used for this long are refreshed anyway: vendors expire idle refresh tokens. */
export const DEFAULT_IDLE_REFRESH_DAYS = 7;
/** Connections refreshed per sweep; the rest wait for the next one. */
export const DEFAULT_SWEEP_BATCH_SIZE = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RefreshSweepOptions {
  readonly db: Database;
  readonly log: Logger;
  /** The oauth2 connectors with a code grant (client-credentials tokens have no refresh token to keep alive). */
  readonly connectors: readonly string[];
  /**
   * Refreshes one connection through its provider. The daemon looks up the runtime's
   * ConnectionTokens and calls `tokens.refreshIfExpiring(policy)`, which re-checks under the refresh
   * lock, so several daemons sweeping at once make one vendor call per connection.
   */
  refresh(connectionId: string, policy: RefreshAheadPolicy): Promise<unknown>;
  /** Access tokens expiring within this are refreshed; default {@link DEFAULT_SWEEP_HORIZON_SECONDS}. */
  readonly horizonSeconds?: number | undefined;
  /** Tokens not renewed for this long are refreshed; default {@link DEFAULT_IDLE_REFRESH_DAYS}. */
  readonly idleRefreshDays?: number | undefined;
  readonly batchSize?: number | undefined;
  /** Wall clock in epoch ms; default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** What one sweep did: connections whose refresh succeeded (or found nothing to do) and those that failed. */
export interface SweepResult {
  readonly refreshed: number;
  readonly failed: number;
}

/**
 * One pass of the background token sweep the daemon runs on an interval: lists active connections
 * whose access token expires within the horizon or whose refresh token has been idle, and refreshes
 * each through `refresh`, one at a time to keep the load on vendors gentle. A failure (a vendor
 * outage, a revoked grant that sets the connection needs_reauth) is logged with its code and does
 * not stop the others. Connections that need reauth are not listed.
 * @example
 * const result = await sweepTokens({
 *   db: store.db, log, connectors: ['square'],
 *   refresh: (id, policy) => runtime.tokensOf(id).refreshIfExpiring(policy),
 * });
 * log.info(result, 'token sweep done');
 */
export async function sweepTokens(options: RefreshSweepOptions): Promise<SweepResult> {
  const nowMs = (options.now ?? Date.now)();
  const horizonSeconds = options.horizonSeconds ?? DEFAULT_SWEEP_HORIZON_SECONDS;
  const idleSince = new Date(nowMs - (options.idleRefreshDays ?? DEFAULT_IDLE_REFRESH_DAYS) * DAY_MS);
  const due = await listTokensToRefresh(options.db, {
    connectors: options.connectors,
    expiringBefore: new Date(nowMs + horizonSeconds * 1000),
    idleSince,
    limit: options.batchSize ?? DEFAULT_SWEEP_BATCH_SIZE,
  });
  const policy: RefreshAheadPolicy = { expiringWithinSeconds: horizonSeconds, idleSince };
  let refreshed = 0;
  let failed = 0;
  for (const target of due) {
    try {
      await options.refresh(target.connectionId, policy);
      refreshed += 1;
    } catch (err) {
      failed += 1;
      options.log.warn(
        { connector: target.connector, connection: target.connectionId, reason: target.reason, code: (err as { code?: unknown } | null)?.code },
        'token sweep could not refresh a connection; the next sweep tries again',
      );
    }
  }
  if (due.length > 0) options.log.info({ refreshed, failed }, 'token sweep done');
  return { refreshed, failed };
}
