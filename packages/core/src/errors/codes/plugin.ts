import type { ConnectdError } from '../connectd-error.js';
import { defineError } from '../define-error.js';

// Errors of the plugin area. Codes are never reused once retired; add new ones at the end.
// Load errors carry `{ plugin, index }`: the spec as written under `plugins:` and its position in
// that list, so the caller can point at the YAML line.

export const PLUGIN_SPEC_INVALID = defineError<{ plugin: string; index: number }>({
  code: 'CONNECTD_ERR_PLUGIN_SPEC_INVALID',
  exitCode: 2,
  meaning: 'An entry under `plugins:` is not an npm package name (relative and absolute paths are refused).',
  fix: 'List the plugin by its package name, e.g. "@acme/connectd-connector-vendor" or "connectd-connector-vendor", and install it.',
  message: (d) =>
    `plugins[${d.index}]: "${d.plugin}" is not a plugin package name; plugins are loaded by npm package name only (no paths, URLs or Node builtins)`,
});

export const PLUGIN_NOT_FOUND = defineError<{
  plugin: string;
  index: number;
  resolveFrom: string;
  /** Set when the package is installed but its entry file is missing (usually: not built). */
  packageDir?: string;
}>({
  code: 'CONNECTD_ERR_PLUGIN_NOT_FOUND',
  exitCode: 2,
  meaning: 'A package listed under `plugins:` cannot be resolved from the config file\'s directory, or its entry file is missing.',
  fix: 'Install it next to the config (`pnpm add <name>`) or fix the spelling; a package found without its entry file needs building.',
  message: (d) =>
    d.packageDir === undefined
      ? `plugins[${d.index}]: package "${d.plugin}" not found from ${d.resolveFrom}; install it with \`pnpm add ${d.plugin}\``
      : `plugins[${d.index}]: package "${d.plugin}" is installed at ${d.packageDir} but its entry file is missing; build or reinstall it`,
});

export const PLUGIN_ENGINE_MISMATCH = defineError<{
  plugin: string;
  index: number;
  engine: string;
  coreVersion: string;
}>({
  code: 'CONNECTD_ERR_PLUGIN_ENGINE_MISMATCH',
  exitCode: 2,
  meaning: "A plugin's `meta.engine` range does not include the running @connectd/core version.",
  fix: 'Install a plugin version built for this core (see its changelog), or a core version inside its range.',
  message: (d) =>
    `plugins[${d.index}]: "${d.plugin}" supports @connectd/core ${d.engine}, but this is ${d.coreVersion}`,
});

export const PLUGIN_DUPLICATE_NAMESPACE = defineError<{
  plugin: string;
  index: number;
  namespace: string;
  otherPlugin: string;
  otherIndex: number;
}>({
  code: 'CONNECTD_ERR_PLUGIN_DUPLICATE_NAMESPACE',
  exitCode: 2,
  meaning: 'Two plugins (or one plugin listed twice) claim the same namespace.',
  fix: 'Remove the duplicate entry under `plugins:`, or keep only one of the two plugins.',
  message: (d) =>
    `plugins[${d.index}]: "${d.plugin}" uses namespace "${d.namespace}", already taken by "${d.otherPlugin}" (plugins[${d.otherIndex}])`,
});

export const PLUGIN_INVALID_EXPORT = defineError<{ plugin: string; index: number; problems: readonly string[] }>({
  code: 'CONNECTD_ERR_PLUGIN_INVALID_EXPORT',
  exitCode: 2,
  meaning: "A plugin's default export is not a valid connector definition (meta, slots or components malformed).",
  fix: 'The plugin must `export default defineConnector({ meta, ...slots })`; report the listed problems to its author.',
  message: (d) => `plugins[${d.index}]: "${d.plugin}" has an invalid default export: ${d.problems.join('; ')}`,
});

