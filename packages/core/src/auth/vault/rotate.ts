import { isConnectdError } from '../../errors/index.js';
import type { CiphertextReplacement, CredentialKey, Database, Queryable, StoredCredential } from '../../store/index.js';
import { credentialAad, type Vault } from './vault.js';

/**
 * The store functions rotation needs. auth/ may import store/ for types only, so the caller
 * passes them: `{ listCredentials, replaceCiphertext }` from the store satisfies it.
 */
export interface CredentialRotationRepo {
  listCredentials(
    db: Queryable,
    page: { readonly after?: CredentialKey | undefined; readonly limit: number; readonly exceptKeyId?: string | undefined },
  ): Promise<StoredCredential[]>;
  replaceCiphertext(tx: Queryable, replacement: CiphertextReplacement): Promise<boolean>;
}

export interface RotateOptions {
  /** Rows re-encrypted per transaction; default 100. */
  readonly batchSize?: number;
}

/** What a rotation did. */
export interface RotationResult {
  /** Rows now under the current key. */
  readonly rotated: number;
  /** Rows changed by someone else (a refresh) between read and write: already newer, left alone. */
  readonly skipped: number;
  /** Rows that could not be decrypted (unknown key, corrupt), with the error code; they still need the old key or a reconnect. */
  readonly failed: ReadonlyArray<CredentialKey & { readonly code: string }>;
}

/**
 * Re-encrypts every credential whose key id is not the vault's current one, in batches, each
 * batch in one transaction. The vault's ring must hold the old keys (CONNECTD_SECRET_KEYS_PREVIOUS).
 * Safe to rerun and to run while daemons refresh tokens: a row is replaced only if it still holds
 * what was read. Once `failed` is empty, the old keys are no longer needed.
 * @example
 * const result = await rotateCredentials(store.db, { listCredentials, replaceCiphertext }, createVault(parseKeyRing(process.env)!));
 * console.log(`${result.rotated} credentials re-encrypted`);
 */
export async function rotateCredentials(
  db: Database,
  repo: CredentialRotationRepo,
  vault: Vault,
  options: RotateOptions = {},
): Promise<RotationResult> {
  const limit = options.batchSize ?? 100;
  let rotated = 0;
  let skipped = 0;
  const failed: Array<CredentialKey & { code: string }> = [];
  let after: CredentialKey | undefined;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const rows = await repo.listCredentials(tx, { after, limit, exceptKeyId: vault.currentKeyId });
      for (const row of rows) {
        const aad = credentialAad(row.connectionId, row.kind);
        let plaintext: string;
        try {
          plaintext = vault.decrypt(row.ciphertext, aad);
        } catch (err) {
          if (!isConnectdError(err)) throw err;
          failed.push({ connectionId: row.connectionId, kind: row.kind, code: err.code });
          continue;
        }
        const next = vault.encrypt(plaintext, aad);
        const applied = await repo.replaceCiphertext(tx, {
          connectionId: row.connectionId,
          kind: row.kind,
          ciphertext: next.ciphertext,
          keyId: next.keyId,
          expected: { ciphertext: row.ciphertext, keyId: row.keyId },
        });
        if (applied) rotated += 1;
        else skipped += 1;
      }
      return rows;
    });
    const last = batch.at(-1);
    if (last === undefined || batch.length < limit) break;
    // Keyset paging: rows that failed stay under the old key, so paging by key (not offset) moves past them.
    after = { connectionId: last.connectionId, kind: last.kind };
  }
  return { rotated, skipped, failed };
}
