import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { VAULT_DECRYPT_FAILED } from '../../errors/index.js';
import type { KeyRing } from './key-ring.js';

/**
 * Ciphertext format, version 1 (all of it is stored in the `ciphertext` column):
 *
 *   byte 0          version, 0x01
 *   byte 1          n, length of the key id
 *   bytes 2..2+n    key id, ASCII (first 8 hex chars of sha256(key))
 *   next 12 bytes   IV, random per encryption
 *   next 16 bytes   GCM authentication tag
 *   rest            AES-256-GCM ciphertext of the UTF-8 plaintext
 *
 * The GCM additional data is the header (version, n, key id) followed by the caller's `aad`, so
 * neither the key id nor the row binding can be changed without failing authentication.
 */
export const VAULT_FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts and decrypts credentials with AES-256-GCM under a {@link KeyRing}. */
export interface Vault {
  /** Id of the key {@link Vault.encrypt} uses. */
  readonly currentKeyId: string;
  /**
   * Encrypts `plaintext` under the current key. `aad` binds the ciphertext to where it is stored
   * (use {@link credentialAad}): the same bytes in another row do not decrypt.
   */
  encrypt(plaintext: string, aad: string): { ciphertext: Buffer; keyId: string };
  /**
   * Decrypts a ciphertext made by {@link Vault.encrypt} under any key of the ring.
   * @throws CONNECTD_ERR_VAULT_DECRYPT_FAILED when malformed, under an unknown key, altered, or the aad differs
   */
  decrypt(ciphertext: Buffer, aad: string): string;
  /** The key id a ciphertext names in its header, or undefined when it is not a vault ciphertext. */
  keyIdOf(ciphertext: Buffer): string | undefined;
}

/**
 * The additional data that binds a credential to its row, so a ciphertext copied to another
 * connection or kind fails to decrypt. Everything that encrypts or decrypts credentials uses it.
 */
export function credentialAad(connectionId: string, kind: string): string {
  // NUL cannot appear in either part (both are Postgres text), so the join is unambiguous.
  return `connectd-credential\u0000${connectionId}\u0000${kind}`;
}

/**
 * Creates a vault over a key ring.
 * @example
 * const vault = createVault(parseKeyRing(process.env)!);
 * const { ciphertext, keyId } = vault.encrypt(accessToken, credentialAad('sq-acme', 'access_token'));
 * const token = vault.decrypt(ciphertext, credentialAad('sq-acme', 'access_token'));
 */
export function createVault(keys: KeyRing): Vault {
  return {
    currentKeyId: keys.currentKeyId,
    encrypt(plaintext, aad) {
      const keyId = keys.currentKeyId;
      const header = headerFor(keyId);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.key(keyId)!, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.concat([header, Buffer.from(aad, 'utf8')]));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { ciphertext: Buffer.concat([header, iv, cipher.getAuthTag(), body]), keyId };
    },
    decrypt(ciphertext, aad) {
      const parsed = parse(ciphertext);
      if (parsed === undefined) throw VAULT_DECRYPT_FAILED({ reason: 'malformed' });
      const key = keys.key(parsed.keyId);
      if (key === undefined) throw VAULT_DECRYPT_FAILED({ reason: 'unknown-key', keyId: parsed.keyId });
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, parsed.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.concat([parsed.header, Buffer.from(aad, 'utf8')]));
        decipher.setAuthTag(parsed.tag);
        return Buffer.concat([decipher.update(parsed.body), decipher.final()]).toString('utf8');
      } catch {
        // The cause (an OpenSSL message) is dropped on purpose: it says nothing useful and the
        // only thing to report is that authentication failed.
        throw VAULT_DECRYPT_FAILED({ reason: 'authentication', keyId: parsed.keyId });
      }
    },
    keyIdOf(ciphertext) {
      return parse(ciphertext)?.keyId;
    },
  };
}

function headerFor(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  return Buffer.concat([Buffer.from([VAULT_FORMAT_VERSION, id.length]), id]);
}

interface Parsed {
  header: Buffer;
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
}

function parse(ciphertext: Buffer): Parsed | undefined {
  if (ciphertext.length < 2 || ciphertext[0] !== VAULT_FORMAT_VERSION) return undefined;
  const idLength = ciphertext[1]!;
  const ivStart = 2 + idLength;
  const tagStart = ivStart + IV_BYTES;
  const bodyStart = tagStart + TAG_BYTES;
  if (idLength === 0 || ciphertext.length < bodyStart) return undefined;
  return {
    header: ciphertext.subarray(0, ivStart),
    keyId: ciphertext.subarray(2, ivStart).toString('ascii'),
    iv: ciphertext.subarray(ivStart, tagStart),
    tag: ciphertext.subarray(tagStart, bodyStart),
    body: ciphertext.subarray(bodyStart),
  };
}
