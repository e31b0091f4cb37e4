import type { ConnectionInfo, ErrorClassifierRuntime, TokenProvider } from '../connector/index.js';
import { createComponent, type ComponentRegistry, type ComponentUse } from '../connector/index.js';
import {
  createConnectionClient,
  createRateLimiter,
  httpPoliciesOf,
  TemplateString,
  type ConnectionClient,
  type HttpMetrics,
  type SharedHttpState,
} from '../http/index.js';
import type { Logger } from '../log/index.js';
import type { Project } from '../project/index.js';

/** Everything a sync or an action needs to call one connection's vendor account. */
export interface ConnectionRuntime {
  readonly connector: string;
  readonly connection: ConnectionInfo;
  readonly client: ConnectionClient;
  /** Values request templates are filled from: connector `vars`, then the connection's config and secrets. */
  readonly templateValues: Readonly<Record<string, unknown>>;
  readonly baseUrl: string;
  readonly log: Logger;
  /**
   * The classifiers of the connector's streams that declare their own `error_classifier`, by
   * stream name: created once for this connection, each sent with its stream's pages in place of
   * the connector's classifier (which the client holds for everything else).
   */
  readonly streamClassifiers: ReadonlyMap<string, ErrorClassifierRuntime>;
}

/** What every runtime of one engine shares. */
export interface ConnectionRuntimeDeps {
  readonly log: Logger;
  readonly metrics?: HttpMetrics | undefined;
  /** Aborted when the engine stops. */
  readonly signal: AbortSignal;
  /** Scrubs known secret values from texts the client logs. */
  readonly redact?: ((text: string) => string) | undefined;
  /**
   * Rate budgets and breakers shared with the other daemons on the database (Postgres); absent:
   * each connection keeps them in memory (the embedded store: one process).
   */
  readonly sharedHttp?: SharedHttpState | undefined;
  /** The OAuth token provider of a connection whose connector authenticates with oauth2. */
  tokensFor?(connector: string, connection: ConnectionInfo): TokenProvider | undefined;
}

/** Fills `{placeholders}` in string options from the connection's values (per-connection API keys). */
function fillPlaceholders(use: ComponentUse, values: Readonly<Record<string, unknown>>): ComponentUse {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(use)) options[key] = typeof value === 'string' ? new TemplateString(value).render(values) : value;
  return { ...options, type: use.type };
}

/**
 * Builds one connection's HTTP runtime: its own client (keep-alive pools), rate limiter shared by
 * all its streams and actions, breaker, retry policy, auth and error classifier, all as its
 * connector declares them, and the classifiers of streams that declare their own. With
 * `deps.sharedHttp` the rate budget and the breaker are the database's, shared by every daemon.
 * `secrets` are the connection's stored secret settings (an API key created through the admin
 * API): request templates and component options see them like config values, but they stay out
 * of `connection.config`.
 * @throws the coded error of a component that cannot be created (e.g. oauth2 without a token provider)
 * @example
 * const runtime = createConnectionRuntime(project, 'storq', { id: 'storq', tenant: 'default', config: {} }, deps);
 * await runtime.client.send({ method: 'GET', url: `${runtime.baseUrl}/stock` });
 */
export function createConnectionRuntime(
  project: Project,
  connectorName: string,
  connection: ConnectionInfo,
  deps: ConnectionRuntimeDeps,
  secrets: Readonly<Record<string, string>> = {},
): ConnectionRuntime {
  const connector = project.connector(connectorName);
  const log = deps.log.child({ connector: connectorName, connection: connection.id });
  const values = { ...(connector.vars ?? {}), ...connection.config, ...secrets };
  const tokens = deps.tokensFor?.(connectorName, connection);
  const scope = { log, signal: deps.signal, connection: { ...connection, config: { ...connection.config, ...secrets } }, tokens };
  const component = <S extends 'auth' | 'rateLimitAdapters' | 'errorClassifiers'>(registry: ComponentRegistry, slot: S, use: ComponentUse | undefined) =>
    use === undefined ? undefined : createComponent(registry, slot, fillPlaceholders(use, values), scope);
  const policies = httpPoliciesOf(connector);
  const adapter = component(project.registry, 'rateLimitAdapters', connector.rate_limit?.adapter);
  const shared = deps.sharedHttp;
  const key = { connector: connectorName, connectionId: connection.id };
  const client = createConnectionClient({
    name: `${connectorName}:${connection.id}`,
    // The client's own lines carry `connection` as `<connector>:<id>`; bind only the connector for them.
    log: deps.log.child({ connector: connectorName, component: 'http' }),
    ...(connector.headers === undefined ? {} : { defaultHeaders: fillHeaders(connector.headers, values) }),
    auth: component(project.registry, 'auth', connector.auth),
    adapter,
    classifier: component(project.registry, 'errorClassifiers', connector.error_classifier),
    metrics: deps.metrics,
    redact: deps.redact,
    // With an adapter, the limiter keeps in step with the budget the vendor reports (BudgetBucket);
    // with shared state, both the budget and the breaker live in the database for every daemon.
    rateLimiter: createRateLimiter(policies.rateLimit, adapter, shared && { store: shared.budgets, key, log }),
    retry: policies.retry,
    breaker: policies.breaker,
    sharedBreaker: shared && { store: shared.breakers, key },
    timeouts: policies.timeouts,
  });
  const streamClassifiers = new Map<string, ErrorClassifierRuntime>();
  for (const [stream, declared] of Object.entries(connector.streams ?? {})) {
    const classifier = component(project.registry, 'errorClassifiers', declared.error_classifier);
    if (classifier !== undefined) streamClassifiers.set(stream, classifier);
  }
  return { connector: connectorName, connection, client, templateValues: values, baseUrl: connector.base_url ?? '', log, streamClassifiers };
}

/** The connector's `headers:`, `{placeholders}` filled from the connection's values. */
function fillHeaders(headers: Readonly<Record<string, string>>, values: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, new TemplateString(value).render(values)]));
}
