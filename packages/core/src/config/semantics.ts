import { CONFIG_MISSING_KEY, CONFIG_SCHEMA, CONFIG_UNKNOWN_ENTITY, CONFIG_UNKNOWN_STREAM } from '../errors/index.js';
import { cronProblem } from './cron.js';
import { checkFlows } from './flows-semantics.js';
import { didYouMean } from '../errors/index.js';
import { issueAt, type ConfigIssue, type IssueContext, type YamlPath } from './issues.js';

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);
const entries = (value: unknown): Array<[string, Plain]> =>
  isPlain(value) ? Object.entries(value).filter((entry): entry is [string, Plain] => isPlain(entry[1])) : [];

/**
 * Rules a JSON Schema cannot state well: references between parts of the file (entities), cron
 * syntax, one-of-two keys, unique connection ids. Runs on the preset-merged config; wrong types are
 * left to the schema, so each rule only looks at values of the right type.
 */
export function checkSemantics(config: unknown, ctx: IssueContext, canonicalEntities: readonly string[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!isPlain(config)) return issues;
  const entityNames = [...canonicalEntities, ...checkEntities(config.entities, ctx, issues, canonicalEntities)];

  for (const [name, connector] of entries(config.connectors)) {
    const base: YamlPath = ['connectors', name];
    checkEndpoints(connector, base, ctx, issues);
    checkOAuthParams(connector.auth, [...base, 'auth'], ctx, issues);
    checkConnections(connector.connections, [...base, 'connections'], ctx, issues);
    const streamNames = entries(connector.streams).map(([stream]) => stream);
    for (const [stream, body] of entries(connector.streams)) {
      const path = [...base, 'streams', stream];
      checkEntityRef(body.entity, [...path, 'entity'], entityNames, ctx, issues);
      checkOutputs(body.outputs, [...path, 'outputs'], entityNames, ctx, issues);
      if (Array.isArray(body.after)) {
        body.after.forEach((name, i) => checkStreamRef(name, [...path, 'after', i], streamNames, ctx, issues, stream));
      }
      if (typeof body.schedule === 'string' && body.schedule.trim().split(/\s+/).length >= 5) {
        const problem = cronProblem(body.schedule);
        if (problem !== undefined) push(issues, ctx, CONFIG_SCHEMA.code, [...path, 'schedule'], 'value', `not a valid cron expression: ${problem}`);
      }
      checkRequest(body.request, [...path, 'request'], ctx, issues);
    }
    for (const [action, body] of entries(connector.actions)) checkRequest(body.request, [...base, 'actions', action, 'request'], ctx, issues);
    if (isPlain(connector.webhooks)) {
      const hooks = connector.webhooks;
      for (const [event, body] of entries(hooks.events)) {
        const path = [...base, 'webhooks', 'events', event];
        checkEntityRef(body.entity, [...path, 'entity'], entityNames, ctx, issues);
        checkOutputs(body.outputs, [...path, 'outputs'], entityNames, ctx, issues);
        checkStreamRef(body.run_stream, [...path, 'run_stream'], streamNames, ctx, issues);
      }
    }
    checkAfterCycles(connector.streams, [...base, 'streams'], ctx, issues);
  }
  issues.push(...checkFlows(config, ctx, entityNames));
  return issues;
}

function checkOutputs(outputs: unknown, path: YamlPath, entityNames: readonly string[], ctx: IssueContext, issues: ConfigIssue[]): void {
  if (!Array.isArray(outputs)) return;
  outputs.forEach((output, i) => {
    if (isPlain(output)) checkEntityRef(output.entity, [...path, i, 'entity'], entityNames, ctx, issues);
  });
}

function checkStreamRef(name: unknown, path: YamlPath, known: readonly string[], ctx: IssueContext, issues: ConfigIssue[], self?: string): void {
  if (typeof name !== 'string') return;
  if (name === self) {
    push(issues, ctx, CONFIG_UNKNOWN_STREAM.code, path, 'value', `a stream cannot run after itself`);
    return;
  }
  if (known.includes(name)) return;
  const message = `unknown stream "${name}"; this connector declares ${known.length === 0 ? 'no streams' : known.join(', ')}`;
  push(issues, ctx, CONFIG_UNKNOWN_STREAM.code, path, 'value', message, didYouMean(name, known));
}

/** `after:` must not go round: each stream in a cycle is reported once, at its own `after` key. */
function checkAfterCycles(streams: unknown, path: YamlPath, ctx: IssueContext, issues: ConfigIssue[]): void {
  const after = new Map(entries(streams).map(([name, body]) => [name, Array.isArray(body.after) ? body.after.filter((n): n is string => typeof n === 'string') : []]));
  // Whether `start` is reached again by following after: from its own dependencies.
  const inCycle = (start: string): boolean => {
    const seen = new Set<string>();
    const pending = (after.get(start) ?? []).filter((dep) => dep !== start);
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (next === start) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      pending.push(...(after.get(next) ?? []));
    }
    return false;
  };
  for (const name of after.keys()) {
    if (inCycle(name)) {
      push(issues, ctx, CONFIG_UNKNOWN_STREAM.code, [...path, name, 'after'], 'key', `"${name}" waits, through after:, for a stream that waits for it: break the circle`);
    }
  }
}

function push(issues: ConfigIssue[], ctx: IssueContext, code: string, path: YamlPath, anchor: 'key' | 'value', message: string, suggestion?: string): void {
  if (!ctx.skip(path)) issues.push(issueAt(ctx, code, path, anchor, message, suggestion));
}

