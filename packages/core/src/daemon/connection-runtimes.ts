import type { AuthRuntime, ConnectionInfo, RateLimitAdapterRuntime, ErrorClassifierRuntime } from '../connector/index.js';
import { createComponent, type ComponentUse } from './components.js';
import type { ConnectorConfig } from '../config/index.js';
import { createConnectionClient, createRateLimiter, type ConnectionClient, type HttpMetrics } from '../http/index.js';
import type { Logger } from '../log/index.js';
import type { Project } from './project.js';

/** The default tenant of connections a connector declares implicitly (no `connections:` list). */
export const DEFAULT_TENANT = 'default';

/** Everything a sync or an action needs to call one connection's vendor account. */
export interface ConnectionRuntime {
  readonly connector: string;
  readonly connection: ConnectionInfo;
  readonly client: ConnectionClient;
  /** Values request templates are filled from: connector `vars`, then the connection's config. */
  readonly templateValues: Readonly<Record<string, unknown>>;
  readonly baseUrl: string;
  readonly log: Logger;
}

/** A connection that could not be set up (e.g. oauth2 without tokens yet): reported, not run. */
export interface UnavailableConnection {
  readonly connector: string;
  readonly connectionId: string;
  readonly reason: string;
  readonly code: string;
}

export interface ConnectionRuntimes {
  all(): readonly ConnectionRuntime[];
  get(connector: string, connectionId?: string): ConnectionRuntime | undefined;
  unavailable(): readonly UnavailableConnection[];
  close(): Promise<void>;
}

/** Connections of a connector: the declared list, or one implicit connection named after it. */
export function declaredConnections(name: string, connector: ConnectorConfig): ConnectionInfo[] {
  if (connector.connections !== undefined && connector.connections.length > 0) {
    return connector.connections.map((c) => ({ id: c.id, tenant: c.tenant, config: { ...(c.config ?? {}) } }));
  }
  // OAuth connections come from the consent flow, not from YAML.
  if (connector.auth?.type === 'oauth2') return [];
  return [{ id: name, tenant: DEFAULT_TENANT, config: {} }];
}

/**
 * Builds one HTTP runtime per active connection: its own client (keep-alive pools), rate limiter
 * shared by all its streams and actions, breaker, retry policy and auth. Part of the composition root.
 */
export function buildConnectionRuntimes(
  project: Project,
  deps: { log: Logger; metrics?: HttpMetrics; signal: AbortSignal; redact?: (text: string) => string },
): ConnectionRuntimes {
  const idle = new Set(project.idleConnectors.map((c) => c.connector));
  const runtimes: ConnectionRuntime[] = [];
  const unavailable: UnavailableConnection[] = [];
  for (const [name, connector] of Object.entries(project.config.connectors)) {
    if (idle.has(name)) continue;
    for (const connection of declaredConnections(name, connector)) {
      const log = deps.log.child({ connector: name, connection: connection.id });
      // The client's own lines carry `connection` as `<connector>:<id>`; bind only the connector for them.
      const clientLog = deps.log.child({ connector: name, component: 'http' });
      const values = { ...(connector.vars ?? {}), ...connection.config };
      try {
        const context = { log, signal: deps.signal, connection, values };
        const auth = connector.auth === undefined ? undefined : createComponent<AuthRuntime>(project.registry, 'auth', connector.auth as ComponentUse, context);
        const adapter =
          connector.rate_limit?.adapter === undefined
            ? undefined
            : createComponent<RateLimitAdapterRuntime>(project.registry, 'rateLimitAdapters', connector.rate_limit.adapter as ComponentUse, context);
        const classifier =
          connector.error_classifier === undefined
            ? undefined
            : createComponent<ErrorClassifierRuntime>(project.registry, 'errorClassifiers', connector.error_classifier as ComponentUse, context);
        const client = createConnectionClient({
          name: `${name}:${connection.id}`,
          log: clientLog,
          auth,
          adapter,
          classifier,
          metrics: deps.metrics,
          redact: deps.redact,
          rateLimiter: createRateLimiter({
            ...(connector.rate_limit?.rate === undefined ? {} : { rate: connector.rate_limit.rate }),
            ...(connector.rate_limit?.burst === undefined ? {} : { burst: connector.rate_limit.burst }),
            ...(connector.rate_limit?.concurrency === undefined ? {} : { concurrency: connector.rate_limit.concurrency }),
          }),
          retry: {
            ...(connector.retry?.max_attempts === undefined ? {} : { maxAttempts: connector.retry.max_attempts }),
            ...(connector.retry?.base_delay_ms === undefined ? {} : { baseDelayMs: connector.retry.base_delay_ms }),
            ...(connector.retry?.max_delay_ms === undefined ? {} : { maxDelayMs: connector.retry.max_delay_ms }),
            ...(connector.retry?.max_wait_ms === undefined ? {} : { maxWaitMs: connector.retry.max_wait_ms }),
            ...(connector.retry?.retry_on_status === undefined ? {} : { retryOnStatus: connector.retry.retry_on_status }),
          },
          breaker: {
            ...(connector.breaker?.failure_threshold === undefined ? {} : { failureThreshold: connector.breaker.failure_threshold }),
            ...(connector.breaker?.failure_ratio === undefined ? {} : { failureRatio: connector.breaker.failure_ratio }),
            ...(connector.breaker?.window_seconds === undefined ? {} : { windowMs: connector.breaker.window_seconds * 1000 }),
            ...(connector.breaker?.cooldown_seconds === undefined ? {} : { cooldownMs: connector.breaker.cooldown_seconds * 1000 }),
          },
          timeouts: {
            ...(connector.timeouts?.connect_ms === undefined ? {} : { connectMs: connector.timeouts.connect_ms }),
            ...(connector.timeouts?.headers_ms === undefined ? {} : { headersMs: connector.timeouts.headers_ms }),
            ...(connector.timeouts?.body_ms === undefined ? {} : { bodyMs: connector.timeouts.body_ms }),
          },
        });
        runtimes.push({ connector: name, connection, client, templateValues: values, baseUrl: connector.base_url ?? '', log });
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'CONNECTD_ERR_INTERNAL';
        const reason = err instanceof Error ? err.message : String(err);
        log.error({ err, code }, 'connection cannot be set up; it stays idle');
        unavailable.push({ connector: name, connectionId: connection.id, reason, code });
      }
    }
  }
  return {
    all: () => runtimes,
    get: (connector, connectionId) =>
      runtimes.find((r) => r.connector === connector && (connectionId === undefined || r.connection.id === connectionId)),
    unavailable: () => unavailable,
    close: async () => {
      await Promise.all(runtimes.map((r) => r.client.close()));
    },
  };
}
