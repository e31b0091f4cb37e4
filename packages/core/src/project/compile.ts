import { compileAction, type CompiledAction } from '../actions/index.js';
import type { ConnectdConfig } from '../config/index.js';
import { createComponent, type ComponentRegistry } from '../connector/index.js';
import { isConnectdError, type ConnectdError } from '../errors/index.js';
import { compileFlows, type CompiledFlow } from '../flows/index.js';
import type { Logger } from '../log/index.js';
import type { EntityCatalog } from '../mapping/index.js';
import { compileStream, type CompiledStream } from '../sync/index.js';
import { compileWebhooks, type CompiledWebhooks } from '../webhooks/index.js';

/** A load-time compile problem (mapping, records path, action definition, key path) at its YAML path. */
export interface CompileIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly code: string;
  readonly message: string;
}

/** Everything compiled from a validated config, and what did not compile. */
export interface CompiledProject {
  readonly streams: Map<string, Map<string, CompiledStream>>;
  readonly webhooks: Map<string, CompiledWebhooks>;
  readonly actions: Map<string, Map<string, CompiledAction>>;
  readonly flows: readonly CompiledFlow[];
  readonly issues: readonly CompileIssue[];
}

/**
 * Compiles every stream, webhook event, action and flow of the config once, at load: nothing is parsed
 * per run, page or event. Problems are collected with their YAML path, so `validate` reports
 * them all at once.
 * @example
 * const { streams, webhooks, actions, issues } = compileProject(config, registry, catalog, log);
 */
export function compileProject(config: ConnectdConfig, registry: ComponentRegistry, catalog: EntityCatalog, log: Logger): CompiledProject {
  const streams = compileStreams(config, registry, catalog, log);
  const webhooks = compileWebhooks(
    Object.fromEntries(Object.entries(config.connectors).map(([name, connector]) => [name, connector.webhooks])),
    { catalog, functions: registry.functions(), baseUrls: Object.fromEntries(Object.entries(config.connectors).map(([name, connector]) => [name, connector.base_url])) },
  );
  const actions = compileActions(config, registry);
  const flows = compileFlows(config.flows, { functions: registry.functions() });
  const issues: CompileIssue[] = [
    ...[...streams.issues, ...webhooks.issues].map((issue) => ({ path: issue.path, code: issue.error.code, message: issue.error.message })),
    ...actions.issues,
    ...flows.issues,
  ];
  return { streams: streams.streams, webhooks: webhooks.connectors, actions: actions.actions, flows: flows.flows, issues };
}

/** Compiles every action; each problem of a definition becomes an issue at its own key. */
function compileActions(config: ConnectdConfig, registry: ComponentRegistry): { actions: Map<string, Map<string, CompiledAction>>; issues: CompileIssue[] } {
  const actions = new Map<string, Map<string, CompiledAction>>();
  const issues: CompileIssue[] = [];
  for (const [connectorName, connector] of Object.entries(config.connectors)) {
    const compiled = new Map<string, CompiledAction>();
    for (const [actionName, declaration] of Object.entries(connector.actions ?? {})) {
      try {
        compiled.set(actionName, compileAction(connectorName, actionName, declaration, { functions: registry.functions() }));
      } catch (err) {
        if (!isConnectdError(err)) throw err;
        const at = ['connectors', connectorName, 'actions', actionName];
        // A definition error lists each problem with its path inside the action: report each at its key.
        const found = err.details['issues'];
        if (!Array.isArray(found) || found.length === 0) issues.push({ path: at, code: err.code, message: err.message });
        else for (const issue of found as CompileIssue[]) issues.push({ path: [...at, ...issue.path], code: issue.code, message: issue.message });
      }
    }
    actions.set(connectorName, compiled);
  }
  return { actions, issues };
}

/**
 * Where below a stream a compile error belongs, read from the label it carries
 * (`storq.streams.stock.map`, `square.streams.orders.outputs.1.records`); an unknown entity has no label.
 */
function issueKey(err: ConnectdError, streamLabel: string): Array<string | number> {
  const label = err.details['label'];
  if (typeof label !== 'string' || !label.startsWith(`${streamLabel}.`)) return ['entity'];
  return label
    .slice(streamLabel.length + 1)
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Compiles every stream of every connector; mapping and records-path errors become issues. */
function compileStreams(
  config: ConnectdConfig,
  registry: ComponentRegistry,
  catalog: EntityCatalog,
  log: Logger,
): { streams: Map<string, Map<string, CompiledStream>>; issues: Array<{ path: Array<string | number>; error: ConnectdError }> } {
  const streams = new Map<string, Map<string, CompiledStream>>();
  const issues: Array<{ path: Array<string | number>; error: ConnectdError }> = [];
  // Paginators are created per run and hold no connection: they outlive no shutdown.
  const signal = new AbortController().signal;
  for (const [connectorName, connector] of Object.entries(config.connectors)) {
    const compiled = new Map<string, CompiledStream>();
    for (const [streamName, declaration] of Object.entries(connector.streams ?? {})) {
      try {
        compiled.set(
          streamName,
          compileStream({
            connector: connectorName,
            name: streamName,
            baseUrl: connector.base_url ?? '',
            declaration,
            defaultPagination: connector.pagination,
            catalog,
            functions: registry.functions(),
            paginators: (use) => createComponent(registry, 'paginators', use, { log: log.child({ connector: connectorName, stream: streamName }), signal }),
          }),
        );
      } catch (err) {
        if (!isConnectdError(err)) throw err;
        issues.push({ path: ['connectors', connectorName, 'streams', streamName, ...issueKey(err, `${connectorName}.streams.${streamName}`)], error: err });
      }
    }
    streams.set(connectorName, compiled);
  }
  return { streams, issues };
}
