/**
 * status/: what `connectd status` and `GET /api/status` report (connectors, connections, streams),
 * built from the project, a running engine's view and the store (a port, persist/ implements it).
 * Formatting it for people is the CLI's.
 */
export { buildStatus } from './report.js';
export type { ConfigReport, ConnectionReport, DestinationStatus, EngineView, ReloadReport, StatusReport } from './report.js';
export { streamStatuses } from './streams.js';
export type { StreamStatus } from './streams.js';
export type { StatusStore } from './ports.js';
