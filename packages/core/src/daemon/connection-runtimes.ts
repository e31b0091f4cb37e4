import type { AuthRuntime, ConnectionInfo, RateLimitAdapterRuntime, ErrorClassifierRuntime, TokenProvider } from '../connector/index.js';
import { INTERNAL } from '../errors/index.js';
import { createComponent, type ComponentUse } from './components.js';
import type { ConnectorConfig } from '../config/index.js';
import { TemplateString, createConnectionClient, createRateLimiter, type ConnectionClient, type HttpMetrics } from '../http/index.js';
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

/**
 * Connections of a connector: the declared list, or one implicit connection named after it. An
 * empty list (`connections: []`) declares none: every connection comes from the admin API.
 */
export function declaredConnections(name: string, connector: ConnectorConfig): ConnectionInfo[] {
  if (connector.connections !== undefined) {
    return connector.connections.map((c) => ({ id: c.id, tenant: c.tenant, config: { ...(c.config ?? {}) } }));
  }
  // Code-grant OAuth connections come from the consent flow, not from YAML; a client-credentials
  // connector is one server-to-server account, like an API key.
  if (connector.auth?.type === 'oauth2' && (connector.auth as { grant?: string }).grant !== 'client_credentials') return [];
  return [{ id: name, tenant: DEFAULT_TENANT, config: {} }];
}

/** The connector's `headers:`, `{placeholders}` filled from the connection's values. */
function renderHeaders(headers: Readonly<Record<string, string>>, values: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, new TemplateString(value).render(values)]));
}

/** Whatever the daemon shares between the runtimes it builds. */
export interface ConnectionRuntimeDeps {
  readonly log: Logger;
  readonly metrics?: HttpMetrics | undefined;
  readonly signal: AbortSignal;
  readonly redact?: ((text: string) => string) | undefined;
  /** The OAuth token provider of a connection whose connector authenticates with oauth2. */
  tokensFor?(connector: string, connection: ConnectionInfo): TokenProvider | undefined;
}

/**
 * Builds one connection's HTTP runtime: its own client (keep-alive pools), rate limiter shared by
 * all its streams and actions, breaker, retry policy and auth. `secretValues` are the connection's
 * stored secret settings (e.g. an API key created through the admin API): request templates see
 * them like config values, but they are kept out of `connection.config`.
 * @throws the coded error of a component that cannot be created (e.g. oauth2 without a token provider)
 */
export function createConnectionRuntime(
  project: Project,
  name: string,
  connection: ConnectionInfo,
  deps: ConnectionRuntimeDeps,
  secretValues: Readonly<Record<string, string>> = {},
): ConnectionRuntime {
  const connector = project.config.connectors[name];
  if (connector === undefined) throw INTERNAL({ message: `connector ${name} is not configured` });
  const log = deps.log.child({ connector: name, connection: connection.id });
  // The client's own lines carry `connection` as `<connector>:<id>`; bind only the connector for them.
  const clientLog = deps.log.child({ connector: name, component: 'http' });
  const values = { ...(connector.vars ?? {}), ...connection.config, ...secretValues };
  const tokens = deps.tokensFor?.(name, connection);
  const context = { log, signal: deps.signal, connection: { ...connection, config: { ...connection.config, ...secretValues } }, values, ...(tokens === undefined ? {} : { tokens }) };
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
    ...(connector.headers === undefined ? {} : { defaultHeaders: renderHeaders(connector.headers, values) }),
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
  return { connector: name, connection, client, templateValues: values, baseUrl: connector.base_url ?? '', log };
}

/** The runtimes of one engine. Connections come and go while it runs (consent flow, admin API). */
export class ConnectionRuntimeSet implements ConnectionRuntimes {
  readonly #runtimes = new Map<string, ConnectionRuntime>();
  readonly #unavailable = new Map<string, UnavailableConnection>();

  all(): readonly ConnectionRuntime[] {
    return [...this.#runtimes.values()];
  }

  get(connector: string, connectionId?: string): ConnectionRuntime | undefined {
    if (connectionId !== undefined) {
      const runtime = this.#runtimes.get(connectionId);
      return runtime?.connector === connector ? runtime : undefined;
    }
    for (const runtime of this.#runtimes.values()) if (runtime.connector === connector) return runtime;
    return undefined;
  }

  unavailable(): readonly UnavailableConnection[] {
    return [...this.#unavailable.values()];
  }

  /** Adds a runtime, replacing (and closing) one with the same connection id. */
  async put(runtime: ConnectionRuntime): Promise<void> {
    const previous = this.#runtimes.get(runtime.connection.id);
    this.#unavailable.delete(runtime.connection.id);
    this.#runtimes.set(runtime.connection.id, runtime);
    if (previous !== undefined && previous !== runtime) await previous.client.close();
  }

  /** Records a connection that cannot run, replacing (and closing) its runtime if it had one. */
  async markUnavailable(entry: UnavailableConnection): Promise<void> {
    await this.remove(entry.connectionId);
    this.#unavailable.set(entry.connectionId, entry);
  }

  /** Forgets a connection, closing its client. Resolves whether it had a runtime. */
  async remove(connectionId: string): Promise<boolean> {
    this.#unavailable.delete(connectionId);
    const runtime = this.#runtimes.get(connectionId);
    if (runtime === undefined) return false;
    this.#runtimes.delete(connectionId);
    await runtime.client.close();
    return true;
  }

  async close(): Promise<void> {
    const runtimes = [...this.#runtimes.values()];
    this.#runtimes.clear();
    await Promise.all(runtimes.map((r) => r.client.close()));
  }
}

/** Builds the runtimes of every connection the config declares (YAML list or implicit). */
export function buildConnectionRuntimes(project: Project, deps: ConnectionRuntimeDeps): ConnectionRuntimeSet {
  const idle = new Set(project.idleConnectors.map((c) => c.connector));
  const set = new ConnectionRuntimeSet();
  for (const [name, connector] of Object.entries(project.config.connectors)) {
    if (idle.has(name)) continue;
    for (const connection of declaredConnections(name, connector)) {
      try {
        void set.put(createConnectionRuntime(project, name, connection, deps));
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'CONNECTD_ERR_INTERNAL';
        const reason = err instanceof Error ? err.message : String(err);
        deps.log.child({ connector: name, connection: connection.id }).error({ err, code }, 'connection cannot be set up; it stays idle');
        void set.markUnavailable({ connector: name, connectionId: connection.id, reason, code });
      }
    }
  }
  return set;
}
