// When a token will do. One rule for the in-memory cache, the stored tokens (read before and after
// taking the refresh lock) and the background sweep, so they never disagree about a refresh.

/** An access token with the times that decide its freshness, in epoch ms. */
export interface TimedToken {
  readonly accessToken: string;
  /** Null when the vendor gave no expiry: the token is used until a 401. */
  readonly expiresAtMs: number | null;
  /** When it was issued (stored); bounds the margin for short-lived tokens. */
  readonly issuedAtMs: number;
}

/** What the background sweep asks {@link ConnectionTokens.refreshIfExpiring} for. */
export interface RefreshAheadPolicy {
  /** Refresh when the access token expires within this many seconds. */
  readonly expiringWithinSeconds: number;
  /** Refresh when the tokens were last refreshed before this (vendors expire unused refresh tokens). */
  readonly idleSince?: Date | undefined;
}

/**
 * What a caller needs: `fresh` a token outside the refresh margin (getAccessToken); `replace` any
 * token but the one the vendor rejected (refresh after a 401); `ahead` a token outside the sweep's
 * horizon and not idle; `migrate` an expiring token for a non-expiring one (`auth.migrate`).
 */
export type Wanted =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'replace'; readonly rejected: string | undefined }
  | { readonly kind: 'ahead'; readonly policy: RefreshAheadPolicy }
  | { readonly kind: 'migrate' };

/**
 * True while `nowMs` is more than the margin before expiry. The margin never exceeds half the
 * token's lifetime: with a 300 s margin and 5-minute tokens, every call would otherwise refresh.
 */
export function isFresh(token: TimedToken, marginSeconds: number, nowMs: number): boolean {
  if (token.expiresAtMs === null) return true;
  const lifetimeMs = Math.max(0, token.expiresAtMs - token.issuedAtMs);
  const marginMs = Math.min(marginSeconds * 1000, lifetimeMs / 2);
  return nowMs < token.expiresAtMs - marginMs;
}

/** Whether a token fails what the caller wants, so the vendor must be asked for a new one. */
export function needsRenewal(token: TimedToken, wanted: Wanted, refreshMarginSeconds: number, nowMs: number): boolean {
  switch (wanted.kind) {
    case 'fresh':
      return !isFresh(token, refreshMarginSeconds, nowMs);
    case 'replace':
      return wanted.rejected === undefined || token.accessToken === wanted.rejected;
    case 'ahead': {
      const idleSinceMs = wanted.policy.idleSince?.getTime();
      return !isFresh(token, wanted.policy.expiringWithinSeconds, nowMs) || (idleSinceMs !== undefined && token.issuedAtMs < idleSinceMs);
    }
    case 'migrate':
      // Whether it still needs migrating is decided on the tokens read under the lock (migrate-token.ts).
      return true;
  }
}
