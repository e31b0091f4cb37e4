/** `@connectd/core`: the engine API. */
export * from './errors/index.js';
export { createLogger, SecretValues } from './log/index.js';
export type { Logger } from './log/index.js';
