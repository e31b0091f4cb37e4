/**
 * Paths of the fast path (fast-path.ts): `a.b.c`, `$parent.id`, `items[0].qty`, `lines.{ ... }`,
 * evaluated as jsonata.js 2.2 `evaluatePath` / `evaluateStep` / `evaluateFilter` do (sequences,
 * flattening, the singleton rules), for the step kinds listed in {@link compilePath}.
 */
import { BAIL, collapse, createSequence, isFunction, isSequence, lookup, type Sequence } from './fast-path-values.js';
import { after, inOrder } from './fast-path-ops.js';

/** The AST fields the fast path reads (jsonata's published `ExprNode` type lacks some node types). */
export interface AstNode {
  readonly type: string;
  readonly value?: unknown;
  readonly steps?: readonly AstNode[];
  readonly stages?: readonly AstNode[];
  readonly expr?: AstNode;
  readonly arguments?: readonly AstNode[];
  readonly expressions?: readonly AstNode[];
  readonly expression?: AstNode;
  readonly body?: AstNode;
  readonly procedure?: AstNode;
  readonly condition?: AstNode;
  readonly then?: AstNode;
  readonly else?: AstNode;
  readonly lhs?: unknown;
  readonly rhs?: AstNode;
}

/** Per-evaluation variables: the bindings JSONata gets (`connection`, `store`, `parent`, ...). */
export type FastScope = Readonly<Record<string, unknown>>;

/** A compiled node: its value (collapsed as JSONata collapses it), BAIL, or a promise of one. */
export type Value = (input: unknown, scope: FastScope) => unknown;

/** Only these exact node shapes are understood; any other key (a focus, a group, a tuple) means "not in the subset". */
export function hasOnly(node: object, keys: readonly string[]): boolean {
  return Object.entries(node).every(([k, v]) => v === undefined || k === 'position' || keys.includes(k));
}

/** A step's evaluation against one item of the input sequence. */
type Step = (item: unknown, scope: FastScope) => unknown;

/** jsonata.js `evaluateFilter` for a number literal predicate (`items[0]`, `items[-1]`). */
function indexFilter(res: unknown, at: number): Sequence | unknown[] {
  const input = Array.isArray(res) ? res : createSequence(res);
  let index = Math.floor(at);
  if (index < 0) index = input.length + index;
  const item: unknown = input[index];
  if (item === undefined) return createSequence();
  if (Array.isArray(item)) return item;
  return createSequence(item);
}

/** `name`, or `name[<number>]`: the only stage the fast path takes is a literal index. */
function compileNameStep(step: AstNode): Step | undefined {
  if (typeof step.value !== 'string' || !hasOnly(step, ['type', 'value', 'stages'])) return undefined;
  const name = step.value;
  const indexes: number[] = [];
  for (const stage of step.stages ?? []) {
    const expr = stage.expr;
    if (stage.type !== 'filter' || !hasOnly(stage, ['type', 'expr']) || expr?.type !== 'number' || !hasOnly(expr, ['type', 'value'])) return undefined;
    indexes.push(expr.value as number);
  }
  if (indexes.length === 0) return (item) => collapse(lookup(item, name));
  return (item) => {
    let res: unknown = collapse(lookup(item, name));
    for (const at of indexes) res = indexFilter(res, at);
    return res;
  };
}

/** jsonata.js `evaluateStep` after its items are evaluated: drop undefined, keep a lone list whole on the last step, else flatten. */
function stepResult(results: readonly unknown[], lastStep: boolean): unknown[] {
  const result = results.filter((res) => res !== undefined);
  const [only] = result;
  if (lastStep && result.length === 1 && Array.isArray(only) && !isSequence(only)) return only;
  const sequence = createSequence();
  for (const res of result) {
    if (Array.isArray(res) && !(res as { cons?: unknown }).cons) for (const val of res) sequence.push(val);
    else sequence.push(res);
  }
  return sequence;
}

/**
 * A path whose first step is a name, `$` or a variable and whose other steps are names (with
 * literal indexes) or object constructors; undefined for anything else. `compileStep` compiles a
 * step that is not a name (the caller's object constructor or variable).
 * @example
 * const path = compilePath(node, (step) => (step.type === 'variable' ? variableStep(step) : compileObject(step)));
 */
export function compilePath(node: AstNode, compileStep: (step: AstNode, first: boolean) => Step | undefined): Value | undefined {
  const steps = node.steps;
  if (!hasOnly(node, ['type', 'steps']) || steps === undefined || steps.length === 0) return undefined;
  const compiled: Step[] = [];
  for (const [i, step] of steps.entries()) {
    const c = step.type === 'name' ? compileNameStep(step) : compileStep(step, i === 0);
    if (c === undefined) return undefined;
    compiled.push(c);
  }
  const absolute = steps[0]?.type === 'variable';
  const run = (i: number, input: unknown[], scope: FastScope): unknown => {
    const step = compiled[i] as Step;
    return after(
      inOrder(input.length, (k) => step(input[k], scope), (results) => stepResult(results, i === compiled.length - 1)),
      (result) => {
        const sequence = result as unknown[];
        if (sequence.length === 0 || i === compiled.length - 1) return collapse(sequence);
        return run(i + 1, sequence, scope);
      },
    );
  };
  const general: Value = (input, scope) => run(0, Array.isArray(input) && !absolute ? input : createSequence(input), scope);
  return plainPath(steps, compiled[0] as Step, general) ?? general;
}

/** A field of one value that is not a list: jsonata.js `lookup` on a single input. */
const field = (v: unknown, name: string): unknown =>
  typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, name) && !isFunction(v) ? (v as Record<string, unknown>)[name] : undefined;

/**
 * The common path, `a.b.c` or `$parent.a.b`, while no value on it is a list: then each step's
 * sequence holds one item and the general evaluation reduces to field reads. At the first list
 * (or a sequence at the end) it evaluates the path again the general way; reading is side-effect free.
 */
function plainPath(steps: readonly AstNode[], first: Step, general: Value): Value | undefined {
  const names: string[] = [];
  for (const [i, step] of steps.entries()) {
    if (i === 0 && step.type === 'variable') continue;
    if (step.type !== 'name' || step.stages !== undefined) return undefined;
    names.push(step.value as string);
  }
  const variable = steps[0]?.type === 'variable';
  return (input, scope) => {
    let current: unknown = input;
    if (variable) {
      current = first(input, scope); // a variable read: synchronous
      if (current === BAIL) return BAIL;
    }
    for (const name of names) {
      if (Array.isArray(current)) return general(input, scope);
      current = field(current, name);
      if (current === undefined) return undefined;
    }
    return isSequence(current) ? general(input, scope) : current;
  };
}
