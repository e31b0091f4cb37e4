/**
 * Loads the plugins a config lists under `plugins:` (the order fastify-plugin's `registerPlugin`
 * checks in): resolve by package name, import, check the default export's shape, read name and
 * version from the package's package.json, check the engine range, compile component schemas,
 * then check namespaces across plugins. Every failure of every plugin is collected and thrown
 * once, as CONNECTD_ERR_PLUGIN_LOAD_FAILED.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import {
  INTERNAL,
  isConnectdError,
  PLUGIN_DUPLICATE_NAMESPACE,
  PLUGIN_ENGINE_MISMATCH,
  PLUGIN_INVALID_EXPORT,
  PLUGIN_LOAD_FAILED,
  PLUGIN_NOT_FOUND,
  PLUGIN_SCHEMA_INVALID,
  PLUGIN_SPEC_INVALID,
  type ConnectdError,
} from '../errors/index.js';
import { checkPluginShape } from './check-plugin-shape.js';
import { compileComponentSchemas } from './compile-schemas.js';
import type { ConnectorPlugin, LoadedPluginMeta } from './contract.js';
import { identifyPlugin } from './plugin-identity.js';
import { isPackageName, resolvePlugin } from './resolve-plugin.js';
import { pluginFailure } from './wrap-plugin-call.js';

/** A plugin that passed every load check. */
export interface LoadedPlugin {
  /** The entry under `plugins:` as written (a package name). */
  readonly spec: string;
  /** Its position in the `plugins:` list, for pointing at the YAML line. */
  readonly index: number;
  /** The file that was imported. */
  readonly entry: string;
  /** The plugin's meta with name and version from its package.json. */
  readonly meta: LoadedPluginMeta;
  readonly plugin: ConnectorPlugin;
}

export interface LoadPluginsOptions {
  /** Directory packages are resolved from: the config file's directory. */
  readonly resolveFrom: string;
  /** Version of the running @connectd/core, checked against each plugin's `meta.engine`; see {@link coreVersion}. */
  readonly coreVersion: string;
}

/** `candidate` is set once the export has a valid shape, even if a later check failed. */
interface Outcome {
  readonly candidate?: LoadedPlugin;
  readonly errors: readonly ConnectdError[];
}

/**
 * The version of this copy of @connectd/core, from its package.json (two levels up from both
 * `src/connector/` and `dist/connector/`).
 * @example
 * await loadPlugins(config.plugins, { resolveFrom: dirname(configPath), coreVersion: coreVersion() });
 */
export function coreVersion(): string {
  const manifest = createRequire(import.meta.url)('../../package.json') as { version?: unknown };
  if (typeof manifest.version !== 'string') throw INTERNAL({ message: '@connectd/core package.json has no version' });
  return manifest.version;
}

/**
 * Loads plugin packages by name, in list order. Resolves with one {@link LoadedPlugin} per spec, or
 * rejects with CONNECTD_ERR_PLUGIN_LOAD_FAILED whose `details.errors` lists every failure; each of
 * those carries `{ plugin, index }`.
 * @example
 * const plugins = await loadPlugins(['@connectd/connector-storq'], {
 *   resolveFrom: dirname(configPath),
 *   coreVersion: coreVersion(),
 * });
 * const registry = createComponentRegistry(builtins, plugins);
 */
export async function loadPlugins(specs: readonly string[], options: LoadPluginsOptions): Promise<LoadedPlugin[]> {
  // Imports are independent; loading them together keeps startup short with many plugins.
  const outcomes = await Promise.all(specs.map((spec, index) => loadOne(spec, index, options)));
  const errors = outcomes.flatMap((o) => o.errors);
  // Namespaces are compared over every well-formed plugin, so a clash is reported alongside,
  // say, an engine mismatch of one of the two, not only after it is fixed.
  const candidates = outcomes.flatMap((o) => (o.candidate === undefined ? [] : [o.candidate]));
  errors.push(...duplicateNamespaces(candidates));
  if (errors.length > 0) {
    errors.sort((a, b) => indexOf(a) - indexOf(b));
    throw PLUGIN_LOAD_FAILED({ errors });
  }
  return candidates;
}

async function loadOne(spec: string, index: number, options: LoadPluginsOptions): Promise<Outcome> {
  if (typeof spec !== 'string' || !isPackageName(spec)) {
    return { errors: [PLUGIN_SPEC_INVALID({ plugin: String(spec), index })] };
  }
  let entry: string;
  try {
    const resolution = resolvePlugin(spec, options.resolveFrom);
    if (!resolution.found) {
      const where = resolution.packageDir === undefined ? {} : { packageDir: resolution.packageDir };
      return { errors: [PLUGIN_NOT_FOUND({ plugin: spec, index, resolveFrom: options.resolveFrom, ...where })] };
    }
    entry = resolution.entry;
  } catch (err) {
    return { errors: [pluginFailure(spec, 'resolve', err, index)] };
  }

  let exported: unknown;
  try {
    exported = defaultExport(await import(pathToFileURL(entry).href));
  } catch (err) {
    return { errors: [pluginFailure(spec, 'import', err, index)] };
  }

  const problems = checkPluginShape(exported);
  if (problems.length > 0) return { errors: [PLUGIN_INVALID_EXPORT({ plugin: spec, index, problems })] };
  const plugin = exported as ConnectorPlugin;
  let meta: LoadedPluginMeta;
  try {
    meta = identifyPlugin(plugin.meta, { spec, index, entry });
  } catch (err) {
    return { errors: [isConnectdError(err) ? err : pluginFailure(spec, 'identify', err, index)] };
  }

  const errors: ConnectdError[] = [];
  if (!semver.satisfies(options.coreVersion, plugin.meta.engine, { includePrerelease: true })) {
    errors.push(PLUGIN_ENGINE_MISMATCH({ plugin: spec, index, engine: plugin.meta.engine, coreVersion: options.coreVersion }));
  }
  for (const problem of compileComponentSchemas(plugin)) {
    errors.push(PLUGIN_SCHEMA_INVALID({ plugin: spec, index, component: problem.component, reason: problem.reason }, { cause: problem.cause }));
  }
  return { candidate: { spec, index, entry, meta, plugin }, errors };
}

/**
 * The module's default export. A CommonJS plugin transpiled with `exports.default = ...` shows up
 * as `{ default: { __esModule, default } }` under `import()`; unwrap that one level.
 */
function defaultExport(module: Record<string, unknown>): unknown {
  const value = module['default'];
  if (typeof value === 'object' && value !== null && (value as { __esModule?: unknown }).__esModule === true) {
    return (value as { default?: unknown }).default;
  }
  return value;
}

function duplicateNamespaces(loaded: readonly LoadedPlugin[]): ConnectdError[] {
  const owners = new Map<string, LoadedPlugin>();
  const errors: ConnectdError[] = [];
  for (const current of loaded) {
    const owner = owners.get(current.meta.namespace);
    if (owner === undefined) {
      owners.set(current.meta.namespace, current);
      continue;
    }
    errors.push(
      PLUGIN_DUPLICATE_NAMESPACE({
        plugin: current.spec,
        index: current.index,
        namespace: current.meta.namespace,
        otherPlugin: owner.spec,
        otherIndex: owner.index,
      }),
    );
  }
  return errors;
}

function indexOf(err: ConnectdError): number {
  const index = err.details['index'];
  return typeof index === 'number' ? index : Number.MAX_SAFE_INTEGER;
}
