/**
 * A plugin's name and version come from its package.json, the file npm publishes them from, so a
 * release cannot log one version while shipping another. A plugin may still declare them in
 * `meta` (older plugins do): then they must agree with package.json, or the plugin does not load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { PLUGIN_META_MISMATCH, PLUGIN_PACKAGE_UNREADABLE } from '../errors/index.js';
import type { ConnectorMeta, ConnectorPlugin, LoadedPluginMeta } from './contract.js';
import type { LoadedPlugin } from './load-plugins.js';

/** Where a plugin was loaded from, as the loader's errors name it. */
export interface PluginSource {
  /** The entry under `plugins:` as written (a package name). */
  readonly spec: string;
  /** Its position in the `plugins:` list. */
  readonly index: number;
  /** The file that was imported. */
  readonly entry: string;
}

/** The identity package.json gives. */
export interface PackageIdentity {
  readonly name: string;
  readonly version: string;
  /** The package.json it was read from. */
  readonly manifest: string;
}

interface Manifest {
  readonly name?: unknown;
  readonly version?: unknown;
}

/**
 * The nearest package.json above `entry` that has a `name`. Nested package.json files without one
 * (`{ "type": "module" }` beside a dual package's ESM build) only set the module type, not the
 * package, so the walk goes on past them, as npm's own tools do.
 */
function nearestManifest(entry: string): { path: string; manifest: Manifest } | undefined {
  let dir = dirname(entry);
  for (;;) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
      if (typeof manifest === 'object' && manifest !== null && manifest.name !== undefined) return { path, manifest };
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Reads the name and version of the package that holds `source.entry`. Throws
 * CONNECTD_ERR_PLUGIN_PACKAGE_UNREADABLE when there is none, or it lacks a name or semver version.
 * @example
 * readPackageIdentity({ spec: 'connectd-connector-acme', index: 0, entry: '/srv/node_modules/connectd-connector-acme/dist/index.js' });
 * // { name: 'connectd-connector-acme', version: '1.2.0', manifest: '/srv/node_modules/connectd-connector-acme/package.json' }
 */
export function readPackageIdentity(source: PluginSource): PackageIdentity {
  const unreadable = (reason: string, cause?: unknown) =>
    PLUGIN_PACKAGE_UNREADABLE({ plugin: source.spec, index: source.index, entry: source.entry, reason }, cause === undefined ? {} : { cause });
  let found: ReturnType<typeof nearestManifest>;
  try {
    found = nearestManifest(source.entry);
  } catch (err) {
    throw unreadable(`package.json could not be read (${err instanceof Error ? err.message : String(err)})`, err);
  }
  if (found === undefined) throw unreadable('no package.json with a "name" was found');
  const { name, version } = found.manifest;
  if (typeof name !== 'string' || name.length === 0) throw unreadable(`${found.path} has no "name" string`);
  if (typeof version !== 'string' || semver.valid(version) === null) throw unreadable(`${found.path} has no semver "version"`);
  return { name, version, manifest: found.path };
}

/**
 * The plugin's meta with name and version from its package.json. Throws
 * CONNECTD_ERR_PLUGIN_META_MISMATCH when `meta` declares either and it differs.
 * @example
 * const meta = identifyPlugin(plugin.meta, { spec, index, entry }); // meta.name, meta.version set
 */
export function identifyPlugin(meta: ConnectorMeta, source: PluginSource, identity = readPackageIdentity(source)): LoadedPluginMeta {
  for (const field of ['name', 'version'] as const) {
    const declared = meta[field];
    if (declared !== undefined && declared !== identity[field]) {
      throw PLUGIN_META_MISMATCH({
        plugin: source.spec,
        index: source.index,
        field,
        declared,
        packageValue: identity[field],
        manifest: identity.manifest,
      });
    }
  }
  return { ...meta, name: identity.name, version: identity.version };
}

/**
 * The record the loader keeps of a plugin whose shape was checked: its meta completed from
 * package.json. `spec` defaults to the package name. Tests that build plugin records from an
 * imported plugin use it too, so their records carry the same identity as loaded ones.
 * @example
 * import storq from '@connectd/connector-storq';
 * const loaded = recordPlugin(storq, { entry: require.resolve('@connectd/connector-storq') });
 * createComponentRegistry(builtins, [loaded]);
 */
export function recordPlugin(
  plugin: ConnectorPlugin,
  where: { readonly entry: string; readonly index?: number; readonly spec?: string },
): LoadedPlugin {
  const index = where.index ?? 0;
  const identity = readPackageIdentity({ spec: where.spec ?? where.entry, index, entry: where.entry });
  const spec = where.spec ?? identity.name;
  const meta = identifyPlugin(plugin.meta, { spec, index, entry: where.entry }, identity);
  return { spec, index, entry: where.entry, meta, plugin };
}
