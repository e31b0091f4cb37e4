/**
 * JSONata's value semantics, ported line for line from jsonata.js 2.2 for the values the fast path
 * (fast-path.ts) handles: sequences, field lookup, the effective boolean value, casts, and the
 * built-in functions it inlines. Where JSONata would throw, these return {@link BAIL} instead, so
 * the record is evaluated again by JSONata itself, which raises its own error with its own code.
 */

/** "Evaluate this record with JSONata instead." */
export const BAIL: unique symbol = Symbol('bail');

/** An array JSONata built from a path (its `sequence` flag, enumerable as in jsonata.js). */
export type Sequence = unknown[] & { sequence: true };

export const isSequence = (v: unknown): v is Sequence => Array.isArray(v) && (v as { sequence?: unknown }).sequence === true;

/** jsonata.js `createSequence`: one argument (even undefined) becomes the only item. */
export function createSequence(...items: unknown[]): Sequence {
  const sequence = [] as unknown as Sequence;
  sequence.sequence = true;
  if (items.length === 1) sequence.push(items[0]);
  return sequence;
}

/** What jsonata.js `evaluate()` does to every node's result: an empty sequence is nothing, a singleton its item. */
export function collapse(result: unknown): unknown {
  if (!isSequence(result)) return result;
  if (result.length === 0) return undefined;
  return result.length === 1 ? result[0] : result;
}

export const isFunction = (v: unknown): boolean =>
  typeof v === 'function' || (typeof v === 'object' && v !== null && ((v as Record<string, unknown>)['_jsonata_function'] === true || (v as Record<string, unknown>)['_jsonata_lambda'] === true));

/** jsonata.js `lookup`: a field of an object, mapped and flattened over arrays. */
export function lookup(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = createSequence();
    for (const item of input) {
      const res = lookup(item, key);
      if (res === undefined) continue;
      if (Array.isArray(res)) for (const val of res) result.push(val);
      else result.push(res);
    }
    return result;
  }
  if (input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, key) && !isFunction(input)) {
    return (input as Record<string, unknown>)[key];
  }
  return undefined;
}

/**
 * jsonata.js `boolean`: the effective boolean value (undefined stays undefined). BAIL for an
 * infinite number, where jsonata.js `isNumeric` throws D1001.
 */
export function toBoolean(arg: unknown): unknown {
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return toBoolean(arg[0]);
    let any = false;
    for (const val of arg) {
      const b = toBoolean(val);
      if (b === BAIL) return BAIL;
      if (b === true) any = true;
    }
    return any;
  }
  if (typeof arg === 'string') return arg.length > 0;
  if (typeof arg === 'number') return Number.isNaN(arg) ? false : Number.isFinite(arg) ? arg !== 0 : BAIL;
  if (arg !== null && typeof arg === 'object' && !isFunction(arg)) return Object.keys(arg).length > 0;
  return arg === true;
}

/** A value the fast path handles as a plain JSON scalar. */
export const isScalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number';

/** jsonata.js `string` for scalars (objects, lists, non-finite numbers: BAIL). */
export function castString(v: unknown): unknown {
  if (v === undefined || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return BAIL;
    return JSON.stringify(Number.isInteger(v) ? v : Number(v.toPrecision(15)));
  }
  if (typeof v === 'boolean' || v === null) return String(v);
  return BAIL;
}

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;
// Copied as jsonata.js has it, alternation and all.
const BASED = /^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/;

/** jsonata.js `number` (its signature admits numbers, strings and booleans only). */
export function castNumber(v: unknown): unknown {
  if (v === undefined || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return BAIL;
  if (DECIMAL.test(v) && !Number.isNaN(parseFloat(v)) && Number.isFinite(Number(v))) return parseFloat(v);
  if (BASED.test(v)) return Number(v);
  return BAIL;
}

/** jsonata.js `round` with one argument: half to even, no -0. */
function round(v: number): number {
  let result = Math.round(v);
  if (Math.abs(result - v) === 0.5 && Math.abs(result % 2) === 1) result = result - 1;
  return Object.is(result, -0) ? 0 : result;
}

/** jsonata.js `trim`: whitespace runs become one space, then one leading and one trailing space go. */
function trim(str: string): string {
  let result = str.replace(/[ \t\n\r]+/gm, ' ');
  if (result.charAt(0) === ' ') result = result.substring(1);
  if (result.charAt(result.length - 1) === ' ') result = result.substring(0, result.length - 1);
  return result;
}

function substringAfter(str: string, chars: string): string {
  const pos = str.indexOf(chars);
  return pos > -1 ? str.substring(pos + chars.length) : str;
}

function substringBefore(str: string, chars: string): string {
  const pos = str.indexOf(chars);
  return pos > -1 ? str.substring(0, pos) : str;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const strings = (f: (s: string) => unknown) => (v: unknown): unknown => (v === undefined ? undefined : isString(v) ? f(v) : BAIL);
// The second argument is checked first: JSONata validates both before the function sees an undefined first.
const strings2 = (f: (s: string, c: string) => unknown) => (v: unknown, c: unknown): unknown =>
  !isString(c) ? BAIL : v === undefined ? undefined : isString(v) ? f(v, c) : BAIL;

/**
 * The built-ins the fast path inlines, by name and exact arity. Each takes evaluated arguments
 * (never BAIL) and returns what JSONata returns, or BAIL where JSONata's signature check or the
 * function itself would throw (`$lowercase(null)` is T0410, `$number("x")` D3030).
 */
export const BUILTINS: ReadonlyMap<string, { readonly arity: number; readonly apply: (...args: unknown[]) => unknown }> = new Map([
  ['number', { arity: 1, apply: castNumber }],
  ['string', { arity: 1, apply: (v: unknown) => (isFunction(v) ? BAIL : castString(v)) }],
  ['exists', { arity: 1, apply: (v: unknown) => v !== undefined }],
  ['boolean', { arity: 1, apply: (v: unknown) => (isFunction(v) ? BAIL : toBoolean(v)) }],
  ['not', { arity: 1, apply: (v: unknown) => { const b = isFunction(v) ? BAIL : toBoolean(v); return b === undefined || b === BAIL ? b : !b; } }],
  ['lowercase', { arity: 1, apply: strings((s) => s.toLowerCase()) }],
  ['uppercase', { arity: 1, apply: strings((s) => s.toUpperCase()) }],
  ['trim', { arity: 1, apply: strings(trim) }],
  ['round', { arity: 1, apply: (v: unknown) => (v === undefined ? undefined : typeof v === 'number' && Number.isFinite(v) ? round(v) : BAIL) }],
  ['substringAfter', { arity: 2, apply: strings2(substringAfter) }],
  ['substringBefore', { arity: 2, apply: strings2(substringBefore) }],
]);

/** Every function name JSONata binds itself: a `$name` reference that is not a call would be that function. */
export const JSONATA_FUNCTION_NAMES: ReadonlySet<string> = new Set(
  ('abs append assert average base64decode base64encode boolean ceil clone contains count decodeUrl decodeUrlComponent distinct each encodeUrl ' +
    'encodeUrlComponent error eval exists filter floor formatBase formatInteger formatNumber fromMillis join keys length lookup lowercase map match max ' +
    'merge millis min not now number pad parseInteger power random reduce replace reverse round shuffle sift single sort split spread sqrt string ' +
    'substring substringAfter substringBefore sum toMillis trim type uppercase zip').split(' '),
);

/** jsonata.js `append` as the array constructor uses it. */
export function append(arg1: unknown[], arg2: unknown): unknown[] {
  return arg1.concat(Array.isArray(arg2) ? arg2 : [arg2]);
}
