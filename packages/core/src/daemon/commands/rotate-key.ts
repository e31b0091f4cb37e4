import { parseKeyRing, createVault, rotateCredentials, type RotationResult } from '../../auth/index.js';
import { VAULT_NO_KEY } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { listCredentialKeys, listCredentials, openStore, replaceCiphertext } from '../../store/index.js';
import type { DaemonSettings } from '../settings.js';

/** What `connectd rotate-key` did, and what is left under other keys. */
export interface KeyRotationReport extends RotationResult {
  readonly currentKeyId: string;
  /** Credential counts by key id after the rotation; only the current key once `failed` is empty. */
  readonly keys: ReadonlyArray<{ readonly keyId: string; readonly count: number }>;
}

/**
 * `connectd rotate-key`: re-encrypts every stored credential under CONNECTD_SECRET_KEY, reading
 * old ones with CONNECTD_SECRET_KEYS_PREVIOUS. Safe while daemons run (a token refreshed
 * meanwhile is already under the new key and is left alone) and safe to rerun.
 * @throws CONNECTD_ERR_VAULT_NO_KEY (exit 2) when CONNECTD_SECRET_KEY is not set
 */
export async function rotateKeyOnce(
  env: Readonly<Record<string, string | undefined>>,
  settings: DaemonSettings,
  log: Logger,
): Promise<KeyRotationReport> {
  const keys = parseKeyRing(env);
  if (keys === undefined) throw VAULT_NO_KEY({ operation: 'rotate the vault key' });
  const vault = createVault(keys);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, log });
  try {
    await store.migrate();
    const result = await rotateCredentials(store.db, { listCredentials, replaceCiphertext }, vault);
    return { ...result, currentKeyId: vault.currentKeyId, keys: await listCredentialKeys(store.db) };
  } finally {
    await store.close();
  }
}
