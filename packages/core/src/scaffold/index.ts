/**
 * `connectd init`: new folders for the two kinds of users. A plugin author gets a package that
 * builds, tests and loads as it stands; an integrator gets a config that validates as it stands.
 * Writing never overwrites (see write-files.ts). docs/plugins.md walks through the plugin scaffold.
 */
import { resolve } from 'node:path';
import { connectorPackageFiles } from './connector-package.js';
import { connectorSourceFiles } from './connector-sources.js';
import { coreDependencySpec, corePackage } from './core-package.js';
import { connectorNames } from './names.js';
import { projectFiles } from './project-files.js';
import { writeScaffold } from './write-files.js';

export { connectorNames } from './names.js';
export type { ConnectorNames } from './names.js';
export { SCAFFOLD_TOOL_VERSIONS } from './tool-versions.js';

/** What a scaffold wrote. */
export interface ScaffoldResult {
  readonly dir: string;
  readonly files: readonly string[];
}

/**
 * Writes a connector plugin package for `name` into `dir` (default `./connectd-connector-<name>`).
 * @throws CONNECTD_ERR_SCAFFOLD_NAME_INVALID, CONNECTD_ERR_SCAFFOLD_TARGET_NOT_EMPTY
 * @example
 * scaffoldConnector('acme', { cwd: '/tmp' }).dir; // '/tmp/connectd-connector-acme'
 */
export function scaffoldConnector(name: string, options: { readonly dir?: string; readonly cwd: string }): ScaffoldResult {
  const names = connectorNames(name);
  const dir = resolve(options.cwd, options.dir ?? names.packageName);
  const core = corePackage();
  const files = [...connectorPackageFiles(names, core, coreDependencySpec(core, dir)), ...connectorSourceFiles(names, core)];
  return { dir, files: writeScaffold(dir, files) };
}

/**
 * Writes an integrator's project folder into `dir` (default the working directory).
 * @throws CONNECTD_ERR_SCAFFOLD_TARGET_NOT_EMPTY
 * @example
 * scaffoldProject({ dir: 'my-connectd', cwd: '/srv' }).files; // [/srv/my-connectd/connectors.yaml, …]
 */
export function scaffoldProject(options: { readonly dir?: string; readonly cwd: string }): ScaffoldResult {
  const dir = resolve(options.cwd, options.dir ?? '.');
  const core = corePackage();
  return { dir, files: writeScaffold(dir, projectFiles(core, coreDependencySpec(core, dir), dir)) };
}
