import type { Queryable } from '../database.js';

// The SQL of `connectd_engine.credentials`. Rows hold vault ciphertexts only: encryption and
// decryption live in auth/vault, so this file never sees a token and store stays free of crypto.

/** Identifies one credential row. `kind` is e.g. `access_token` or `refresh_token`. */
export interface CredentialKey {
  readonly connectionId: string;
  readonly kind: string;
}

/** A credential as stored: the vault ciphertext and the id of the key it was made with. */
export interface StoredCredential extends CredentialKey {
  readonly ciphertext: Buffer;
  readonly keyId: string;
  readonly expiresAt: Date | null;
  readonly updatedAt: Date;
}

/** What {@link saveCredential} writes. */
export interface CredentialWrite extends CredentialKey {
  readonly ciphertext: Buffer;
  readonly keyId: string;
  /** When the token stops working; null when it does not expire (or the vendor did not say). */
  readonly expiresAt: Date | null;
}

/** A re-encryption of one row that applies only if the row still holds what was read. */
export interface CiphertextReplacement extends CredentialKey {
  readonly ciphertext: Buffer;
  readonly keyId: string;
  readonly expected: { readonly ciphertext: Buffer; readonly keyId: string };
}

interface Row {
  connection_id: string;
  kind: string;
  ciphertext: Buffer;
  key_id: string;
  expires_at: Date | null;
  updated_at: Date;
}

const COLUMNS = 'connection_id, kind, ciphertext, key_id, expires_at, updated_at';

function toCredential(row: Row): StoredCredential {
  return {
    connectionId: row.connection_id,
    kind: row.kind,
    ciphertext: row.ciphertext,
    keyId: row.key_id,
    expiresAt: row.expires_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Inserts or replaces a credential. Call it in the transaction that must commit with it: a
 * rotated refresh token is saved in the same transaction as the new access token.
 * @example
 * await db.transaction(async (tx) => {
 *   await saveCredential(tx, { connectionId: 'sq-acme', kind: 'access_token', ...vault.encrypt(token, aad), expiresAt });
 * });
 */
export async function saveCredential(tx: Queryable, credential: CredentialWrite): Promise<void> {
  await tx.query(
    `insert into connectd_engine.credentials (connection_id, kind, ciphertext, key_id, expires_at)
     values ($1, $2, $3, $4, $5)
     on conflict (connection_id, kind) do update
       set ciphertext = excluded.ciphertext, key_id = excluded.key_id, expires_at = excluded.expires_at, updated_at = now()`,
    [credential.connectionId, credential.kind, credential.ciphertext, credential.keyId, credential.expiresAt],
  );
}

/** Reads one credential; undefined when the connection has none of that kind. */
export async function readCredential(db: Queryable, connectionId: string, kind: string): Promise<StoredCredential | undefined> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from connectd_engine.credentials where connection_id = $1 and kind = $2`,
    [connectionId, kind],
  );
  const row = rows[0];
  return row === undefined ? undefined : toCredential(row);
}

/** Deletes one credential, or every credential of the connection when `kind` is omitted. Resolves the number deleted. */
export async function deleteCredentials(db: Queryable, connectionId: string, kind?: string): Promise<number> {
  const { rowCount } = await db.query(
    `delete from connectd_engine.credentials where connection_id = $1 and ($2::text is null or kind = $2)`,
    [connectionId, kind ?? null],
  );
  return rowCount;
}

/**
 * Deletes a connection's credentials whose kind starts with `prefix` (e.g. every `setting:*`
 * secret before a connection's settings are replaced). Resolves with how many went.
 */
export async function deleteCredentialsWithPrefix(db: Queryable, connectionId: string, prefix: string): Promise<number> {
  const { rowCount } = await db.query(`delete from connectd_engine.credentials where connection_id = $1 and starts_with(kind, $2)`, [connectionId, prefix]);
  return rowCount;
}

/** How many credentials each key id encrypts: `connectd rotate-key` reports it, and an old key may go once its count is 0. */
export async function listCredentialKeys(db: Queryable): Promise<Array<{ keyId: string; count: number }>> {
  const { rows } = await db.query<{ key_id: string; n: string }>(
    `select key_id, count(*) as n from connectd_engine.credentials group by key_id order by key_id`,
  );
  return rows.map((r) => ({ keyId: r.key_id, count: Number(r.n) }));
}

/**
 * One page of credentials in primary-key order, for key rotation. Pass the last row of a page as
 * `after` to get the next; `exceptKeyId` leaves out rows already under that key.
 */
export async function listCredentials(
  db: Queryable,
  page: { readonly after?: CredentialKey | undefined; readonly limit: number; readonly exceptKeyId?: string | undefined },
): Promise<StoredCredential[]> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from connectd_engine.credentials
     where ($1::text is null or (connection_id, kind) > ($1, $2::text))
       and ($3::text is null or key_id <> $3)
     order by connection_id, kind
     limit $4`,
    [page.after?.connectionId ?? null, page.after?.kind ?? null, page.exceptKeyId ?? null, page.limit],
  );
  return rows.map(toCredential);
}

/**
 * Replaces a row's ciphertext with a re-encryption of the same value, only if the row still holds
 * the expected ciphertext: a token refreshed meanwhile is newer and must not be overwritten with
 * the old one. `updated_at` is left alone (the credential did not change). Resolves whether it applied.
 */
export async function replaceCiphertext(tx: Queryable, replacement: CiphertextReplacement): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update connectd_engine.credentials set ciphertext = $3, key_id = $4
     where connection_id = $1 and kind = $2 and key_id = $5 and ciphertext = $6`,
    [replacement.connectionId, replacement.kind, replacement.ciphertext, replacement.keyId, replacement.expected.keyId, replacement.expected.ciphertext],
  );
  return rowCount > 0;
}

/** Every credential of one connection, in kind order (for its secret settings; callers decrypt). */
export async function listCredentialsOf(db: Queryable, connectionId: string): Promise<StoredCredential[]> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from connectd_engine.credentials where connection_id = $1 order by kind`, [connectionId]);
  return rows.map(toCredential);
}
