/**
 * webhooks/: verified, durable, deduplicated intake (verify/, intake/) and asynchronous
 * processing of the inbox. Imports errors, log, connector, mapping, and store types only; the
 * daemon wires the concrete store, registry and metrics.
 */
export * from './verify/index.js';
export * from './intake/index.js';
export * from './process/index.js';
