import type { GqlValue } from './graphql-ast.js';

/** A coerced argument value, or why not. */
export type Coerced = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

const INVALID: Coerced = { ok: false };
const ok = (value: unknown): Coerced => ({ ok: true, value });

interface TypeRef {
  readonly nonNull: boolean;
  /** The item type of a list. */
  readonly item: TypeRef | undefined;
  readonly name: string;
}

/**
 * Reads a type as written in GraphQL (`[String!]!`).
 * @example
 * typeRef('[String!]!'); // { nonNull: true, item: { nonNull: true, item: undefined, name: 'String' }, name: '[String!]' }
 */
export function typeRef(text: string): TypeRef {
  const nonNull = text.endsWith('!');
  const inner = nonNull ? text.slice(0, -1) : text;
  if (inner.startsWith('[') && inner.endsWith(']')) return { nonNull, item: typeRef(inner.slice(1, -1)), name: inner };
  return { nonNull, item: undefined, name: inner };
}

function scalarFromJson(value: unknown, name: string, enumValues: readonly string[] | undefined): Coerced {
  if (enumValues !== undefined) return typeof value === 'string' && enumValues.includes(value) ? ok(value) : INVALID;
  if (name === 'Int') return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1 ? ok(value) : INVALID;
  if (name === 'Float') return typeof value === 'number' ? ok(value) : INVALID;
  if (name === 'Boolean') return typeof value === 'boolean' ? ok(value) : INVALID;
  if (name === 'ID') return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)) ? ok(String(value)) : INVALID;
  return typeof value === 'string' ? ok(value) : INVALID;
}

/**
 * Coerces a variable's JSON value to a type (input coercion of the GraphQL spec, for the scalar,
 * enum and list types the fake's arguments use; a single value where a list is expected becomes
 * a one-item list).
 * @example
 * coerceJson(['available'], '[String!]!'); // { ok: true, value: ['available'] }
 */
export function coerceJson(value: unknown, type: string | TypeRef, enumValues?: readonly string[]): Coerced {
  const ref = typeof type === 'string' ? typeRef(type) : type;
  if (value === null || value === undefined) return ref.nonNull ? INVALID : ok(null);
  if (ref.item !== undefined) {
    const items = Array.isArray(value) ? value : [value];
    const out: unknown[] = [];
    for (const item of items) {
      const coerced = coerceJson(item, ref.item, enumValues);
      if (!coerced.ok) return INVALID;
      out.push(coerced.value);
    }
    return ok(out);
  }
  return scalarFromJson(value, ref.name, enumValues);
}

function scalarFromLiteral(value: GqlValue, name: string, enumValues: readonly string[] | undefined): Coerced {
  if (enumValues !== undefined) return value.kind === 'Enum' && enumValues.includes(value.value) ? ok(value.value) : INVALID;
  if (value.kind === 'Int') {
    if (name === 'Int' || name === 'Float') return scalarFromJson(Number(value.value), name, undefined);
    return name === 'ID' ? ok(value.value) : INVALID;
  }
  if (value.kind === 'Float') return name === 'Float' ? ok(Number(value.value)) : INVALID;
  if (value.kind === 'Boolean') return name === 'Boolean' ? ok(value.value) : INVALID;
  if (value.kind === 'String') return ['Int', 'Float', 'Boolean'].includes(name) ? INVALID : ok(value.value);
  return INVALID;
}

/**
 * Coerces an argument written in the query (variables already known) to a type.
 * @example
 * coerceLiteral({ kind: 'Int', value: '50' }, 'Int', undefined, {}); // { ok: true, value: 50 }
 */
export function coerceLiteral(value: GqlValue, type: string | TypeRef, enumValues: readonly string[] | undefined, variables: Readonly<Record<string, unknown>>): Coerced {
  const ref = typeof type === 'string' ? typeRef(type) : type;
  if (value.kind === 'Variable') return coerceJson(variables[value.name], ref, enumValues);
  if (value.kind === 'Null') return ref.nonNull ? INVALID : ok(null);
  if (ref.item !== undefined) {
    const items = value.kind === 'List' ? value.values : [value];
    const out: unknown[] = [];
    for (const item of items) {
      const coerced = coerceLiteral(item, ref.item, enumValues, variables);
      if (!coerced.ok) return INVALID;
      out.push(coerced.value);
    }
    return ok(out);
  }
  return scalarFromLiteral(value, ref.name, enumValues);
}

/**
 * The text of a literal as graphql-ruby quotes it in error messages (`abc`, `"TITLE"`, `[1, 2]`).
 * @example
 * printValue({ kind: 'String', value: 'x' }); // '"x"'
 */
export function printValue(value: GqlValue): string {
  switch (value.kind) {
    case 'Variable':
      return `$${value.name}`;
    case 'String':
      return JSON.stringify(value.value);
    case 'Null':
      return 'null';
    case 'Boolean':
      return String(value.value);
    case 'List':
      return `[${value.values.map(printValue).join(', ')}]`;
    case 'Object':
      return `{${value.fields.map((f) => `${f.name}: ${printValue(f.value)}`).join(', ')}}`;
    default:
      return value.value;
  }
}
