import { checkPluginShape, compileComponentSchemas, type ConnectorMeta, type ConnectorPlugin, type LoadedPlugin, type LoadedPluginMeta } from '../connector/index.js';

/** `meta.name` of a plugin under test that has none (the loader reads it from package.json, which an imported object lacks). */
export const IN_MEMORY_PLUGIN_NAME = 'in-memory-plugin';
/** `meta.version` of a plugin under test that has none. */
export const IN_MEMORY_PLUGIN_VERSION = '0.0.0';

/** A plugin object as the loader would record it, or what the loader would refuse in it. */
export type InMemoryLoad = { readonly ok: true; readonly loaded: LoadedPlugin } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Puts a plugin's default export (already imported, not resolved by package name) through the
 * loader's checks (the export's shape, every component schema compiled strictly) and makes the
 * record the loader makes, so a test validates and compiles configs with it as the daemon would.
 * A missing `meta.name`/`meta.version` gets a placeholder, as nothing here has a package.json to
 * read them from.
 * @example
 * const load = loadInMemoryPlugin(plugin);
 * if (load.ok) validationContext({ plugins: [load.loaded] });
 */
export function loadInMemoryPlugin(plugin: ConnectorPlugin): InMemoryLoad {
  const given = (plugin as { meta?: Partial<ConnectorMeta> }).meta;
  const meta = typeof given === 'object' && given !== null ? { name: IN_MEMORY_PLUGIN_NAME, version: IN_MEMORY_PLUGIN_VERSION, ...given } : given;
  const problems = checkPluginShape({ ...plugin, meta });
  if (problems.length === 0) problems.push(...compileComponentSchemas(plugin).map((p) => `${p.component}: the options schema does not compile: ${p.reason}`));
  if (problems.length > 0) return { ok: false, problems };
  const loadedMeta = meta as LoadedPluginMeta;
  return { ok: true, loaded: { spec: loadedMeta.name, index: 0, entry: '(in memory)', meta: loadedMeta, plugin } };
}
