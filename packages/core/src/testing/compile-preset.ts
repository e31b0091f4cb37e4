import { formatConfigIssue, parseConfigText, validateConfig, type ConnectdConfig } from '../config/index.js';
import type { ComponentRegistry, ConnectorPlugin } from '../connector/index.js';
import { CANONICAL_ENTITIES, createEntityCatalog } from '../mapping/index.js';
import { compileProject, createCoreRegistry, type CompiledProject } from '../project/index.js';
import { describeError, type FailureList } from './case-failures.js';
import { createTestContext } from './component-context.js';
import { loadInMemoryPlugin } from './in-memory-plugin.js';

/** `base_url` of the connector under test when neither the preset nor `connection` sets one; nothing is sent to it. */
export const DEFAULT_TEST_BASE_URL = 'https://vendor.invalid';

/** A preset as the daemon would run it: the validated config of its connector, the registry, the compiled project. */
export interface CompiledPreset {
  /** The connector's name in the config: the plugin's namespace. */
  readonly connector: string;
  readonly config: ConnectdConfig;
  readonly registry: ComponentRegistry;
  readonly compiled: CompiledProject;
}

/**
 * Loads the plugin through the loader's checks, validates `{ connectors: { <namespace>: { extends:
 * <preset>, ...connection } } }` with the real validator and compiles it; records every problem in
 * `failures` and returns undefined when there is one.
 */
export function compilePreset(plugin: ConnectorPlugin, presetId: string, connection: Readonly<Record<string, unknown>>, failures: FailureList): CompiledPreset | undefined {
  const load = loadInMemoryPlugin(plugin);
  if (!load.ok) {
    for (const problem of load.problems) failures.add('plugin', problem);
    return undefined;
  }
  const { meta } = load.loaded;
  const connector = meta.namespace;
  const id = presetId.includes('/') ? presetId : `${connector}/${presetId}`;
  const registry = createCoreRegistry([load.loaded]);
  const preset = registry.preset(id);
  if (preset === undefined) {
    failures.add('preset', `the plugin has no preset "${id}"; it has: ${registry.presetIds().join(', ') || '(none)'}`);
    return undefined;
  }
  const baseUrl = preset.config['base_url'] === undefined && connection['base_url'] === undefined ? { base_url: DEFAULT_TEST_BASE_URL } : {};
  const file = { version: 1, plugins: [meta.name], connectors: { [connector]: { extends: id, ...baseUrl, ...connection } } };
  const parsed = parseConfigText(JSON.stringify(file, null, 2), `${connector}.test.yaml`, {});
  const result = validateConfig(parsed, { catalog: registry, canonicalEntities: CANONICAL_ENTITIES.map((e) => e.name) });
  if (!result.ok) {
    for (const issue of result.issues) failures.add('config', formatConfigIssue(issue));
    return undefined;
  }
  try {
    const compiled = compileProject(result.config, registry, createEntityCatalog(), createTestContext().log);
    for (const issue of compiled.issues) failures.add('compile', `${issue.path.join('.')}: ${issue.code}: ${issue.message}`);
    return compiled.issues.length > 0 ? undefined : { connector, config: result.config, registry, compiled };
  } catch (err) {
    failures.add('compile', describeError(err));
    return undefined;
  }
}
