export { createLogger } from './create-logger.js';
export type { CreateLoggerOptions, Logger } from './create-logger.js';
export { REDACT_PATHS, REDACTED, redactPathsFor } from './redact.js';
export { redactSecretFields } from './redact-value.js';
export { SecretValues, MIN_SECRET_LENGTH_CHARS } from './secret-values.js';
export { createUrlRedactor, redactUrl } from './redact-url.js';
export { isSecretConfigKey, isSecretFieldName, isSecretHeaderName, isSecretVariableName } from './secret-names.js';
