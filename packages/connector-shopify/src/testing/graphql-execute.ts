import { paginate, type ConnectionSource } from './graphql-connections.js';
import { FieldError, type GraphqlError } from './graphql-errors.js';
import type { PlanField } from './graphql-plan.js';
import type { SearchWarning } from './graphql-search.js';
import type { ResolveContext } from './graphql-types.js';
import { hasScope } from './oauth-app.js';

/**
 * The calculated cost of a query, before it runs (Shopify's model: scalars and enums 0, an
 * object 1 plus its selection, a connection 2 plus `first` (or `last`) times the cost of one node
 * (1 plus the node's selection; `edges`, `cursor` and `pageInfo` add nothing); a plain list of
 * objects counts as one object).
 * @example
 * requestedCost(plan.fields); // `{ productVariants(first: 50) { nodes { id product { title } } } }` → 2 + 50 × 2 = 102
 */
export function requestedCost(fields: readonly PlanField[]): number {
  return fields.reduce((sum, field) => sum + fieldCost(field), 0);
}

function fieldCost(field: PlanField): number {
  const type = field.def?.type;
  if (type === undefined || type.kind === 'scalar') return 0;
  if (type.kind === 'connection') {
    const size = Number(field.args.first ?? field.args.last ?? 0);
    return 2 + size * perNode(field.children);
  }
  return (field.def!.cost === 'free' ? 0 : 1) + requestedCost(field.children);
}

function perNode(children: readonly PlanField[]): number {
  let most = 0;
  for (const child of children) {
    if (child.name === 'nodes') most = Math.max(most, 1 + requestedCost(child.children));
    if (child.name === 'edges') most = Math.max(most, requestedCost(child.children));
  }
  return most;
}

/** A search Shopify could not fully apply, as `extensions.search` reports it. */
export interface SearchReport {
  readonly path: readonly (string | number)[];
  readonly query: string;
  readonly warnings: readonly SearchWarning[];
}

export interface ExecutionResult {
  readonly data: Record<string, unknown>;
  readonly errors: GraphqlError[];
  /** The same model as {@link requestedCost} over what was returned: each connection 2 plus its nodes. */
  readonly actualCost: number;
  readonly searches: SearchReport[];
}

interface Run {
  readonly context: ResolveContext;
  readonly errors: GraphqlError[];
  readonly searches: SearchReport[];
}
interface Resolved {
  readonly value: unknown;
  readonly cost: number;
}

const NOTHING: Resolved = { value: null, cost: 0 };

function selection(run: Run, fields: readonly PlanField[], parent: unknown, path: readonly (string | number)[]): Resolved {
  const value: Record<string, unknown> = {};
  let cost = 0;
  for (const field of fields) {
    const resolved = resolveField(run, field, parent, [...path, field.key]);
    value[field.key] = resolved.value;
    cost += resolved.cost;
  }
  return { value, cost };
}

function accessDenied(run: Run, field: PlanField, scope: string, path: readonly (string | number)[]): Resolved {
  const requiredAccess = `\`${scope}\` access scope.`;
  run.errors.push({
    message: `Access denied for ${field.name} field. Required access: ${requiredAccess}`,
    locations: [field.loc],
    path,
    extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess },
  });
  return NOTHING;
}

function resolveField(run: Run, field: PlanField, parent: unknown, path: readonly (string | number)[]): Resolved {
  const def = field.def;
  if (def === undefined) return { value: field.parentType, cost: 0 };
  if (def.scope !== undefined && !hasScope(run.context.scopes, def.scope)) return accessDenied(run, field, def.scope, path);
  let raw: unknown;
  try {
    raw = def.resolve(parent, field.args, run.context);
  } catch (err) {
    if (!(err instanceof FieldError)) throw err;
    run.errors.push({ message: err.message, locations: [field.loc], path, extensions: err.extensions });
    return NOTHING;
  }
  if (def.type.kind === 'scalar') return { value: raw ?? null, cost: 0 };
  if (def.type.kind === 'connection') return connectionField(run, field, raw as ConnectionSource<unknown>, path);
  if (raw === null || raw === undefined) return NOTHING;
  const rule = def.cost ?? 'object';
  if (!Array.isArray(raw)) {
    const inner = selection(run, field.children, raw, path);
    return { value: inner.value, cost: (rule === 'free' ? 0 : 1) + inner.cost };
  }
  const items = raw.map((item, i) => selection(run, field.children, item, [...path, i]));
  const value = items.map((item) => item.value);
  if (rule === 'object') return { value, cost: items.length === 0 ? 0 : 1 + Math.max(...items.map((i) => i.cost)) };
  return { value, cost: items.reduce((sum, item) => sum + (rule === 'node' ? 1 : 0) + item.cost, 0) };
}

function connectionField(run: Run, field: PlanField, source: ConnectionSource<unknown>, path: readonly (string | number)[]): Resolved {
  const page = paginate(source, field.args);
  if ('error' in page) {
    run.errors.push({ message: page.error, locations: [field.loc], path, extensions: { code: 'BAD_REQUEST' } });
    return NOTHING;
  }
  if (page.warnings.length > 0) run.searches.push({ path, query: String(field.args.query), warnings: page.warnings });
  const value: Record<string, unknown> = {};
  let nodes = 0;
  for (const child of field.children) {
    const resolved = resolveField(run, child, page, [...path, child.key]);
    value[child.key] = resolved.value;
    if (child.name === 'nodes' || child.name === 'edges') nodes = Math.max(nodes, resolved.cost);
  }
  return { value, cost: 2 + nodes };
}

/**
 * Runs a planned query against one shop: resolvers per field, access scopes checked per field
 * (`ACCESS_DENIED`, null there), resolver failures as errors with their path, connections paged
 * and searched, the actual cost summed as it goes.
 * @example
 * const result = execute(plan.fields, context);
 * result.data; // { productVariants: { nodes: […], pageInfo: {…} } }
 */
export function execute(fields: readonly PlanField[], context: ResolveContext): ExecutionResult {
  const run: Run = { context, errors: [], searches: [] };
  const root = selection(run, fields, null, []);
  return { data: root.value as Record<string, unknown>, errors: run.errors, actualCost: root.cost, searches: run.searches };
}
