// The credential vault: AES-256-GCM encryption of tokens under a key ring read from
// CONNECTD_SECRET_KEY, and re-encryption of stored credentials when the key rotates.
export { DEVELOPMENT_KEY_FILE, KeyRing, VAULT_KEY_BYTES, developmentKey, keyIdOf, parseKeyRing } from './key-ring.js';
export { VAULT_FORMAT_VERSION, createVault, credentialAad } from './vault.js';
export type { Vault } from './vault.js';
export { rotateCredentials } from './rotate.js';
export type { CredentialRotationRepo, RotateOptions, RotationResult } from './rotate.js';
export { resolveVault } from './setup.js';
export type { VaultSetup } from './setup.js';
