import { defineError } from '../define-error.js';

// Errors of the credential vault. Codes are never reused once retired; add new ones at the end.
// Messages name variables, files and key ids (a hash prefix), never key material or plaintext.

const MAKE_A_KEY =
  "make one with `openssl rand -base64 32` or `node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"`";

export const VAULT_KEY_INVALID = defineError<{ source: string; reason: string }>({
  code: 'CONNECTD_ERR_VAULT_KEY_INVALID',
  exitCode: 2,
  meaning: 'A vault key (CONNECTD_SECRET_KEY, CONNECTD_SECRET_KEYS_PREVIOUS or the development key file) is not base64 of exactly 32 bytes.',
  fix: `Set it to base64 of 32 random bytes: ${MAKE_A_KEY}.`,
  message: (d) => `${d.source} is not a valid vault key: ${d.reason}; it must be base64 of exactly 32 bytes (${MAKE_A_KEY})`,
});

export const VAULT_NO_KEY = defineError<{ operation: string }>({
  code: 'CONNECTD_ERR_VAULT_NO_KEY',
  exitCode: 2,
  meaning: 'Tokens had to be stored or read but CONNECTD_SECRET_KEY is not set, so they cannot be encrypted.',
  fix: `Set CONNECTD_SECRET_KEY to base64 of 32 random bytes (${MAKE_A_KEY}) and keep it safe: tokens stored under it cannot be read without it.`,
  message: (d) => `cannot ${d.operation}: CONNECTD_SECRET_KEY is not set, so tokens cannot be encrypted; ${MAKE_A_KEY}`,
});

export const VAULT_DECRYPT_FAILED = defineError<{
  reason: 'malformed' | 'unknown-key' | 'authentication';
  keyId?: string | undefined;
}>({
  code: 'CONNECTD_ERR_VAULT_DECRYPT_FAILED',
  meaning: 'A stored credential could not be decrypted: it is malformed, was encrypted under a key that is not configured, or was altered (or belongs to another row).',
  fix: 'If the key id is unknown, add the old key to CONNECTD_SECRET_KEYS_PREVIOUS (then run `connectd rotate-key`); otherwise the credential is corrupt and the account must be reconnected.',
  message: (d) =>
    d.reason === 'malformed'
      ? 'stored credential is not a connectd vault ciphertext (unknown version or truncated)'
      : d.reason === 'unknown-key'
        ? `stored credential was encrypted under key id ${d.keyId ?? '?'}, which is neither CONNECTD_SECRET_KEY nor one of CONNECTD_SECRET_KEYS_PREVIOUS`
        : `stored credential (key id ${d.keyId ?? '?'}) failed authentication: it was altered, or does not belong to this connection and kind`,
});
