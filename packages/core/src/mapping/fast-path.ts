/**
 * A fast path for the mappings most streams use: an object constructor whose values are field
 * paths, literals, nested constructors, and `$number`, `$string`, `$store`, `$product` or
 * `$connection` over those (`{ "product": sku, "quantity": $number(qty), "store": $store(loc) }`).
 * JSONata evaluates such a mapping at about 40,000 records/s; this plain-JS evaluation of the
 * same AST does over ten times that, which the sync benchmark needs.
 *
 * It is exact by construction: any value whose handling would need JSONata's finer semantics (a
 * list anywhere on a path, a cast that is not a plain decimal, a record that is not an object)
 * returns {@link BAIL} and the caller evaluates the record with JSONata itself. Expressions
 * outside the subset never get a fast path. fast-path.test.ts checks both against each other.
 */

/**
 * The AST as jsonata builds it; its published `ExprNode` type lacks some node types (`path`), so
 * the fast path declares the few fields it reads.
 */
export interface AstNode {
  readonly type: string;
  readonly value?: unknown;
  readonly steps?: readonly AstNode[];
  readonly arguments?: readonly AstNode[];
  readonly procedure?: AstNode;
  readonly lhs?: unknown;
}

/** "Evaluate this record with JSONata instead." */
export const BAIL: unique symbol = Symbol('bail');

/** Per-evaluation values a fast mapping reads: the bindings JSONata would get. */
export interface FastScope {
  readonly connection: unknown;
  readonly store: (id: unknown) => unknown;
  readonly product: (id: unknown) => unknown;
}

/** A compiled value: the result, undefined (left out), BAIL, or a promise of one (a lookup). */
type Value = (input: Record<string, unknown>, scope: FastScope) => unknown;

/** Evaluates a whole mapping; resolves to the object, or BAIL. */
export type FastMapping = (record: unknown, scope: FastScope) => unknown;

/** JSONata's own test for strings $number() accepts as decimals (jsonata.js `number()`). */
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;
const FUNCTIONS = new Set(['number', 'string', 'store', 'product']);
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/** Only these exact node shapes are understood; an extra key (a predicate, a focus, ...) means "not in the subset". */
function hasOnly(node: object, keys: readonly string[]): boolean {
  return Object.entries(node).every(([k, v]) => v === undefined || k === 'position' || keys.includes(k));
}

function $number(v: unknown): unknown {
  if (v === undefined || typeof v === 'number') return v;
  if (typeof v === 'string') return DECIMAL.test(v) && Number.isFinite(parseFloat(v)) ? parseFloat(v) : BAIL;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return BAIL;
}

