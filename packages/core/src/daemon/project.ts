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
import { BUILTIN_PAGINATORS } from '../pagination/index.js';

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
export async function loadProject(configPath: string, env: Readonly<Record<string, string | undefined>>): Promise<Project> {
  const parsed = await parseConfigFile(configPath, env);
  let plugins: LoadedPlugin[] = [];
  let loadIssues: ConfigIssue[] = [];
  try {
    plugins = await loadPlugins(parsed.plugins, { resolveFrom: dirname(configPath), coreVersion: coreVersion() });
  } catch (err) {
    loadIssues = pluginIssues(parsed, err);
  }
  const registry = createComponentRegistry({ auth: BUILTIN_AUTH, paginators: BUILTIN_PAGINATORS }, plugins);
  const result = validateConfig(parsed, withBuiltinIds(registry));
  const issues = [...loadIssues, ...(result.ok ? [] : result.issues)];
  if (!result.ok || issues.length > 0) throw CONFIG_INVALID({ file: parsed.file, issues });
  return {
    configPath,
    config: result.config,
    registry,
    plugins,
    idleConnectors: result.idleConnectors,
    secretValues: result.secretValues,
  };
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
    return `${name.padEnd(width)}  active  ${parts.join(', ')}`;
  });
  const pluginLine = `plugins: ${project.plugins.map((p) => `${p.meta.name}@${p.meta.version}`).join(', ') || 'none'}`;
  return [...lines, pluginLine];
}
