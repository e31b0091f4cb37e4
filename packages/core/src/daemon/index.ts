/**
 * daemon/: the composition root and the edges. `compose.ts` assembles `connectd run`, `core.ts`
 * what every command shares, `engine.ts` wires connections, the worker and the scheduler; `http/`
 * holds the routes (they parse and delegate), `commands/` the CLI's one-shot use cases.
 */
export { startDaemon } from './compose.js';
export type { RunningDaemon, StartDaemonOptions } from './compose.js';
export { openCore } from './core.js';
export type { Core, CoreOptions } from './core.js';
export { Engine, CONNECTIONS_RELOAD_MS } from './engine.js';
export type { EngineOptions } from './engine.js';
export { readSettings, DEFAULT_PORT, DEFAULT_DATA_DIR, DEFAULT_SHUTDOWN_DEADLINE_MS } from './settings.js';
export type { DaemonSettings } from './settings.js';
export { reloadOnHangup, stopOnSignal } from './lifecycle.js';
export type { HangupListener, Reloadable } from './lifecycle.js';
export { buildHttpServer } from './http/server.js';
export type { HttpServerDeps } from './http/server.js';
export { createMetrics } from './http/metrics.js';
export type { DaemonMetrics } from './http/metrics.js';
export { migrateOnce } from './commands/migrate.js';
export { syncOnce } from './commands/sync.js';
export type { StreamOutcome, SyncOnceOptions } from './commands/sync.js';
export type { JobWait } from '../jobs/index.js';
export { actionOnce } from './commands/action.js';
export type { ActionOnceOptions } from './commands/action.js';
export { replayOnce } from './commands/replay.js';
export type { ReplayOnceOptions } from './commands/replay.js';
export { connectLink } from './commands/connect.js';
export type { ConnectLink, ConnectLinkOptions } from './commands/connect.js';
export { CONNECT_DAEMON_TIMEOUT_MS } from './commands/connect-via-daemon.js';
export { readStatus, STATUS_DAEMON_TIMEOUT_MS } from './commands/status.js';
export { rotateKeyOnce } from './commands/rotate-key.js';
export type { KeyRotationReport } from './commands/rotate-key.js';
