import { compileAction, type CompiledAction } from '../actions/index.js';
import { dirname } from 'node:path';
import {
  BUILTIN_COMPONENT_IDS,
  CONFIG_INVALID,
  formatYamlPath,
  parseConfigFile,
  positionOf,
  validateConfig,
  type ConfigIssue,
  type ConnectdConfig,
  type IdleConnector,
  type ParsedConfig,
} from '../config/index.js';
import {
  COMPONENT_SLOTS,
  createComponentRegistry,
  coreVersion,
  loadPlugins,
  type ComponentCatalog,
  type ComponentRegistry,
  type LoadedPlugin,
} from '../connector/index.js';
import { isConnectdError, type ConnectdError } from '../errors/index.js';
import { BUILTIN_AUTH } from '../auth/index.js';
import { createEntityCatalog, tableNameOf, type EntityCatalog } from '../mapping/index.js';
import { compileStream, type CompiledStream, type StreamDeclaration } from '../sync/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { createComponent } from './components.js';
import { BUILTIN_PAGINATORS } from '../pagination/index.js';
import { BUILTIN_WEBHOOK_VERIFIERS, compileWebhooks, type CompiledWebhooks, type WebhookDeclaration } from '../webhooks/index.js';

/** A loaded, validated configuration with its plugins: what every command starts from. */
export interface Project {
  readonly configPath: string;
  readonly config: ConnectdConfig;
  readonly registry: ComponentRegistry;
  readonly plugins: readonly LoadedPlugin[];
  /** Optional connectors whose env variables are missing: reported, not run. */
  readonly idleConnectors: readonly IdleConnector[];
  /** Values from the config that must never be printed; fed to the logger's scrubber. */
  readonly secretValues: readonly string[];
  /** Canonical entities plus the custom ones declared under `entities:`. */
  readonly catalog: EntityCatalog;
  /** Custom entity name → its table in schema `connectd`. */
  readonly customTables: Readonly<Record<string, string>>;
  /** Every declared stream, compiled once: connector → stream → compiled stream. */
  readonly streams: ReadonlyMap<string, ReadonlyMap<string, CompiledStream>>;
  /** Every connector's webhook events, compiled once: connector → compiled mappings and keys. */
  readonly webhooks: ReadonlyMap<string, CompiledWebhooks>;
  /** Compiled actions by connector and name. */
  readonly actions: ReadonlyMap<string, ReadonlyMap<string, CompiledAction>>;
}

/**
 * Core's built-in component ids, known to the validator by id; their options are checked by the
 * shipped JSON Schema. Slots the schema does not cover get a permissive schema here.
 */
function withBuiltinIds(registry: ComponentRegistry): ComponentCatalog {
  const builtin = (slot: (typeof COMPONENT_SLOTS)[number]): readonly string[] => BUILTIN_COMPONENT_IDS[slot] ?? [];
  return {
    ids: (slot) => [...builtin(slot), ...registry.ids(slot).filter((id) => !builtin(slot).includes(id))],
    schemaOf: (slot, id) => registry.schemaOf(slot, id) ?? (builtin(slot).includes(id) ? {} : undefined),
    preset: (id) => registry.preset(id),
    presetIds: () => registry.presetIds(),
  };
}

function pluginIssues(parsed: ParsedConfig, err: unknown): ConfigIssue[] {
  const failures: ConnectdError[] = isConnectdError(err, 'CONNECTD_ERR_PLUGIN_LOAD_FAILED')
    ? ((err.details.errors ?? []) as ConnectdError[])
    : isConnectdError(err)
      ? [err]
      : [];
  if (failures.length === 0) throw err;
  return failures.map((failure) => {
    const index = typeof failure.details.index === 'number' ? failure.details.index : 0;
    const { line, col } = positionOf(parsed, ['plugins', index]);
    return { code: failure.code, file: parsed.file, line, col, path: formatYamlPath(['plugins', index]), message: failure.message };
  });
}

/**
 * Parses the config, loads the plugins it names, and validates it against the schema and the
 * plugins' component schemas. Throws CONNECTD_ERR_CONFIG_INVALID with every issue at once.
 * @example
 * const project = await loadProject('/srv/connectors.yaml', process.env);
 */
