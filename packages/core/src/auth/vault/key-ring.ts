import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { VAULT_KEY_INVALID } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';

/** Bytes in a vault key (AES-256). */
export const VAULT_KEY_BYTES = 32;
/** The file {@link developmentKey} keeps its key in, inside the data folder. */
export const DEVELOPMENT_KEY_FILE = 'secret.key';

/**
 * The id of a key: the first 8 hex characters of sha256(key). Stable across restarts, so a
 * ciphertext names the key it needs, and reveals nothing usable about the key.
 */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * The keys the vault may use: one current key (encrypts, decrypts) and older keys that still
 * decrypt during a rotation. Key material is held privately and never printed: `JSON.stringify`
 * and `util.inspect` show only key ids.
 */
export class KeyRing {
  readonly #keys = new Map<string, Buffer>();
  /** Id of the key new ciphertexts are made with. */
  readonly currentKeyId: string;

  /**
   * @throws CONNECTD_ERR_VAULT_KEY_INVALID when a key is not 32 bytes
   * @example
   * const ring = new KeyRing(randomBytes(32), [oldKey]);
   */
  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.currentKeyId = this.#add(current, 'current key');
    previous.forEach((key, i) => this.#add(key, `previous key #${i + 1}`));
  }

  /** Ids of every key in the ring, the current one first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** Whether ciphertexts made under `keyId` can be decrypted with this ring. */
  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** The key with that id; meant for the vault only (callers should not need key material). */
  key(keyId: string): Buffer | undefined {
    return this.#keys.get(keyId);
  }

  toJSON(): { currentKeyId: string; keyIds: string[] } {
    return { currentKeyId: this.currentKeyId, keyIds: this.keyIds };
  }

  [inspect.custom](): string {
    return `KeyRing ${JSON.stringify(this.toJSON())}`;
  }

  #add(key: Buffer, source: string): string {
    if (key.length !== VAULT_KEY_BYTES) throw VAULT_KEY_INVALID({ source, reason: `it is ${key.length} bytes` });
    const id = keyIdOf(key);
    // A repeated key (the current one also listed as previous) is harmless: first wins.
    if (!this.#keys.has(id)) this.#keys.set(id, Buffer.from(key));
    return id;
  }
}

/**
 * Reads the vault keys from the environment: `CONNECTD_SECRET_KEY` (base64 of 32 bytes) and the
 * optional `CONNECTD_SECRET_KEYS_PREVIOUS` (comma-separated older keys, still accepted for
 * decryption until `connectd rotate-key` has re-encrypted everything). Resolves undefined when no
 * key is set: callers then refuse to store tokens with CONNECTD_ERR_VAULT_NO_KEY.
 * @throws CONNECTD_ERR_VAULT_KEY_INVALID (exit 2) for a key that is not base64 of 32 bytes, or
 *   previous keys without a current one
 * @example
 * const keys = parseKeyRing(process.env);
 * if (keys === undefined) throw VAULT_NO_KEY({ operation: 'store OAuth tokens' });
 * const vault = createVault(keys);
 */
export function parseKeyRing(env: Readonly<Record<string, string | undefined>>): KeyRing | undefined {
  const current = env['CONNECTD_SECRET_KEY']?.trim() ?? '';
  const previous = (env['CONNECTD_SECRET_KEYS_PREVIOUS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (current === '') {
    if (previous.length > 0) {
      throw VAULT_KEY_INVALID({ source: 'CONNECTD_SECRET_KEY', reason: 'it is not set but CONNECTD_SECRET_KEYS_PREVIOUS is' });
    }
    return undefined;
  }
  return new KeyRing(
    decodeKey(current, 'CONNECTD_SECRET_KEY'),
    previous.map((value, i) => decodeKey(value, `CONNECTD_SECRET_KEYS_PREVIOUS entry #${i + 1}`)),
  );
}

/**
 * Development only: the key in `<dataDir>/secret.key`, generated (mode 0600) when missing. Logs a
 * loud warning either way, because anyone who can read the data folder can read the tokens.
 * @throws CONNECTD_ERR_VAULT_KEY_INVALID when the file exists but does not hold a valid key
 * @example
 * const keys = parseKeyRing(process.env) ?? (dev ? developmentKey(dataDir, log) : undefined);
 */
export function developmentKey(dataDir: string, log: Logger): KeyRing {
  const path = join(dataDir, DEVELOPMENT_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  let created = false;
  try {
    // 'wx' fails if the file exists, so two processes starting at once never overwrite each other's key.
    writeFileSync(path, `${randomBytes(VAULT_KEY_BYTES).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw VAULT_KEY_INVALID({ source: path, reason: `it could not be created (${(err as Error).message})` }, { cause: err });
    }
  }
  const ring = new KeyRing(decodeKey(readFileSync(path, 'utf8').trim(), path));
  log.warn(
    { keyFile: path, keyId: ring.currentKeyId, created },
    `!!! DEVELOPMENT VAULT KEY: tokens are encrypted with a key ${created ? 'just generated into' : 'read from'} ${path}. ` +
      'Anyone who can read the data folder can decrypt them, and losing the file loses every token. ' +
      'Set CONNECTD_SECRET_KEY (openssl rand -base64 32) for anything but local development. !!!',
  );
  return ring;
}

function decodeKey(value: string, source: string): Buffer {
  // Buffer.from(_, 'base64') silently skips bad characters, so check the alphabet first.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw VAULT_KEY_INVALID({ source, reason: 'it is not base64' });
  const key = Buffer.from(value, 'base64');
  if (key.length !== VAULT_KEY_BYTES) throw VAULT_KEY_INVALID({ source, reason: `it decodes to ${key.length} bytes` });
  return key;
}
