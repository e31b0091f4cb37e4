/**
 * The operators of the fast path (fast-path.ts) over evaluated values, each ported from jsonata.js
 * 2.2 (`evaluateNumericExpression`, `evaluateEqualityExpression`, ...), and the sequencing
 * helpers that let a compiled node stay synchronous until a lookup returns a promise. Where
 * JSONata would throw, an operator returns BAIL: JSONata then evaluates the record and throws.
 */
import { BAIL, castString, isScalar, toBoolean } from './fast-path-values.js';

export const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/** Applies `f` to a value once it is there; BAIL passes through. */
export function after(v: unknown, f: (value: unknown) => unknown): unknown {
  if (v === BAIL) return BAIL;
  if (isThenable(v)) return Promise.resolve(v).then((r) => (r === BAIL ? BAIL : f(r)));
  return f(v);
}

/**
 * Runs `count` evaluations in order, synchronously until one returns a promise, then hands the
 * results to `done`. Any BAIL ends it with BAIL.
 */
export function inOrder(count: number, run: (i: number) => unknown, done: (results: unknown[]) => unknown): unknown {
  const results: unknown[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const v = run(i);
    if (v === BAIL) return BAIL;
    if (isThenable(v)) return finishInOrder(results, i, v, count, run, done);
    results[i] = v;
  }
  return done(results);
}

async function finishInOrder(
  results: unknown[],
  from: number,
  pending: PromiseLike<unknown>,
  count: number,
  run: (i: number) => unknown,
  done: (results: unknown[]) => unknown,
): Promise<unknown> {
  for (let i = from; i < count; i++) {
    const v = await (i === from ? pending : run(i));
    if (v === BAIL) return BAIL;
    results[i] = v;
  }
  return done(results);
}

/** A finite number: what jsonata.js `isNumeric` accepts without throwing D1001 (NaN is not numeric). */
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function arithmetic(op: string, lhs: unknown, rhs: unknown): unknown {
  // T2001 / T2002 for a non-number operand, checked before undefined gives undefined.
  if ((lhs !== undefined && !isNumber(lhs)) || (rhs !== undefined && !isNumber(rhs))) return BAIL;
  if (lhs === undefined || rhs === undefined) return undefined;
  let result: number;
  if (op === '+') result = lhs + rhs;
  else if (op === '-') result = lhs - rhs;
  else if (op === '*') result = lhs * rhs;
  else if (op === '/') result = lhs / rhs;
  else result = lhs % rhs;
  // An infinite or NaN result fails later in JSONata (D1001 where it is next read); let it.
  return Number.isFinite(result) ? result : BAIL;
}

function equality(op: string, lhs: unknown, rhs: unknown): unknown {
  if (lhs === undefined || rhs === undefined) return false;
  // Deep equality of lists and objects is left to JSONata.
  if (!isScalar(lhs) || !isScalar(rhs)) return BAIL;
  return op === '=' ? lhs === rhs : lhs !== rhs;
}

function comparison(op: string, lhs: unknown, rhs: unknown): unknown {
  const comparable = (v: unknown): boolean => v === undefined || typeof v === 'string' || typeof v === 'number';
  if (!comparable(lhs) || !comparable(rhs)) return BAIL; // T2010
  if (lhs === undefined || rhs === undefined) return undefined;
  if (typeof lhs !== typeof rhs) return BAIL; // T2009
  const [l, r] = [lhs as string | number, rhs as string | number];
  if (op === '<') return l < r;
  if (op === '<=') return l <= r;
  if (op === '>') return l > r;
  return l >= r;
}

function concat(lhs: unknown, rhs: unknown): unknown {
  const l = lhs === undefined ? '' : castString(lhs);
  const r = rhs === undefined ? '' : castString(rhs);
  return typeof l === 'string' && typeof r === 'string' ? l.concat(r) : BAIL;
}

/** The binary operators the fast path compiles, `and` and `or` apart (they short-circuit). */
export const BINARY: ReadonlyMap<string, (op: string, lhs: unknown, rhs: unknown) => unknown> = new Map([
  ...['+', '-', '*', '/', '%'].map((op) => [op, arithmetic] as const),
  ...['=', '!='].map((op) => [op, equality] as const),
  ...['<', '<=', '>', '>='].map((op) => [op, comparison] as const),
  ['&', (_op: string, lhs: unknown, rhs: unknown) => concat(lhs, rhs)] as const,
]);

/** jsonata.js `boolize`: the effective boolean value, undefined as false. */
export function boolize(v: unknown): unknown {
  const b = toBoolean(v);
  return b === undefined ? false : b;
}

/** Unary minus (jsonata.js `evaluateUnary`, case '-'): D1002 for anything but a number. */
export function negate(v: unknown): unknown {
  if (v === undefined) return undefined;
  return isNumber(v) ? -v : BAIL;
}
