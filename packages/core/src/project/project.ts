import type { CompiledAction } from '../actions/index.js';
import { oauth2Auth, type OAuth2Options } from '../auth/index.js';
import type { ConnectdConfig, ConnectorConfig, IdleConnector } from '../config/index.js';
import { optionsOf, type ComponentRegistry, type ConnectionInfo, type LoadedPlugin } from '../connector/index.js';
import { ACTION_NOT_FOUND, CONNECTION_UNAVAILABLE, PROJECT_UNKNOWN_CONNECTOR, SYNC_UNKNOWN_STREAM, didYouMean } from '../errors/index.js';
import type { CompiledFlow } from '../flows/index.js';
import type { EntityCatalog } from '../mapping/index.js';
import type { CompiledStream } from '../sync/index.js';
import { hmacVerifier, type CompiledWebhooks } from '../webhooks/index.js';

/** The tenant of a connection a connector declares implicitly (no `connections:` list). */
export const DEFAULT_TENANT = 'default';

/** A connector as `validate` and `status` describe it. It holds no secret by construction. */
export interface ConnectorSummary {
  readonly name: string;
  readonly state: 'active' | 'idle';
  /** Names of missing env variables (never values). */
  readonly missing: readonly string[];
  /** The auth type, or `none`. */
  readonly auth: string;
  readonly streams: readonly string[];
  readonly webhookEvents: readonly string[];
  readonly actions: readonly string[];
  /** Webhooks are declared but no signing secret is set: every delivery gets 401. */
  readonly webhooksFailClosed: boolean;
}

/** Everything a project is made of; `loadProject` compiles it once. */
export interface ProjectParts {
  readonly configPath: string;
  readonly config: ConnectdConfig;
  readonly registry: ComponentRegistry;
  readonly plugins: readonly LoadedPlugin[];
  readonly idleConnectors: readonly IdleConnector[];
  readonly secretValues: readonly string[];
  readonly catalog: EntityCatalog;
  readonly streams: ReadonlyMap<string, ReadonlyMap<string, CompiledStream>>;
  readonly webhooks: ReadonlyMap<string, CompiledWebhooks>;
  readonly actions: ReadonlyMap<string, ReadonlyMap<string, CompiledAction>>;
  /** The flows of `flows:`, compiled (empty when the config declares none). */
  readonly flows?: readonly CompiledFlow[] | undefined;
}

/**
 * A loaded, validated configuration with its plugins and everything compiled from it: what every
 * command starts from, and the one place that answers questions about connectors (which run,
 * which need consent, what a name refers to). Callers never reach into `config.connectors`.
 * @example
 * const project = await loadProject('connectors.yaml', process.env);
 * for (const name of project.activeConnectors()) project.declaredConnections(name);
 */
export class Project {
  readonly configPath: string;
  readonly config: ConnectdConfig;
  readonly registry: ComponentRegistry;
  readonly plugins: readonly LoadedPlugin[];
  /** Values from the config that must never be printed; fed to the logger's scrubber. */
  readonly secretValues: readonly string[];
  /** Canonical entities plus the custom ones declared under `entities:`. */
  readonly catalog: EntityCatalog;
  readonly #parts: ProjectParts;
  readonly #idle: ReadonlyMap<string, IdleConnector>;

  constructor(parts: ProjectParts) {
    this.#parts = parts;
    this.configPath = parts.configPath;
    this.config = parts.config;
    this.registry = parts.registry;
    this.plugins = parts.plugins;
    this.secretValues = parts.secretValues;
    this.catalog = parts.catalog;
    this.#idle = new Map(parts.idleConnectors.map((c) => [c.connector, c]));
  }

  /** Every connector the config declares, idle ones included, in file order. */
  connectorNames(): readonly string[] {
    return Object.keys(this.config.connectors);
  }