export const PLUGIN_SCHEMA_INVALID = defineError<{
  plugin: string;
  index: number;
  component: string;
  reason: string;
}>({
  code: 'CONNECTD_ERR_PLUGIN_SCHEMA_INVALID',
  exitCode: 2,
  meaning: "A plugin component's options schema is not a JSON Schema ajv can compile.",
  fix: "Report it to the plugin's author, or pin an earlier version of the plugin.",
  message: (d) =>
    `plugins[${d.index}]: "${d.plugin}" component ${d.component} has an invalid options schema: ${d.reason}`,
});

export const PLUGIN_FAILED = defineError<{
  plugin: string;
  hook: string;
  pluginCode?: string | undefined;
  reason: string;
  index?: number | undefined;
}>({
  code: 'CONNECTD_ERR_PLUGIN_FAILED',
  meaning: 'Code of a plugin threw (while being imported or inside one of its hooks); the original error is the cause.',
  fix: "Read the cause in the log line; it is usually the plugin's own configuration or a bug to report to its author.",
  message: (d) =>
    `plugin "${d.plugin}" failed in ${d.hook}${d.pluginCode === undefined ? '' : ` (${d.pluginCode})`}: ${d.reason}`,
});

export const PLUGIN_DUPLICATE_TYPE = defineError<{
  duplicates: ReadonlyArray<{ slot: string; id: string; plugins: readonly string[] }>;
}>({
  code: 'CONNECTD_ERR_PLUGIN_DUPLICATE_TYPE',
  exitCode: 2,
  meaning: 'Two components (or mapping functions) are registered under one id.',
  fix: 'Remove one of the plugins that provide it; ids of plugin components are `namespace/type`, so this means a namespace or function-name clash.',
  message: (d) =>
    `duplicate component ids: ${d.duplicates.map((x) => `${x.slot} "${x.id}" from ${x.plugins.join(' and ')}`).join('; ')}`,
});

export const PLUGIN_LOAD_FAILED = defineError<{ errors: readonly ConnectdError[] }>({
  code: 'CONNECTD_ERR_PLUGIN_LOAD_FAILED',
  exitCode: 2,
  meaning: 'One or more plugins listed under `plugins:` could not be loaded; every failure is listed in `errors`.',
  fix: 'Fix each listed error (its own code says how); all of them are reported in one run.',
  message: (d) =>
    `${d.errors.length} plugin error${d.errors.length === 1 ? '' : 's'}:\n${d.errors.map((e) => `  ${e.code}: ${e.message}`).join('\n')}`,
});

export const PLUGIN_PACKAGE_UNREADABLE = defineError<{ plugin: string; index: number; entry: string; reason: string }>({
  code: 'CONNECTD_ERR_PLUGIN_PACKAGE_UNREADABLE',
  exitCode: 2,
  meaning: "A plugin's name and version come from its package.json, and none with a name and a semver version was found above its entry file.",
  fix: "Reinstall the plugin; its author must ship package.json with `name` and `version` (npm always does when publishing).",
  message: (d) => `plugins[${d.index}]: "${d.plugin}" has no readable package.json above ${d.entry}: ${d.reason}`,
});

export const PLUGIN_META_MISMATCH = defineError<{
  plugin: string;
  index: number;
  field: 'name' | 'version';
  declared: string;
  packageValue: string;
  manifest: string;
}>({
  code: 'CONNECTD_ERR_PLUGIN_META_MISMATCH',
  exitCode: 2,
  meaning: "A plugin's `meta` declares a name or version that differs from its package.json, which is the one source of both.",
  fix: "Report it to the plugin's author: remove `name` and `version` from `defineConnector({ meta })` (the loader reads them from package.json).",
  message: (d) =>
    `plugins[${d.index}]: "${d.plugin}" declares meta.${d.field} "${d.declared}" but its package.json (${d.manifest}) says "${d.packageValue}"; remove meta.${d.field}, package.json is the source of both`,
});