function $string(v: unknown): unknown {
  if (v === undefined || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(Number.isInteger(v) ? v : Number(v.toPrecision(15))) : BAIL;
  if (typeof v === 'boolean' || v === null) return String(v);
  return BAIL;
}

function compilePath(steps: readonly AstNode[]): Value | undefined {
  const first = steps[0];
  if (first === undefined) return undefined;
  let start: Value;
  let rest: readonly AstNode[];
  if (first.type === 'variable' && (first.value === '' || first.value === 'connection') && hasOnly(first, ['type', 'value'])) {
    start = first.value === '' ? (input) => input : (_input, scope) => scope.connection;
    rest = steps.slice(1);
  } else {
    start = (input) => input;
    rest = steps;
  }
  const names: string[] = [];
  for (const step of rest) {
    if (step.type !== 'name' || typeof step.value !== 'string' || !hasOnly(step, ['type', 'value'])) return undefined;
    names.push(step.value);
  }
  return (input, scope) => {
    let current: unknown = start(input, scope);
    for (const name of names) {
      if (Array.isArray(current)) return BAIL;
      // A step into a scalar or null yields nothing, as in JSONata.
      if (!isObject(current)) return undefined;
      current = current[name];
    }
    return Array.isArray(current) ? BAIL : current;
  };
}

function compileFunction(node: AstNode): Value | undefined {
  const name = node.procedure?.type === 'variable' ? node.procedure.value : undefined;
  const args = node.arguments ?? [];
  if (typeof name !== 'string' || !FUNCTIONS.has(name) || args.length !== 1 || !hasOnly(node, ['type', 'value', 'procedure', 'arguments'])) return undefined;
  if (node.procedure !== undefined && !hasOnly(node.procedure, ['type', 'value'])) return undefined;
  const arg = compileValue(args[0] as AstNode);
  if (arg === undefined) return undefined;
  const apply = (v: unknown, scope: FastScope): unknown => {
    if (v === BAIL) return BAIL;
    if (name === 'number') return $number(v);
    if (name === 'string') return $string(v);
    // Lookups take ids only; anything else goes to JSONata, which reports it as JSONata does.
    if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number') return BAIL;
    return name === 'store' ? scope.store(v) : scope.product(v);
  };
  return (input, scope) => {
    const v = arg(input, scope);
    return isThenable(v) ? Promise.resolve(v).then((resolved) => apply(resolved, scope)) : apply(v, scope);
  };
}

function compileObject(node: AstNode): Value | undefined {
  const pairs = node.lhs;
  if (!Array.isArray(pairs) || !hasOnly(node, ['type', 'value', 'lhs'])) return undefined;
  const fields: Array<[string, Value]> = [];
  for (const pair of pairs as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const [key, value] = pair as [AstNode, AstNode];
    if (key.type !== 'string' || typeof key.value !== 'string' || UNSAFE_KEYS.has(key.value)) return undefined;
    if (fields.some(([k]) => k === key.value)) return undefined;
    const compiled = compileValue(value);
    if (compiled === undefined) return undefined;
    fields.push([key.value, compiled]);
  }
  return (input, scope) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const [key, value] = fields[i] as [string, Value];
      const v = value(input, scope);
      if (isThenable(v)) return finishAsync(out, fields, i, v, input, scope);
      if (v === BAIL) return BAIL;
      if (v !== undefined) out[key] = v;
    }
    return out;
  };
}

/** The rest of an object once a field's value is a promise (a lookup that went to the database). */
async function finishAsync(
  out: Record<string, unknown>,
  fields: ReadonlyArray<[string, Value]>,
  from: number,
  pending: PromiseLike<unknown>,
  input: Record<string, unknown>,
  scope: FastScope,
): Promise<unknown> {
  for (let i = from; i < fields.length; i++) {
    const [key, value] = fields[i] as [string, Value];
    const v = await (i === from ? pending : value(input, scope));
    if (v === BAIL) return BAIL;
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function compileValue(node: AstNode): Value | undefined {
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      if (!hasOnly(node, ['type', 'value'])) return undefined;
      const literal: unknown = node.value;
      return () => literal;
    }
    case 'path':
      return hasOnly(node, ['type', 'steps']) && Array.isArray(node.steps) ? compilePath(node.steps) : undefined;
    case 'variable':
      return compilePath([node]);
    case 'function':
      return compileFunction(node);
    case 'unary':
      return node.value === '{' ? compileObject(node) : undefined;
    default:
      return undefined;
  }
}

/**
 * The fast evaluation of a mapping's AST, or undefined when the expression is outside the subset
 * (or `shadowed` names one of the functions it would inline, e.g. a plugin's `$number`).
 * @example
 * const fast = compileFastPath(jsonata(expr).ast(), []);
 * const result = fast === undefined ? BAIL : await fast(record, scope);
 * if (result === BAIL) result = await expression.evaluate(record, bindings);
 */
export function compileFastPath(ast: AstNode, shadowed: readonly string[]): FastMapping | undefined {
  if (shadowed.some((name) => FUNCTIONS.has(name) || name === 'connection')) return undefined;
  if (ast.type !== 'unary' || ast.value !== '{') return undefined;
  const object = compileObject(ast);
  if (object === undefined) return undefined;
  return (record, scope) => (isObject(record) ? object(record, scope) : BAIL);
}
