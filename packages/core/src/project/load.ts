import { dirname } from 'node:path';
import { CONFIG_INVALID, formatYamlPath, parseConfigFile, positionOf, validateConfig, type ConfigIssue, type ParsedConfig } from '../config/index.js';
import { coreVersion, loadPlugins, type LoadedPlugin } from '../connector/index.js';
import { isConnectdError, type ConnectdError } from '../errors/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { CANONICAL_ENTITIES, createEntityCatalog } from '../mapping/index.js';
import { compileProject, type CompileIssue } from './compile.js';
import { Project } from './project.js';
import { createCoreRegistry } from './registry.js';

/** Plugin load failures as config issues, each at its `plugins:` entry. */
function pluginIssues(parsed: ParsedConfig, err: unknown): ConfigIssue[] {
  const details = isConnectdError(err, 'CONNECTD_ERR_PLUGIN_LOAD_FAILED') ? err.details['errors'] : undefined;
  const failures: ConnectdError[] = Array.isArray(details) ? details.filter((e) => isConnectdError(e)) : isConnectdError(err) ? [err] : [];
  if (failures.length === 0) throw err;
  return failures.map((failure) => {
    const index = typeof failure.details['index'] === 'number' ? failure.details['index'] : 0;
    return issueAt(parsed, ['plugins', index], failure.code, failure.message);
  });
}

function issueAt(parsed: ParsedConfig, path: ReadonlyArray<string | number>, code: string, message: string): ConfigIssue {
  const { line, col } = positionOf(parsed, [...path]);
  return { code, file: parsed.file, line, col, path: formatYamlPath([...path]), message };
}

/**
 * Parses the config, loads the plugins it names, validates it against the schema and every
 * component's options schema, and compiles its streams, webhooks and actions. Throws
 * CONNECTD_ERR_CONFIG_INVALID with every issue at once.
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
  const registry = createCoreRegistry(plugins);
  const result = validateConfig(parsed, { catalog: registry, canonicalEntities: CANONICAL_ENTITIES.map((entity) => entity.name) });
  const issues = [...loadIssues, ...(result.ok ? [] : result.issues)];
  if (!result.ok || issues.length > 0) throw CONFIG_INVALID({ file: parsed.file, issues });
  const catalog = createEntityCatalog(result.config.entities);
  const compiled = compileProject(result.config, registry, catalog, options.log ?? createLogger({ level: 'silent' }));
  if (compiled.issues.length > 0) {
    throw CONFIG_INVALID({ file: parsed.file, issues: compiled.issues.map((issue: CompileIssue) => issueAt(parsed, issue.path, issue.code, issue.message)) });
  }
  return new Project({
    configPath,
    config: result.config,
    registry,
    plugins,
    idleConnectors: result.idleConnectors,
    secretValues: result.secretValues,
    catalog,
    streams: compiled.streams,
    webhooks: compiled.webhooks,
    actions: compiled.actions,
    flows: compiled.flows,
  });
}
