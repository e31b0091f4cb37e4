/**
 * A fast path for mappings: a plain-JS evaluation of the JSONata the bundled connectors use
 * (object and array constructors, paths with `a.{ ... }` steps and literal indexes, `?:`, `&`,
 * arithmetic, comparison and boolean operators, `$number`, `$string`, `$exists`, `$lowercase`,
 * `$round` and a few more built-ins, plugin functions, and `$store` / `$product` lookups). The
 * JSONata engine evaluates a mapping at about 40,000 records/s; this does several times that,
 * which the sync benchmark needs.
 *
 * It is exact by construction: each node is ported from jsonata.js 2.2, and wherever JSONata
 * would throw, or a value needs semantics the port leaves out (grouping over a list, deep
 * equality, an object cast to a string), the evaluation returns {@link BAIL} and the caller
 * evaluates the record with JSONata itself. Expressions outside the subset never get a fast path.
 * fast-path-conformance.test.ts holds it to JSONata's own test suite.
 */
import type { MappingFunctionEntry } from './functions.js';
import { compileBind, compileFunction, compileLambda, compileVariable, type Context } from './fast-path-calls.js';
import { after, BINARY, boolize, inOrder, isThenable, negate } from './fast-path-ops.js';
import { compilePath, hasOnly, type AstNode, type FastScope, type Value } from './fast-path-paths.js';
import { append, BAIL, isFunction, isSequence } from './fast-path-values.js';

export { BAIL } from './fast-path-values.js';
export type { AstNode, FastScope } from './fast-path-paths.js';

/** Evaluates a whole mapping: its value, BAIL, or a promise of one. */
export type FastMapping = (record: unknown, scope: FastScope) => unknown;

/** Keys an object constructor may not set: JSONata rejects the first two (D1013); the rest are kept away from plain objects downstream. */
const UNSAFE_KEYS = new Set(['_jsonata_lambda', '_jsonata_function', '__proto__', 'constructor', 'prototype']);

/** jsonata.js `evaluateGroupExpression` for one input that is not a list: an object, keys in order. */
function compileObject(node: AstNode, context: Context): Value | undefined {
  const pairs = node.lhs;
  if (!Array.isArray(pairs) || node.value !== '{' || !hasOnly(node, ['type', 'value', 'lhs'])) return undefined;
  const keys: string[] = [];
  const values: Value[] = [];
  for (const pair of pairs as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const [key, value] = pair as [AstNode, AstNode];
    if (key.type !== 'string' || typeof key.value !== 'string' || !hasOnly(key, ['type', 'value'])) return undefined;
    if (UNSAFE_KEYS.has(key.value) || keys.includes(key.value)) return undefined;
    const compiled = compileNode(value, context);
    if (compiled === undefined) return undefined;
    keys.push(key.value);
    values.push(compiled);
  }
  return (input, scope) => {
    // Over a list, an object constructor groups its items: JSONata's to do.
    if (Array.isArray(input)) return BAIL;
    // A plain object, where JSONata builds one with a null prototype: serialising it is much
    // faster, and `__proto__` is refused as a key. Its lists carry no sequence flag (setField).
    const out: Record<string, unknown> = {};
    for (let i = 0; i < values.length; i++) {
      const v = (values[i] as Value)(input, scope);
      if (isThenable(v)) return finishObject(out, keys, values, i, v, input, scope);
      if (!setField(out, keys[i] as string, v)) return BAIL;
    }
    return out;
  };
}

/**
 * Sets a field unless the value is undefined; false for BAIL or a function (JSONata represents
 * lambdas its own way). A sequence is stored as a plain list, as compile-mapping.ts strips
 * JSONata's (the objects it walks into are JSONata's null-prototype ones, not these): a sequence
 * held here has two items or more, so no later step treats it differently for the flag.
 */
function setField(out: Record<string, unknown>, key: string, v: unknown): boolean {
  if (v === BAIL || isFunction(v)) return false;
  if (v !== undefined) out[key] = isSequence(v) ? v.slice() : v;
  return true;
}

/** The rest of an object once a field's value is a promise (a lookup that went to the database). */
async function finishObject(
  out: Record<string, unknown>,
  keys: readonly string[],
  values: readonly Value[],
  from: number,
  pending: PromiseLike<unknown>,
  input: unknown,
  scope: FastScope,
): Promise<unknown> {
  for (let i = from; i < values.length; i++) {
    const v = await (i === from ? pending : (values[i] as Value)(input, scope));
    if (!setField(out, keys[i] as string, v)) return BAIL;
  }
  return out;
}

/** jsonata.js `evaluateUnary`, case '[': items appended (a nested constructor pushed whole). */
function compileArray(node: AstNode, context: Context): Value | undefined {
  if (!hasOnly(node, ['type', 'value', 'expressions'])) return undefined;
  const items = node.expressions ?? [];
  const values = compileAll(items, context);
  if (values === undefined) return undefined;
  const nested = items.map((item) => item.value === '[');
  return (input, scope) =>
    inOrder(values.length, (i) => (values[i] as Value)(input, scope), (results) => {
      if (results.some(isFunction)) return BAIL;
      let result: unknown[] = [];
      for (let i = 0; i < results.length; i++) {
        const value = results[i];
        if (value === undefined) continue;
        if (nested[i]) result.push(value);
        else result = append(result, value);
      }
      return result;
    });
}

