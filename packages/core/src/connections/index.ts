/**
 * connections/: the vendor accounts an engine runs. Each connection's HTTP runtime (built from its
 * connector's declaration), their lifecycle (declared in YAML or stored; attach, detach,
 * reconcile with other daemons), webhook routing to them, and the admin operations. Storage is a
 * port (ports.ts) implemented in persist/.
 */
export { createConnectionRuntime } from './runtime.js';
export type { ConnectionRuntime, ConnectionRuntimeDeps } from './runtime.js';
export { ConnectionRuntimeSet } from './runtime-set.js';
export type { ConnectionRuntimes, UnavailableConnection } from './runtime-set.js';
export { ConnectionLifecycle } from './lifecycle.js';
export type { ConnectionLifecycleDeps } from './lifecycle.js';
export { CONNECTION_CACHE_TTL_MS, createConnectionDirectory } from './directory.js';
export type { WebhookConnectionDirectory } from './directory.js';
export { ConnectionAdmin } from './admin.js';
export type { ConnectionAdminDeps, ConnectionView, NewConnection } from './admin.js';
export { resolveRuntime } from './resolve.js';
export { createEventFetcher } from './event-fetcher.js';
export { SECRET_SETTING_KIND_PREFIX } from './ports.js';
export type { ConnectionStore, ConnectionWithSecrets, CredentialSummary, StoredSecretSetting } from './ports.js';
