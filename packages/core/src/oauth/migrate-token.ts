import type { Vault } from '../auth/index.js';
import type { Queryable } from '../store/index.js';
import { saveTokenSet, type StoredTokens } from './token-storage.js';
import type { TimedToken } from './token-freshness.js';
import type { OAuthClientSettings, TokenEndpoint } from './types.js';

// The one-time migration of a non-expiring access token (`auth.migrate`, e.g. Shopify's token
// exchange of a legacy offline token for an expiring one with a rotating refresh token). It runs
// under the connection's refresh lock like a refresh, so of several processes one calls the vendor
// and the others find the new tokens; after it, the connection refreshes like any other.

/** After a refused migration, this process uses the old token and asks again this much later. */
export const MIGRATION_RETRY_MS = 60 * 60 * 1000;

/**
 * Whether stored tokens are what `migrate` exchanges: a code grant's access token with no expiry
 * and no refresh token. Anything else (migrated already, or never needing it) is left alone.
 * @example
 * if (isMigratable(settings, stored)) await renewLocked({ ...input, wanted: { kind: 'migrate' } });
 */
export function isMigratable(settings: OAuthClientSettings, stored: StoredTokens): boolean {
  return (
    settings.migrate !== undefined &&
    settings.grant === 'authorization_code' &&
    stored.accessExpiresAt === null &&
    (stored.refreshToken === undefined || stored.refreshToken === '')
  );
}

/** What a migration under the lock came to; `renewed` when the vendor issued new tokens. */
export type MigrationOutcome =
  | ({ readonly kind: 'migrated' } & TimedToken & { readonly renewed: boolean })
  | ({ readonly kind: 'migration_refused'; readonly cause: unknown } & TimedToken & { readonly renewed: false });

export interface MigrateInput {
  readonly vault: Vault;
  readonly connectionId: string;
  readonly settings: OAuthClientSettings;
  readonly endpoint: TokenEndpoint;
  readonly now: () => number;
}

/**
 * In the transaction that holds the refresh lock, with the tokens read after taking it: exchanges
 * the stored access token when it is still migratable and saves what the vendor answers (access
 * token, expiry, refresh token) in that transaction. Tokens another process migrated meanwhile
 * come back unrenewed. Any failure of the exchange comes back as `migration_refused` with the old
 * token, which keeps being used: the vendor may still accept it.
 */
export async function migrateInTransaction(tx: Queryable, input: MigrateInput, stored: StoredTokens): Promise<MigrationOutcome> {
  const current: TimedToken = { accessToken: stored.accessToken, expiresAtMs: stored.accessExpiresAt?.getTime() ?? null, issuedAtMs: stored.updatedAt.getTime() };
  if (!isMigratable(input.settings, stored)) return { kind: 'migrated', ...current, renewed: false };
  let answer;
  try {
    answer = await input.endpoint.migrate(stored.accessToken);
  } catch (err) {
    return { kind: 'migration_refused', ...current, renewed: false, cause: err };
  }
  await saveTokenSet(tx, input.vault, input.connectionId, answer);
  return { kind: 'migrated', accessToken: answer.accessToken, expiresAtMs: answer.expiresAt?.getTime() ?? null, issuedAtMs: input.now(), renewed: true };
}
