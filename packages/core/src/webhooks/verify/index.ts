// Webhook signature verification: the built-in `hmac` verifier, registered through the plugin
// contract like any plugin's verifier, and the header helpers plugin-like verifiers can reuse.
export { BUILTIN_WEBHOOK_VERIFIERS } from './builtins.js';
export {
  DEFAULT_HMAC_ALGORITHM,
  DEFAULT_HMAC_ENCODING,
  DEFAULT_SIGNED_PAYLOAD,
  DEFAULT_TIMESTAMP_SEPARATOR,
  HMAC_OPTIONS_SCHEMA,
  hmacVerifier,
} from './hmac.js';
export type { HmacAlgorithm, HmacVerifierOptions, SignedPayload } from './hmac.js';
export { decodeSignatures, headerValues, MAX_SIGNATURE_CANDIDATES } from './signature-header.js';
export type { HeaderBag, SignatureEncoding } from './signature-header.js';
export { DEFAULT_TOLERANCE_SECONDS, isWithinTolerance, parseEpochSeconds } from './timestamp.js';
