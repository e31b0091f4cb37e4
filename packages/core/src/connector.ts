/**
 * `@connectd/core/connector`: the contract plugin authors import. Nothing else of core is public to plugins.
 */
export * from './connector/index.js';
export { defineError, isConnectdError } from './errors/index.js';
