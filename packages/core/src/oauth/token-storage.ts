import { credentialAad, type Vault } from '../auth/index.js';
import { listCredentialsOf, saveCredential, type Queryable } from '../store/index.js';
import type { TokenSet } from './types.js';

/** Credential kinds of an OAuth connection in `connectd_engine.credentials`. */
export const ACCESS_TOKEN = 'access_token';
export const REFRESH_TOKEN = 'refresh_token';

/** An OAuth connection's tokens, decrypted. */
export interface StoredTokens {
  readonly accessToken: string;
  /** Null when the vendor did not say; then the token is used until a 401. */
  readonly accessExpiresAt: Date | null;
  readonly refreshToken?: string | undefined;
  /** When the access token was last written: a refresh elsewhere changes it. */
  readonly updatedAt: Date;
}

/**
 * Encrypts and saves what a token endpoint answered. A rotated refresh token is written in the
 * same statement batch as the access token: pass the transaction that must commit them together.
 * When the answer has no refresh token, the stored one is kept (the vendor did not rotate it).
 */
export async function saveTokenSet(tx: Queryable, vault: Vault, connectionId: string, tokens: TokenSet): Promise<void> {
  await saveCredential(tx, {
    connectionId,
    kind: ACCESS_TOKEN,
    ...vault.encrypt(tokens.accessToken, credentialAad(connectionId, ACCESS_TOKEN)),
    expiresAt: tokens.expiresAt,
  });
  if (tokens.refreshToken !== undefined && tokens.refreshToken !== '') {
    await saveCredential(tx, {
      connectionId,
      kind: REFRESH_TOKEN,
      ...vault.encrypt(tokens.refreshToken, credentialAad(connectionId, REFRESH_TOKEN)),
      expiresAt: null,
    });
  }
}

/**
 * Reads and decrypts a connection's tokens; undefined when it has no access token yet. Both come
 * from one statement, so a read outside the refresh lock never pairs an access token with a refresh
 * token of another renewal (two statements could straddle a refresh or a migration committing).
 * @throws CONNECTD_ERR_VAULT_DECRYPT_FAILED when a ciphertext is under an unknown key or altered
 */
export async function readStoredTokens(db: Queryable, vault: Vault, connectionId: string): Promise<StoredTokens | undefined> {
  const credentials = await listCredentialsOf(db, connectionId);
  const access = credentials.find((c) => c.kind === ACCESS_TOKEN);
  if (access === undefined) return undefined;
  const refresh = credentials.find((c) => c.kind === REFRESH_TOKEN);
  return {
    accessToken: vault.decrypt(access.ciphertext, credentialAad(connectionId, ACCESS_TOKEN)),
    accessExpiresAt: access.expiresAt,
    refreshToken: refresh === undefined ? undefined : vault.decrypt(refresh.ciphertext, credentialAad(connectionId, REFRESH_TOKEN)),
    updatedAt: access.updatedAt,
  };
}
