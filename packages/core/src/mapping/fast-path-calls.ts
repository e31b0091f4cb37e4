/**
 * Variables, bindings and calls of the fast path (fast-path.ts): `$name`, `$x := ...`, lambdas
 * (`function($v) { ... }`, called by name), built-ins, plugin functions and bound functions such
 * as `$store`. Frames are objects chained by prototype, as jsonata.js 2.2 chains its environments:
 * a lookup finds the nearest binding (undefined included), and a block and a lambda call each get
 * a new frame, as `createFrame` does.
 */
import type { MappingFunctionEntry } from './functions.js';
import { after, inOrder, isThenable } from './fast-path-ops.js';
import { hasOnly, type AstNode, type FastScope, type Value } from './fast-path-paths.js';
import { BAIL, BUILTINS, collapse, isFunction, JSONATA_FUNCTION_NAMES } from './fast-path-values.js';

/** What compiling needs: the plugin functions by name without `$`, and the node compiler. */
export interface Context {
  readonly plugins: ReadonlyMap<string, MappingFunctionEntry>;
  /** How many `:=` compiled so far: a block with none inside needs no frame of its own. */
  readonly binds: { count: number };
  readonly compile: (node: AstNode) => Value | undefined;
}

/** A plugin signature whose parameters are all `x` (anything, passed as is): `<x-:n>`, `<xx:s>`. */
const ANY_SIGNATURE = /^<(x-?)+(:[a-z]+)?>$/;

/** A lambda the fast path defined: jsonata.js `evaluateLambda` keeps the same three things. */
class FastLambda {
  readonly _jsonata_lambda = true;
  /** Set while a call runs: recursion is JSONata's (its depth and time limits, its tail calls). */
  running = false;
  constructor(
    readonly params: readonly string[],
    readonly body: Value,
    readonly input: unknown,
    readonly frame: FastScope,
  ) {}
}

/** jsonata.js `frame.bind`: an own binding, undefined included, hides the enclosing frames' one. */
function bind(frame: FastScope, name: string, value: unknown): void {
  (frame as Record<string, unknown>)[name] = value;
}

/** jsonata.js `applyProcedure`: the body over the lambda's own input, in a frame of its parameters. */
function applyLambda(lambda: FastLambda, args: readonly unknown[]): unknown {
  if (lambda.running) return BAIL;
  const frame = Object.create(lambda.frame) as FastScope;
  lambda.params.forEach((param, i) => bind(frame, param, args[i]));
  lambda.running = true;
  let result: unknown;
  try {
    result = lambda.body(lambda.input, frame);
  } finally {
    if (!isThenable(result)) lambda.running = false;
  }
  if (!isThenable(result)) return result;
  return Promise.resolve(result).finally(() => {
    lambda.running = false;
  });
}

/** A name the fast path may read or bind: not `$$`, not a name jsonata.js frames inherit from Object.prototype. */
const usableName = (name: unknown): name is string => typeof name === 'string' && name !== '' && name !== '$' && !(name in Object.prototype);

/** A `$name` read (not a call): the nearest binding; BAIL for a function, which only JSONata hands on. */
export function compileVariable(node: AstNode, context: Context): Value | undefined {
  const name = node.value;
  if (!hasOnly(node, ['type', 'value'])) return undefined;
  if (name === '') return (input) => collapse(input);
  // JSONata's functions and the plugins' would be found if nothing shadows them.
  if (!usableName(name) || JSONATA_FUNCTION_NAMES.has(name) || context.plugins.has(name)) return undefined;
  return (_input, scope) => {
    const value = scope[name];
    return isFunction(value) ? BAIL : collapse(value);
  };
}

/** `$x := value`: binds in the current frame, gives the value. */
export function compileBind(node: AstNode, context: Context): Value | undefined {
  const lhs = node.lhs as AstNode | undefined;
  if (lhs?.type !== 'variable' || !hasOnly(lhs, ['type', 'value']) || !usableName(lhs.value) || node.rhs === undefined) return undefined;
  if (!hasOnly(node, ['type', 'value', 'lhs', 'rhs'])) return undefined;
  const name = lhs.value;
  const rhs = context.compile(node.rhs);
  if (rhs === undefined) return undefined;
  context.binds.count++;
  return (input, scope) => after(rhs(input, scope), (value) => (bind(scope, name, value), value));
}

