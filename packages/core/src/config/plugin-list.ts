import type { SourcePosition, YamlPath } from './issues.js';
import type { ParsedConfig } from './parse.js';
import { positionOf } from './positions.js';

/** One entry of `plugins:` with where it is written, for plugin-loading errors. */
export interface PluginEntry extends SourcePosition {
  /** The npm package name. */
  readonly name: string;
  /** `['plugins', index]`. */
  readonly path: YamlPath;
}

/**
 * The package names under `plugins:`, read before validation because plugins must be loaded to
 * build the catalog that validation needs. Entries that are not strings are left to validation.
 * @example
 * for (const { name, line, col } of listPlugins(parsed)) await importPlugin(name);
 */
export function listPlugins(parsed: ParsedConfig): PluginEntry[] {
  const plugins = (parsed.value as { plugins?: unknown } | null | undefined)?.plugins;
  if (!Array.isArray(plugins)) return [];
  return plugins.flatMap((name, index) => {
    if (typeof name !== 'string') return [];
    const path = ['plugins', index];
    return [{ name, path, ...positionOf(parsed, path) }];
  });
}