export async function loadProject(
  configPath: string,
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly log?: Logger } = {},
): Promise<Project> {
  const parsed = await parseConfigFile(configPath, env);
  let plugins: LoadedPlugin[] = [];
  let loadIssues: ConfigIssue[] = [];
  try {
    plugins = await loadPlugins(parsed.plugins, { resolveFrom: dirname(configPath), coreVersion: coreVersion() });
  } catch (err) {
    loadIssues = pluginIssues(parsed, err);
  }
  const registry = createComponentRegistry({ auth: BUILTIN_AUTH, paginators: BUILTIN_PAGINATORS, webhookVerifiers: BUILTIN_WEBHOOK_VERIFIERS }, plugins);
  const result = validateConfig(parsed, withBuiltinIds(registry));
  const issues = [...loadIssues, ...(result.ok ? [] : result.issues)];
  if (!result.ok || issues.length > 0) throw CONFIG_INVALID({ file: parsed.file, issues });
  const catalog = createEntityCatalog(result.config.entities ?? {});
  const compiled = compileStreams(result.config, registry, catalog, options.log ?? createLogger({ level: 'silent' }));
  const declarations = Object.fromEntries(
    Object.entries(result.config.connectors).flatMap(([name, c]) => (c.webhooks === undefined ? [] : [[name, c.webhooks as WebhookDeclaration]])),
  );
  const webhooks = compileWebhooks(declarations, { catalog, functions: registry.functions() });
  const actions = compileActions(result.config, registry);
  const compileIssues: CompileIssue[] = [
    ...[...compiled.issues, ...webhooks.issues].map((i) => ({ path: [...i.path], code: i.error.code, message: i.error.message })),
    ...actions.issues,
  ];
  if (compileIssues.length > 0) {
    throw CONFIG_INVALID({
      file: parsed.file,
      issues: compileIssues.map((issue) => {
        const { line, col } = positionOf(parsed, issue.path);
        return { code: issue.code, file: parsed.file, line, col, path: formatYamlPath(issue.path), message: issue.message };
      }),
    });
  }
  return {
    configPath,
    config: result.config,
    registry,
    plugins,
    idleConnectors: result.idleConnectors,
    secretValues: result.secretValues,
    catalog,
    customTables: Object.fromEntries(Object.keys(result.config.entities ?? {}).map((name) => [name, tableNameOf(name)])),
    streams: compiled.streams,
    webhooks: webhooks.connectors,
    actions: actions.actions,
  };
}

/** A load-time compile problem (mapping, records path, action definition) at its YAML path. */
interface CompileIssue {
  readonly path: Array<string | number>;
  readonly code: string;
  readonly message: string;
}

/** Compiles every action; each problem of a definition becomes a config issue at its own key. */
function compileActions(
  config: ConnectdConfig,
  registry: ComponentRegistry,
): { actions: Map<string, Map<string, CompiledAction>>; issues: CompileIssue[] } {
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
        const found = (err.details as { issues?: ReadonlyArray<{ path: ReadonlyArray<string | number>; code: string; message: string }> }).issues;
        if (found === undefined || found.length === 0) issues.push({ path: at, code: err.code, message: err.message });
        else for (const issue of found) issues.push({ path: [...at, ...issue.path], code: issue.code, message: issue.message });
      }
    }
    actions.set(connectorName, compiled);
  }
  return { actions, issues };
}

/** Compiles every stream of every connector; mapping and records-path errors become config issues. */
function compileStreams(
  config: ConnectdConfig,
  registry: ComponentRegistry,
  catalog: EntityCatalog,
  log: Logger,
): { streams: Map<string, Map<string, CompiledStream>>; issues: Array<{ path: Array<string | number>; error: ConnectdError }> } {
  const streams = new Map<string, Map<string, CompiledStream>>();
  const issues: Array<{ path: Array<string | number>; error: ConnectdError }> = [];
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
            declaration: declaration as unknown as StreamDeclaration,
            defaultPagination: connector.pagination as StreamDeclaration['pagination'],
            catalog,
            functions: registry.functions(),
            paginators: (type, options) =>
              createComponent(registry, 'paginators', { type, ...options }, { log: log.child({ connector: connectorName, stream: streamName }), signal, values: {} }),
          }),
        );
      } catch (err) {
        if (!isConnectdError(err)) throw err;
        const field = String(err.details.label ?? '').endsWith('.records') ? 'records' : 'map';
        issues.push({ path: ['connectors', connectorName, 'streams', streamName, field], error: err });
      }
    }
    streams.set(connectorName, compiled);
  }
  return { streams, issues };
}

/** One line per connector for `connectd validate`: its state and what it declares. */
export function describeConnectors(project: Project): string[] {
  const idle = new Map(project.idleConnectors.map((c) => [c.connector, c]));
  const names = Object.keys(project.config.connectors ?? {});
  const width = Math.max(0, ...names.map((n) => n.length));
  const lines = names.map((name) => {
    const connector = project.config.connectors[name]!;
    const idleInfo = idle.get(name);
    if (idleInfo !== undefined) {
      const variables = [...new Set(idleInfo.missing.map((m) => m.variable))].join(', ');
      return `${name.padEnd(width)}  idle    missing ${variables}`;
    }
    const parts = [
      `auth ${connector.auth?.type ?? 'none'}`,
      `${Object.keys(connector.streams ?? {}).length} streams`,
      `${Object.keys(connector.webhooks?.events ?? {}).length} webhook events`,
      `${Object.keys(connector.actions ?? {}).length} actions`,
    ];
    const verify = connector.webhooks?.verify as { type?: string; secret?: string; secrets?: readonly string[] } | undefined;
    const secrets = [verify?.secret, ...(verify?.secrets ?? [])].filter((v) => typeof v === 'string' && v !== '');
    // The intake fails closed without a secret: every delivery gets 401. Say so here, not only at run time.
    const closed = verify?.type === 'hmac' && secrets.length === 0 ? '; webhooks fail closed: no signing secret is set (every delivery gets 401)' : '';
    return `${name.padEnd(width)}  active  ${parts.join(', ')}${closed}`;
  });
  const pluginLine = `plugins: ${project.plugins.map((p) => `${p.meta.name}@${p.meta.version}`).join(', ') || 'none'}`;
  return [...lines, pluginLine];
}