  /** Connectors that run: declared and not idle for missing variables. */
  activeConnectors(): readonly string[] {
    return this.connectorNames().filter((name) => !this.#idle.has(name));
  }

  /** Optional connectors that stay idle because variables they use are missing. */
  idleConnectors(): readonly IdleConnector[] {
    return this.#parts.idleConnectors;
  }

  isActive(name: string): boolean {
    return Object.hasOwn(this.config.connectors, name) && !this.#idle.has(name);
  }

  /** The missing variable names of an idle connector; empty for an active one. */
  missingVariables(name: string): readonly string[] {
    return [...new Set((this.#idle.get(name)?.missing ?? []).map((m) => m.variable))];
  }

  /**
   * A connector's validated config.
   * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR (exit 2, 404) naming the known ones
   */
  connector(name: string): ConnectorConfig {
    const found = Object.hasOwn(this.config.connectors, name) ? this.config.connectors[name] : undefined;
    if (found === undefined) throw PROJECT_UNKNOWN_CONNECTOR({ connector: name, known: this.connectorNames().join(', ') || 'none' });
    return found;
  }

  /**
   * A connector that runs; an idle one is refused with CONNECTD_ERR_CONNECTION_UNAVAILABLE naming
   * its missing variables.
   * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR, CONNECTD_ERR_CONNECTION_UNAVAILABLE
   */
  activeConnector(name: string, connectionId?: string): ConnectorConfig {
    const connector = this.connector(name);
    if (this.#idle.has(name)) {
      const reason = `its environment variables are not set (${this.missingVariables(name).join(', ')})`;
      throw CONNECTION_UNAVAILABLE({ connector: name, connection: connectionId ?? '', reason });
    }
    return connector;
  }

  /**
   * The OAuth 2.0 options of an active connector whose auth is `oauth2`. (An idle connector's
   * options lack the values of its missing variables: it has none to offer.)
   */
  oauth2(name: string): OAuth2Options | undefined {
    const auth = this.connector(name).auth;
    return auth?.type === oauth2Auth.meta.type && this.isActive(name) ? optionsOf(oauth2Auth, auth) : undefined;
  }

  /** Its connections come from a tenant's consent at the vendor (an OAuth code grant), not from YAML. */
  needsConsent(name: string): boolean {
    const auth = this.connector(name).auth;
    return auth?.type === oauth2Auth.meta.type && auth['grant'] !== 'client_credentials';
  }

  /**
   * Connections the config declares for a connector: its `connections:` list, or one implicit
   * connection named after it. An empty list declares none; a consent-based connector declares none.
   */
  declaredConnections(name: string): readonly ConnectionInfo[] {
    const connector = this.connector(name);
    if (connector.connections !== undefined) {
      return connector.connections.map((c) => ({ id: c.id, tenant: c.tenant, config: { ...(c.config ?? {}) } }));
    }
    // A client-credentials connector is one server-to-server account, like an API key.
    if (this.needsConsent(name)) return [];
    return [{ id: name, tenant: DEFAULT_TENANT, config: {} }];
  }

  /** The declared connections of every active connector. */
  activeDeclaredConnections(): ReadonlyArray<{ readonly connector: string; readonly connection: ConnectionInfo }> {
    return this.activeConnectors().flatMap((connector) => this.declaredConnections(connector).map((connection) => ({ connector, connection })));
  }

  /** A connector's compiled streams, by name (empty for an unknown connector). */
  streams(connector: string): ReadonlyMap<string, CompiledStream> {
    return this.#parts.streams.get(connector) ?? new Map();
  }

  /**
   * The streams a sync of `connector` runs: `stream`, or all of them.
   * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR, CONNECTD_ERR_SYNC_UNKNOWN_STREAM (exit 2)
   */
  syncTargets(connector: string, stream?: string): readonly CompiledStream[] {
    this.connector(connector);
    const streams = this.streams(connector);
    if (stream === undefined) return [...streams.values()];
    const found = streams.get(stream);
    if (found === undefined) throw SYNC_UNKNOWN_STREAM({ connector, stream, known: [...streams.keys()].join(', ') || 'none' });
    return [found];
  }

  /**
   * A declared action, compiled.
   * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR, CONNECTD_ERR_ACTION_NOT_FOUND (exit 2, 404)
   */
  action(connector: string, name: string): CompiledAction {
    this.connector(connector);
    const actions = this.#parts.actions.get(connector) ?? new Map<string, CompiledAction>();
    const action = actions.get(name);
    if (action === undefined) throw ACTION_NOT_FOUND({ connector, action: name, known: [...actions.keys()], suggestion: didYouMean(name, [...actions.keys()]) });
    return action;
  }

  /** Every flow of `flows:`, compiled, in file order. */
  flows(): readonly CompiledFlow[] {
    return this.#parts.flows ?? [];
  }

  /** The flows that run: those whose target connector is active (an idle target leaves its flow idle). */
  activeFlows(): readonly CompiledFlow[] {
    return this.flows().filter((flow) => this.isActive(flow.target.connector));
  }

  /** Compiled webhook processing of the active connectors that declare webhooks, by connector. */
  activeWebhooks(): ReadonlyMap<string, CompiledWebhooks> {
    return new Map([...this.#parts.webhooks].filter(([name]) => this.isActive(name)));
  }

  /** Compiled webhook processing of a connector, whether or not it is active (replays of old letters). */
  webhooks(connector: string): CompiledWebhooks | undefined {
    return this.#parts.webhooks.get(connector);
  }

  /** Each connector as `validate` and `status` show it. */
  summaries(): readonly ConnectorSummary[] {
    return this.connectorNames().map((name) => {
      const connector = this.connector(name);
      const verify = connector.webhooks?.verify;
      const hmac = verify?.type === hmacVerifier.meta.type && this.isActive(name) ? optionsOf(hmacVerifier, verify) : undefined;
      return {
        name,
        state: this.isActive(name) ? 'active' : 'idle',
        missing: this.missingVariables(name),
        auth: connector.auth?.type ?? 'none',
        streams: Object.keys(connector.streams ?? {}),
        webhookEvents: Object.keys(connector.webhooks?.events ?? {}),
        actions: Object.keys(connector.actions ?? {}),
        // The intake fails closed without a secret; say so before the first delivery does.
        webhooksFailClosed: hmac !== undefined && [hmac.secret, ...(hmac.secrets ?? [])].every((secret) => secret === undefined || secret === ''),
      };
    });
  }
}
