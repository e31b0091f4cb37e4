import type { Logger } from '../../log/index.js';
import { developmentKey, parseKeyRing, type KeyRing } from './key-ring.js';
import { createVault, type Vault } from './vault.js';

/** The vault and the key ring it was made from (the OAuth state key is derived from the ring). */
export interface VaultSetup {
  readonly vault: Vault;
  readonly keys: KeyRing;
}

/**
 * A vault whose key ring is loaded on first use: the development key is only generated (with its
 * loud warning) when something is actually encrypted or decrypted, not on every start.
 */
function lazyVault(load: () => KeyRing): VaultSetup {
  let made: VaultSetup | undefined;
  const get = (): VaultSetup => {
    if (made === undefined) {
      const keys = load();
      made = { vault: createVault(keys), keys };
    }
    return made;
  };
  return {
    get keys() {
      return get().keys;
    },
    vault: {
      get currentKeyId() {
        return get().vault.currentKeyId;
      },
      encrypt: (plaintext, aad) => get().vault.encrypt(plaintext, aad),
      decrypt: (ciphertext, aad) => get().vault.decrypt(ciphertext, aad),
      keyIdOf: (ciphertext) => get().vault.keyIdOf(ciphertext),
    },
  };
}

/**
 * The vault credentials are encrypted with: CONNECTD_SECRET_KEY (with CONNECTD_SECRET_KEYS_PREVIOUS
 * during a rotation); on the embedded store (`embeddedDataDir` set) without a key, a development
 * key in the data folder, generated on first use with a loud warning; on Postgres without a key,
 * none: OAuth connections and stored secrets are refused with CONNECTD_ERR_VAULT_NO_KEY.
 * @throws CONNECTD_ERR_VAULT_KEY_INVALID when a configured key is not base64 of 32 bytes
 */
export function resolveVault(
  env: Readonly<Record<string, string | undefined>>,
  store: { readonly embeddedDataDir: string | undefined },
  log: Logger,
): VaultSetup | undefined {
  const keys = parseKeyRing(env);
  if (keys !== undefined) return { vault: createVault(keys), keys };
  const dataDir = store.embeddedDataDir;
  if (dataDir !== undefined) return lazyVault(() => developmentKey(dataDir, log));
  return undefined;
}