function compileBinary(node: AstNode, context: Context): Value | undefined {
  const op = node.value;
  if (typeof op !== 'string' || !hasOnly(node, ['type', 'value', 'lhs', 'rhs'])) return undefined;
  const lhs = compileNode(node.lhs as AstNode, context);
  const rhs = node.rhs === undefined ? undefined : compileNode(node.rhs, context);
  if (lhs === undefined || rhs === undefined) return undefined;
  if (op === 'and' || op === 'or') {
    return (input, scope) =>
      after(lhs(input, scope), (l) => {
        const left = boolize(l);
        if (left === BAIL || left === (op === 'or')) return left;
        return after(rhs(input, scope), boolize);
      });
  }
  const apply = BINARY.get(op);
  if (apply === undefined) return undefined;
  return (input, scope) => after(lhs(input, scope), (l) => after(rhs(input, scope), (r) => apply(op, l, r)));
}

function compileCondition(node: AstNode, context: Context): Value | undefined {
  if (!hasOnly(node, ['type', 'condition', 'then', 'else']) || node.condition === undefined || node.then === undefined) return undefined;
  const condition = compileNode(node.condition, context);
  const yes = compileNode(node.then, context);
  const no = node.else === undefined ? () => undefined : compileNode(node.else, context);
  if (condition === undefined || yes === undefined || no === undefined) return undefined;
  return (input, scope) =>
    after(condition(input, scope), (c) => {
      const b = boolize(c);
      return b === BAIL ? BAIL : b === true ? yes(input, scope) : no(input, scope);
    });
}

/** `( a; b )`: each in turn in a new frame (jsonata.js `evaluateBlock`), the last one's value. */
function compileBlock(node: AstNode, context: Context): Value | undefined {
  if (!hasOnly(node, ['type', 'expressions'])) return undefined;
  const bindsBefore = context.binds.count;
  const values = compileAll(node.expressions ?? [], context);
  if (values === undefined) return undefined;
  // A frame nothing binds into is the same as its parent's (a lambda defined here captures either alike).
  if (context.binds.count === bindsBefore) return (input, scope) => inOrder(values.length, (i) => (values[i] as Value)(input, scope), (results) => results[results.length - 1]);
  return (input, scope) => {
    const frame = Object.create(scope) as FastScope;
    return inOrder(values.length, (i) => (values[i] as Value)(input, frame), (results) => results[results.length - 1]);
  };
}

function compileAll(nodes: readonly AstNode[], context: Context): Value[] | undefined {
  const values: Value[] = [];
  for (const node of nodes) {
    const value = compileNode(node, context);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

function compileUnary(node: AstNode, context: Context): Value | undefined {
  if (node.value === '{') return compileObject(node, context);
  if (node.value === '[') return compileArray(node, context);
  if (node.value !== '-' || node.expression === undefined || !hasOnly(node, ['type', 'value', 'expression'])) return undefined;
  const operand = compileNode(node.expression, context);
  return operand === undefined ? undefined : (input, scope) => after(operand(input, scope), negate);
}

function compileNode(node: AstNode, context: Context): Value | undefined {
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      if (!hasOnly(node, ['type', 'value'])) return undefined;
      const literal: unknown = node.value;
      return () => literal;
    }
    case 'path':
      return compilePath(node, (step) => {
        if (step.type === 'variable') return compileVariable(step, context);
        if (step.type === 'function') return compileFunction(step, context);
        return step.type === 'unary' ? compileObject(step, context) : undefined;
      });
    case 'variable':
      return compileVariable(node, context);
    case 'function':
      return compileFunction(node, context);
    case 'unary':
      return compileUnary(node, context);
    case 'binary':
      return compileBinary(node, context);
    case 'condition':
      return compileCondition(node, context);
    case 'block':
      return compileBlock(node, context);
    case 'bind':
      return compileBind(node, context);
    case 'lambda':
      return compileLambda(node, context);
    default:
      return undefined;
  }
}

/**
 * The fast evaluation of an expression's AST, or undefined when it is outside the subset. An
 * expression that is one parenthesised expression, `( ... )`, never gets one: that is how a
 * benchmark (or a suspicious user) asks for the JSONata engine. A list as input goes to JSONata
 * (which wraps it), and so does a result that is a function.
 * @example
 * const fast = compileFastPath(jsonata(expr).ast() as unknown as AstNode, registry.functions());
 * let result = fast === undefined ? BAIL : await fast(record, bindings);
 * if (result === BAIL) result = await expression.evaluate(record, bindings);
 */
export function compileFastPath(ast: AstNode, functions: readonly MappingFunctionEntry[]): FastMapping | undefined {
  if (ast.type === 'block' && ast.expressions?.length === 1) return undefined;
  const plugins = new Map(functions.map((f) => [f.name.startsWith('$') ? f.name.slice(1) : f.name, f] as const));
  const context: Context = { plugins, binds: { count: 0 }, compile: (node) => compileNode(node, context) };
  const value = compileNode(ast, context);
  if (value === undefined) return undefined;
  const done = (r: unknown): unknown => (isFunction(r) ? BAIL : r);
  if (context.binds.count === 0) return (record, scope) => (Array.isArray(record) ? BAIL : after(value(record, scope), done));
  // A frame of its own, as JSONata's `evaluate` makes one: `$x := ...` never writes to the caller's bindings.
  return (record, scope) => (Array.isArray(record) ? BAIL : after(value(record, Object.create(scope) as FastScope), done));
}
