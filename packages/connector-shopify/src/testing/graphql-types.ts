import type { ShopState } from './shop-state.js';

/** What resolvers see: the shop's data, the token's scopes, the clock. */
export interface ResolveContext {
  readonly state: ShopState;
  readonly scopes: readonly string[];
  readonly nowMs: number;
  /** Orders older than this many days are hidden (no `read_all_orders`); undefined shows all. */
  readonly ordersWindowDays: number | undefined;
}

export type Resolver = (parent: any, args: Readonly<Record<string, unknown>>, context: ResolveContext) => unknown;

/**
 * A field's type: a scalar or enum (by name), an object (by type name), either maybe a list, or a
 * Relay connection of a node type (`XConnection`, with `XEdge` and `PageInfo`, synthesized).
 */
export type FieldType =
  | { readonly kind: 'scalar'; readonly name: string; readonly list?: boolean; readonly nullable?: boolean }
  | { readonly kind: 'object'; readonly name: string; readonly list?: boolean; readonly nullable?: boolean }
  | { readonly kind: 'connection'; readonly node: string };

/** An argument: its type as written (`Int`, `ID!`, `[String!]!`, an enum name) and an enum's values. */
export interface ArgDef {
  readonly type: string;
  readonly enumValues?: readonly string[];
}

/**
 * How a field counts in the calculated cost: `object` (1 + its selection; a list of objects
 * counts once, as one object), `node` (a connection's `nodes`: 1 + selection per node), `free`
 * (0 + selection; per item for a list: a connection's `edges` and `pageInfo`).
 */
export type CostRule = 'object' | 'node' | 'free';

export interface FieldDef {
  readonly type: FieldType;
  readonly args?: Readonly<Record<string, ArgDef>>;
  /** The access scope a token needs for this field (`write_x` implies `read_x`). */
  readonly scope?: string;
  readonly cost?: CostRule;
  readonly resolve: Resolver;
}

export interface TypeDef {
  readonly name: string;
  readonly fields: Readonly<Record<string, FieldDef>>;
}

export type Schema = ReadonlyMap<string, TypeDef>;

/** Arguments every connection takes. */
export const CONNECTION_ARGS: Readonly<Record<string, ArgDef>> = {
  first: { type: 'Int' },
  last: { type: 'Int' },
  after: { type: 'String' },
  before: { type: 'String' },
  reverse: { type: 'Boolean' },
};

/**
 * A scalar or enum field (a list when written `[String!]!`); with {@link object} and
 * {@link connection}, the shorthands the schema modules are written in.
 * @example
 * const fields = { id: scalar('ID!', (v) => gid('ProductVariant', v.id)), product: object('Product', (v, _a, c) => c.state.product(v.productId)) };
 */
export function scalar(type: string, resolve: Resolver, args?: Readonly<Record<string, ArgDef>>): FieldDef {
  const list = type.startsWith('[');
  const name = type.replace(/[[\]!]/g, '');
  return { type: { kind: 'scalar', name, list, nullable: !type.endsWith('!') }, resolve, ...(args === undefined ? {} : { args }) };
}

/** An object field (or a list of objects: `[Type!]!`); see {@link scalar}. */
export function object(type: string, resolve: Resolver, options: { readonly args?: Readonly<Record<string, ArgDef>>; readonly scope?: string } = {}): FieldDef {
  const list = type.startsWith('[');
  const name = type.replace(/[[\]!]/g, '');
  return { type: { kind: 'object', name, list, nullable: !type.endsWith('!') }, resolve, ...options };
}

/**
 * A connection field; `resolve` returns a `ConnectionSource`. `sortKeys` name the enum values of
 * `sortKey` (`ID` is always one); `args` adds the connection's own arguments; `query` is accepted
 * unless `searchable` is false.
 */
export function connection(
  node: string,
  resolve: Resolver,
  options: { readonly sortKeyEnum?: string; readonly sortKeys?: readonly string[]; readonly args?: Readonly<Record<string, ArgDef>>; readonly scope?: string; readonly searchable?: boolean } = {},
): FieldDef {
  const args: Record<string, ArgDef> = { ...CONNECTION_ARGS, ...options.args };
  if (options.searchable !== false) args.query = { type: 'String' };
  if (options.sortKeyEnum !== undefined) args.sortKey = { type: options.sortKeyEnum, enumValues: ['ID', ...(options.sortKeys ?? [])] };
  return { type: { kind: 'connection', node }, args, resolve, ...(options.scope === undefined ? {} : { scope: options.scope }) };
}

/**
 * The connection, edge and PageInfo types of every node type that some connection field uses.
 * @example
 * withConnectionTypes(types); // adds ProductVariantConnection, ProductVariantEdge, PageInfo, …
 */
export function withConnectionTypes(types: readonly TypeDef[]): Schema {
  const schema = new Map(types.map((type) => [type.name, type]));
  const nodes = new Set(types.flatMap((type) => Object.values(type.fields).flatMap((field) => (field.type.kind === 'connection' ? [field.type.node] : []))));
  schema.set('PageInfo', {
    name: 'PageInfo',
    fields: {
      hasNextPage: scalar('Boolean!', (p) => p.hasNextPage),
      hasPreviousPage: scalar('Boolean!', (p) => p.hasPreviousPage),
      startCursor: scalar('String', (p) => p.startCursor),
      endCursor: scalar('String', (p) => p.endCursor),
    },
  });
  for (const node of nodes) {
    schema.set(`${node}Edge`, { name: `${node}Edge`, fields: { cursor: scalar('String!', (e) => e.cursor), node: object(`${node}!`, (e) => e.node) } });
    schema.set(`${node}Connection`, {
      name: `${node}Connection`,
      fields: {
        edges: { ...object(`[${node}Edge!]!`, (page) => page.items.map((item: unknown, i: number) => ({ cursor: page.cursors[i], node: item }))), cost: 'free' },
        nodes: { ...object(`[${node}!]!`, (page) => page.items), cost: 'node' },
        pageInfo: { ...object('PageInfo!', (page) => page.pageInfo), cost: 'free' },
      },
    });
  }
  return schema;
}