/** Validates custom entities and returns their names. */
function checkEntities(entities: unknown, ctx: IssueContext, issues: ConfigIssue[], canonicalEntities: readonly string[]): string[] {
  const names: string[] = [];
  for (const [name, entity] of entries(entities)) {
    const path = ['entities', name];
    names.push(name);
    if (canonicalEntities.includes(name)) {
      push(issues, ctx, CONFIG_SCHEMA.code, path, 'key', `"${name}" is a canonical entity already; choose another name`);
    }
    const schema = entity.schema;
    if (!isPlain(schema)) continue;
    if (schema.type !== 'object') push(issues, ctx, CONFIG_SCHEMA.code, [...path, 'schema'], 'key', 'must be a JSON Schema with type: object');
    const properties = isPlain(schema.properties) ? schema.properties : {};
    if (!Array.isArray(entity.natural_key)) continue;
    entity.natural_key.forEach((field, i) => {
      if (typeof field === 'string' && !(field in properties)) {
        push(issues, ctx, CONFIG_SCHEMA.code, [...path, 'natural_key', i], 'value', `"${field}" is not a property of the entity's schema`, didYouMean(field, Object.keys(properties)));
      }
    });
  }
  return names;
}

function checkEntityRef(entity: unknown, path: YamlPath, known: readonly string[], ctx: IssueContext, issues: ConfigIssue[]): void {
  if (typeof entity !== 'string' || known.includes(entity) || !/^[a-z][a-z0-9_]*$/.test(entity)) return;
  if (ctx.fromEnv(path)) {
    push(issues, ctx, CONFIG_UNKNOWN_ENTITY.code, path, 'value', 'unknown entity (value from the environment)');
    return;
  }
  push(issues, ctx, CONFIG_UNKNOWN_ENTITY.code, path, 'value', `unknown entity "${entity}"; declare it under entities: or use ${known.join(', ')}`, didYouMean(entity, known));
}

function checkRequest(request: unknown, path: YamlPath, ctx: IssueContext, issues: ConfigIssue[]): void {
  if (isPlain(request) && 'body' in request && 'graphql' in request) {
    push(issues, ctx, CONFIG_SCHEMA.code, [...path, 'graphql'], 'key', 'give either "body" or "graphql", not both');
  }
}

/** Streams and actions need a base_url unless every path is a full URL. */
function checkEndpoints(connector: Plain, base: YamlPath, ctx: IssueContext, issues: ConfigIssue[]): void {
  if ('base_url' in connector) return;
  const fetches = isPlain(connector.webhooks) ? entries(connector.webhooks.events).flatMap(([, body]) => (isPlain(body.fetch) ? [body.fetch] : [])) : [];
  const requests = [...entries(connector.streams), ...entries(connector.actions), ...fetches.map((fetch) => ['', fetch] as const)].map(([, body]) => body.request);
  const relative = requests.some((request) => isPlain(request) && typeof request.path === 'string' && !/^https?:\/\//.test(request.path));
  if (relative) push(issues, ctx, CONFIG_MISSING_KEY.code, base, 'key', 'missing required key "base_url" (streams and actions with relative paths need it)');
}

function checkConnections(connections: unknown, path: YamlPath, ctx: IssueContext, issues: ConfigIssue[]): void {
  if (!Array.isArray(connections)) return;
  const seen = new Set<string>();
  connections.forEach((connection, i) => {
    const id = isPlain(connection) ? connection.id : undefined;
    if (typeof id !== 'string') return;
    if (seen.has(id)) push(issues, ctx, CONFIG_SCHEMA.code, [...path, i, 'id'], 'value', 'repeats the id of an earlier connection; ids must be unique per connector');
    seen.add(id);
  });
}

/** A `{name}` placeholder of an OAuth URL (the syntax oauth/ fills). */
const URL_PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * With `auth.params` declared (oauth2), every `{placeholder}` of the OAuth URLs and a `param:`
 * account id must name one of them: what a start link brings into a URL the client secret is sent
 * to is then always a value its pattern checked.
 */
function checkOAuthParams(auth: unknown, path: YamlPath, ctx: IssueContext, issues: ConfigIssue[]): void {
  if (!isPlain(auth) || auth.type !== 'oauth2' || !isPlain(auth.params)) return;
  const declared = Object.keys(auth.params);
  const undeclared = (name: string): string =>
    `"${name}" is not a connection parameter declared under auth.params (${declared.length === 0 ? 'none is' : `${declared.join(', ')} ${declared.length === 1 ? 'is' : 'are'}`}); declare it with its pattern`;
  const urls: Array<[YamlPath, unknown]> = [
    [[...path, 'authorize_url'], auth.authorize_url],
    [[...path, 'token_url'], auth.token_url],
    [[...path, 'revoke', 'url'], isPlain(auth.revoke) ? auth.revoke.url : undefined],
  ];
  for (const [at, url] of urls) {
    if (typeof url !== 'string') continue;
    for (const name of new Set([...url.matchAll(URL_PLACEHOLDER)].map((m) => m[1]!))) {
      if (!declared.includes(name)) push(issues, ctx, CONFIG_SCHEMA.code, at, 'value', `{${name}}: ${undeclared(name)}`, didYouMean(name, declared));
    }
  }
  const accountParam = typeof auth.account_id === 'string' ? /^param:(.+)$/.exec(auth.account_id)?.[1] : undefined;
  if (accountParam !== undefined && !declared.includes(accountParam)) {
    push(issues, ctx, CONFIG_SCHEMA.code, [...path, 'account_id'], 'value', undeclared(accountParam), didYouMean(accountParam, declared));
  }
}
