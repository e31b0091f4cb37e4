/**
 * project/: a loaded connectors.yaml with its plugins and everything compiled from it (streams,
 * webhook processing, actions), and the answers to what every command asks of it. Sits above the
 * features it compiles and below connections/, the daemon and the CLI.
 */
export { DEFAULT_TENANT, Project } from './project.js';
export type { ConnectorSummary, ProjectParts } from './project.js';
export { loadProject } from './load.js';
export { createCoreRegistry } from './registry.js';
export { compileProject } from './compile.js';
export type { CompileIssue, CompiledProject } from './compile.js';
export { editorSchema } from './editor-schema.js';