/** `function($a, $b) { body }` without a signature (JSONata would validate calls against it). */
export function compileLambda(node: AstNode, context: Context): Value | undefined {
  const params = (node.arguments ?? []).map((p) => (p.type === 'variable' && hasOnly(p, ['type', 'value']) && usableName(p.value) ? p.value : undefined));
  if (!hasOnly(node, ['type', 'arguments', 'body']) || node.body === undefined || params.some((p) => p === undefined)) return undefined;
  const body = context.compile(node.body);
  if (body === undefined) return undefined;
  return (input, scope) => new FastLambda(params as string[], body, input, scope);
}

const isIterator = (r: unknown): boolean => typeof r === 'object' && r !== null && typeof (r as { next?: unknown }).next === 'function';

/** A call's result as the fast path hands it on: a function (or a generator) is JSONata's to handle; a throw or rejection too. */
function settleCall(call: () => unknown): unknown {
  const checked = (r: unknown): unknown => (isFunction(r) || isIterator(r) ? BAIL : r);
  let result: unknown;
  try {
    result = call();
  } catch {
    return BAIL;
  }
  if (result === BAIL) return BAIL;
  // A rejection (a lookup miss, a plugin's error) is JSONata's to raise, with its own wrapping.
  if (isThenable(result)) return Promise.resolve(result).then(checked, () => BAIL);
  return checked(result);
}

/**
 * A call of a variable that is not a built-in or a plugin function: a lambda the expression
 * defined, or a bound JS function (`$store`), which jsonata.js calls with the input as `this`.
 */
function callProcedure(procedure: unknown, args: unknown[], input: unknown): unknown {
  if (procedure instanceof FastLambda) return settleCall(() => applyLambda(procedure, args));
  if (typeof procedure !== 'function') return BAIL;
  return settleCall(() => (procedure as (...a: unknown[]) => unknown).apply(input, args));
}

/** A one-argument built-in, without the closures of the general case: most calls in mappings are these. */
function callOne(v: unknown, apply: (...args: unknown[]) => unknown): unknown {
  if (v === BAIL) return BAIL;
  if (isThenable(v)) return Promise.resolve(v).then((r) => (r === BAIL || isFunction(r) ? BAIL : apply(r)));
  return isFunction(v) ? BAIL : apply(v);
}

export function compileFunction(node: AstNode, context: Context): Value | undefined {
  const procedure = node.procedure;
  const name = procedure?.type === 'variable' && hasOnly(procedure, ['type', 'value']) ? procedure.value : undefined;
  if (!usableName(name) || !hasOnly(node, ['type', 'value', 'procedure', 'arguments'])) return undefined;
  const args: Value[] = [];
  for (const arg of node.arguments ?? []) {
    const compiled = context.compile(arg);
    if (compiled === undefined) return undefined;
    args.push(compiled);
  }
  // Lambdas and functions as arguments are wrapped by JSONata: JSONata's to do.
  const withArgs = (input: unknown, scope: FastScope, call: (values: unknown[]) => unknown): unknown =>
    inOrder(args.length, (i) => (args[i] as Value)(input, scope), (values) => (values.some(isFunction) ? BAIL : call(values)));
  const plugin = context.plugins.get(name);
  const builtin = BUILTINS.get(name);
  if (plugin !== undefined) {
    if (plugin.signature !== undefined && !(ANY_SIGNATURE.test(plugin.signature) && plugin.signature.split('x').length - 1 === args.length)) return undefined;
    const impl = plugin.impl as (...a: unknown[]) => unknown;
    // A binding of the same name would be called instead.
    return (input, scope) => (name in scope ? BAIL : withArgs(input, scope, (values) => settleCall(() => impl.apply({ input }, values))));
  }
  if (builtin !== undefined) {
    if (builtin.arity !== args.length) return undefined;
    const [only] = args;
    if (only !== undefined && args.length === 1) return (input, scope) => (name in scope ? BAIL : callOne(only(input, scope), builtin.apply));
    return (input, scope) => (name in scope ? BAIL : withArgs(input, scope, (values) => builtin.apply(...values)));
  }
  if (JSONATA_FUNCTION_NAMES.has(name)) return undefined;
  return (input, scope) => withArgs(input, scope, (values) => callProcedure(scope[name], values, input));
}
