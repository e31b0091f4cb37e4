import type { ComponentCatalog, ComponentSlot } from '../connector/index.js';
import { CONFIG_SCHEMA, CONFIG_UNKNOWN_TYPE } from '../errors/index.js';
import { issuesFromAjv } from './ajv-issues.js';
import { BUILTIN_COMPONENT_IDS, SLOT_LABELS } from './builtins.js';
import { didYouMean } from '../errors/index.js';
import { issueAt, type ConfigIssue, type IssueContext, type YamlPath } from './issues.js';
import type { SchemaCompiler } from './schema-compiler.js';

type Plain = Record<string, unknown>;

/** A `{ type: ..., ...options }` mapping in a component slot. */
export interface ComponentUse {
  readonly slot: ComponentSlot;
  readonly path: YamlPath;
  readonly node: Plain;
}

const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every component mapping in the config, with its slot: the places a `type:` picks an implementation. */
export function findComponents(config: unknown): ComponentUse[] {
  const uses: ComponentUse[] = [];
  const add = (slot: ComponentSlot, node: unknown, path: YamlPath): void => {
    if (isPlain(node)) uses.push({ slot, path, node });
  };
  if (!isPlain(config) || !isPlain(config.connectors)) return uses;
  for (const [name, connector] of Object.entries(config.connectors)) {
    if (!isPlain(connector)) continue;
    const base = ['connectors', name];
    add('auth', connector.auth, [...base, 'auth']);
    if (isPlain(connector.auth)) add('oauthCallbackChecks', connector.auth.callback_check, [...base, 'auth', 'callback_check']);
    add('paginators', connector.pagination, [...base, 'pagination']);
    add('errorClassifiers', connector.error_classifier, [...base, 'error_classifier']);
    if (isPlain(connector.rate_limit)) add('rateLimitAdapters', connector.rate_limit.adapter, [...base, 'rate_limit', 'adapter']);
    if (isPlain(connector.webhooks)) add('webhookVerifiers', connector.webhooks.verify, [...base, 'webhooks', 'verify']);
    if (isPlain(connector.streams)) {
      for (const [stream, body] of Object.entries(connector.streams)) {
        if (!isPlain(body)) continue;
        add('paginators', body.pagination, [...base, 'streams', stream, 'pagination']);
        add('errorClassifiers', body.error_classifier, [...base, 'streams', stream, 'error_classifier']);
      }
    }
  }
  return uses;
}

/**
 * Checks each component's `type` against the built-ins and the catalog of loaded plugins, and a
 * plugin component's options against the schema its plugin declares. Built-in options are
 * validated by the shipped JSON Schema, so they are not validated twice.
 */
export function checkComponents(
  uses: readonly ComponentUse[],
  catalog: ComponentCatalog,
  compiler: SchemaCompiler,
  ctx: IssueContext,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { slot, path, node } of uses) {
    const type = node.type;
    const typePath = [...path, 'type'];
    if (typeof type !== 'string' || ctx.skip(typePath)) continue;
    const builtin = BUILTIN_COMPONENT_IDS[slot];
    const known = [...new Set([...builtin, ...catalog.ids(slot)])];
    if (!known.includes(type)) {
      issues.push(unknownType(ctx, slot, typePath, type, known));
      continue;
    }
    if (builtin.includes(type)) continue;
    const schema = catalog.schemaOf(slot, type);
    if (schema === undefined) continue;
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
