/**
 * Finds a plugin package's entry file by name, with Node's resolution as if `require`d from a file
 * in the config's directory. Only package names are accepted: a path in `plugins:` would let a
 * config file load arbitrary code from anywhere (the reason Airbyte gates `class_name` imports).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';

/** npm package names: optional `@scope/`, lower case, no leading dot or underscore, no subpath. */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
/** npm's limit on the length of a package name. */
const PACKAGE_NAME_MAX_CHARS = 214;

/** Export conditions tried, in order, when the package has no entry for `require` (ESM-only packages). */
const IMPORT_CONDITIONS: readonly string[] = ['node', 'import', 'default'];

/**
 * True when `spec` is a bare npm package name (not a path, URL, subpath or Node builtin).
 * @example
 * isPackageName('@connectd/connector-storq'); // true
 * isPackageName('./my-plugin'); // false
 */
export function isPackageName(spec: string): boolean {
  return spec.length <= PACKAGE_NAME_MAX_CHARS && PACKAGE_NAME.test(spec) && !isBuiltin(spec);
}

/** Where a package name led: its entry file, or why there is none. */
export type PluginResolution =
  | { readonly found: true; readonly entry: string }
  /** `packageDir` is set when the package is installed but its entry file is missing (not built?). */
  | { readonly found: false; readonly packageDir?: string };

interface NodeError {
  readonly code?: unknown;
}

/**
 * Resolves a package name to its entry file. Throws only for errors other than "not there"
 * (e.g. a malformed package.json), which the caller reports with the error as cause.
 * @example
 * const r = resolvePlugin('@connectd/connector-storq', '/srv/connectd');
 * if (r.found) await import(pathToFileURL(r.entry).href);
 */
export function resolvePlugin(name: string, resolveFrom: string): PluginResolution {
  const require = createRequire(join(resolve(resolveFrom), 'noop.js'));
  try {
    return { found: true, entry: require.resolve(name) };
  } catch (err) {
    const code = (err as NodeError).code;
    const packageDir = findPackageDir(require, name);
    if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' && packageDir !== undefined) {
      const entry = importEntry(packageDir);
      return entry === undefined ? { found: false, packageDir } : { found: true, entry };
    }
    if (code === 'MODULE_NOT_FOUND') return packageDir === undefined ? { found: false } : { found: false, packageDir };
    throw err;
  }
}

function findPackageDir(require: NodeJS.Require, name: string): string | undefined {
  for (const dir of require.resolve.paths(name) ?? []) {
    const candidate = join(dir, name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  return undefined;
}

/**
 * `require.resolve` ignores the `import` condition, so an ESM-only package (`exports: { import }`)
 * looks unexported to it. Read its root export the way `import` would; only the `"."` entry
 * matters, since plugins are loaded by bare name.
 */
function importEntry(packageDir: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports?: unknown };
  const exportsField = manifest.exports;
  const isSubpathMap =
    typeof exportsField === 'object' && exportsField !== null && !Array.isArray(exportsField) && '.' in exportsField;
  const target = pickTarget(isSubpathMap ? (exportsField as Record<string, unknown>)['.'] : exportsField);
  if (target === undefined || !target.startsWith('./')) return undefined;
  const entry = join(packageDir, target);
  return existsSync(entry) ? entry : undefined;
}

function pickTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const picked = pickTarget(item);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }
  if (typeof target !== 'object' || target === null) return undefined;
  // Conditions are matched in the package's key order, as Node does.
  for (const [condition, value] of Object.entries(target)) {
    if (!IMPORT_CONDITIONS.includes(condition)) continue;
    const picked = pickTarget(value);
    if (picked !== undefined) return picked;
  }
  return undefined;
}
