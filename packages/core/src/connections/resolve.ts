import { CONNECTION_UNAVAILABLE } from '../errors/index.js';
import type { Project } from '../project/index.js';
import type { ConnectionRuntime } from './runtime.js';
import type { ConnectionRuntimeSet } from './runtime-set.js';

/**
 * The connection a sync or an action targets: `connectionId`, or the connector's first. Coded
 * errors (exit 2) say why there is none: an unknown connector, an idle one (its missing
 * variables), or a connection that is not running here (why it is unavailable, or the known ids).
 * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR, CONNECTD_ERR_CONNECTION_UNAVAILABLE
 * @example
 * const runtime = resolveRuntime(project, runtimes, 'storq', 'storq-acme');
 */
export function resolveRuntime(project: Project, runtimes: ConnectionRuntimeSet, connector: string, connectionId?: string): ConnectionRuntime {
  project.activeConnector(connector, connectionId);
  const runtime = runtimes.get(connector, connectionId);
  if (runtime !== undefined) return runtime;
  const unavailable = runtimes.unavailable().find((u) => u.connector === connector && (connectionId === undefined || u.connectionId === connectionId));
  const known = runtimes.all().filter((r) => r.connector === connector).map((r) => r.connection.id);
  throw CONNECTION_UNAVAILABLE({
    connector,
    connection: connectionId ?? '',
    reason: unavailable !== undefined ? `${unavailable.code}: ${unavailable.reason}` : `known connections: ${known.join(', ') || 'none'}`,
  });
}
