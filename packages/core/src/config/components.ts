import type { ComponentCatalog, ComponentSlot } from '../connector/index.js';
import { CONFIG_SCHEMA, CONFIG_UNKNOWN_TYPE, didYouMean } from '../errors/index.js';
import { COMPONENT_SLOT_KEYWORD } from '../json-schema/index.js';
import { issuesFromAjv } from './ajv-issues.js';
import { issueAt, type ConfigIssue, type IssueContext, type YamlPath } from './issues.js';
import type { SchemaCompiler } from './schema-compiler.js';

type Plain = Record<string, unknown>;

/** A place in the config where `type:` picks a component: its slot, its YAML path and the mapping. */
export interface ComponentSite {
  readonly slot: ComponentSlot;
  readonly path: YamlPath;
  readonly node: Plain;
}

/** How each slot is named in messages. */
export const SLOT_LABELS: Readonly<Record<ComponentSlot, string>> = {
  auth: 'auth',
  paginators: 'pagination',
  webhookVerifiers: 'webhook verifier',
  errorClassifiers: 'error classifier',
  rateLimitAdapters: 'rate-limit adapter',
  oauthCallbackChecks: 'OAuth callback check',
};

const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSlot = (value: unknown): value is ComponentSlot => typeof value === 'string' && value in SLOT_LABELS;

/**
 * Every component mapping in the config, found by walking the data along the schema: a schema
 * marked as a component slot is a site, and a component's own options schema is walked too (an
 * `oauth2` auth holds a `callback_check` component). So where components may stand is said once,
 * in the schemas, for core's shapes and plugins' alike.
 * @example
 * findComponents(config, ConnectdConfigSchema, registry); // [{ slot: 'auth', path: ['connectors', 'storq', 'auth'], node }]
 */
export function findComponents(config: unknown, schema: object, catalog: ComponentCatalog): ComponentSite[] {
  const sites: ComponentSite[] = [];
  const walk = (at: unknown, data: unknown, path: YamlPath): void => {
    if (!isPlain(at)) return;
    const slot = at[COMPONENT_SLOT_KEYWORD];
    if (isSlot(slot)) {
      if (!isPlain(data)) return;
      sites.push({ slot, path, node: data });
      const options = typeof data.type === 'string' ? catalog.schemaOf(slot, data.type) : undefined;
      if (options !== undefined) walk(options, data, path);
      return;
    }
    if (Array.isArray(data)) {
      if (isPlain(at.items)) data.forEach((item, i) => walk(at.items, item, [...path, i]));
      return;
    }
    if (!isPlain(data)) return;
    const properties = isPlain(at.properties) ? at.properties : {};
    for (const [key, value] of Object.entries(data)) {
      if (Object.hasOwn(properties, key)) walk(properties[key], value, [...path, key]);
      else if (isPlain(at.additionalProperties)) walk(at.additionalProperties, value, [...path, key]);
    }
  };
  walk(schema, config, []);
  return sites;
}

/**
 * Checks each component's `type` against the catalog (core's built-ins and loaded plugins alike)
 * and its options against the schema the component declares: core's components are validated
 * exactly as plugins' are, by their own `meta.schema`.
 */
export function checkComponents(sites: readonly ComponentSite[], catalog: ComponentCatalog, compiler: SchemaCompiler, ctx: IssueContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { slot, path, node } of sites) {
    const type = node.type;
    const typePath = [...path, 'type'];
    if (typeof type !== 'string' || ctx.skip(typePath)) continue;
    const schema = catalog.schemaOf(slot, type);
    if (schema === undefined) {
      issues.push(unknownType(ctx, slot, typePath, type, catalog.ids(slot)));
      continue;
    }
    const { type: _type, ...options } = node;
    let validate;
    try {
      validate = compiler.component(schema);
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : 'cannot be compiled';
      issues.push(issueAt(ctx, CONFIG_SCHEMA.code, typePath, 'value', `the options schema of "${type}" is invalid (a plugin bug): ${detail}`));
      continue;
    }
    if (!validate(options)) issues.push(...issuesFromAjv(validate.errors ?? [], ctx, { data: options, base: path }));
  }
  return issues;
}

function unknownType(ctx: IssueContext, slot: ComponentSlot, path: YamlPath, type: string, known: readonly string[]): ConfigIssue {
  const label = SLOT_LABELS[slot];
  if (ctx.fromEnv(path)) return issueAt(ctx, CONFIG_UNKNOWN_TYPE.code, path, 'value', `unknown ${label} type (value from the environment)`);
  const namespace = type.includes('/') ? type.slice(0, type.indexOf('/')) : undefined;
  const pluginKnown = namespace !== undefined && known.some((id) => id.startsWith(`${namespace}/`));
  const hint = namespace !== undefined && !pluginKnown ? `; no loaded plugin has namespace "${namespace}" (is it listed under plugins:?)` : '';
  const list = known.length > 0 ? `; known: ${known.join(', ')}` : '';
  return issueAt(ctx, CONFIG_UNKNOWN_TYPE.code, path, 'value', `unknown ${label} type "${type}"${hint}${hint === '' ? list : ''}`, didYouMean(type, known));
}
