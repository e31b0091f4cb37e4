/**
 * `@connectd/core`: the engine API.
 * @example
 * import { loadProject, startDaemon, readSettings } from '@connectd/core';
 * const daemon = await startDaemon({ configPath: 'connectors.yaml', env: process.env, settings: readSettings(process.env) });
 */
export * from './errors/index.js';
export { createLogger, SecretValues } from './log/index.js';
export type { Logger } from './log/index.js';
export { parseConfigFile, parseConfigText, validateConfig, formatConfigIssue } from './config/index.js';
export type { ConfigIssue, ConnectdConfig, ConnectorConfig, ParsedConfig } from './config/index.js';
export { openStore } from './store/index.js';
export type { Store, Database, Queryable } from './store/index.js';
export { startDaemon, readSettings, readStatus, migrateOnce } from './daemon/index.js';
export type { RunningDaemon, DaemonSettings } from './daemon/index.js';
export { loadProject, Project } from './project/index.js';
export type { ConnectorSummary } from './project/index.js';
export type { StatusReport } from './status/index.js';
export { main } from './cli/index.js';
