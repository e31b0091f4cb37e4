/**
 * config/: connectors.yaml text → validated model. Pure except for reading the one config file;
 * plugin knowledge comes in as a `ComponentCatalog` argument.
 */
export { parseConfigFile, parseConfigText } from './parse.js';
export type { ParsedConfig, IdleConnector, MissingVariable } from './parse.js';
export { validateConfig, loadConfig, configInvalidError } from './validate.js';
export type { ValidationContext, ValidationResult, ValidConfig, InvalidConfig } from './validate.js';
export { formatConfigIssue, formatYamlPath } from './issues.js';
export type { ConfigIssue, PathSegment, YamlPath, SourcePosition } from './issues.js';
export { positionOf } from './positions.js';
export type { SourceTree } from './positions.js';
export { listPlugins } from './plugin-list.js';
export type { PluginEntry } from './plugin-list.js';
export { interpolate } from './interpolate.js';
export type { Env, InterpolationResult } from './interpolate.js';
export { didYouMean } from '../errors/index.js';
export { SchemaCompiler } from './schema-compiler.js';
export { findComponents, SLOT_LABELS } from './components.js';
export type { ComponentSite } from './components.js';
export * as ConfigSchemas from './schema/index.js';
export { CONFIG_INVALID } from '../errors/index.js';
export type * from './types.js';
export { definePreset } from './define-preset.js';
export type { TypedPreset } from './define-preset.js';
