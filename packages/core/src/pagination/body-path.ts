/**
 * A tiny, safe reader and writer for dotted body paths such as `$.stock`, `pageInfo.endCursor`,
 * `data.products.edges` or `items[-1].cursor`. No expressions and no eval: a path is parsed once,
 * at create time, into names and indexes, and only own properties are ever read.
 */
import { PAGINATION_PATH_INVALID } from '../errors/index.js';

/** One step of a path: an object key, or an array index (negative counts from the end). */
export type BodyPathStep = { readonly key: string } | { readonly index: number };

/** A parsed body path. */
export interface BodyPath {
  /** The path as written, for messages. */
  readonly source: string;
  readonly segments: readonly BodyPathStep[];
  /** The value at the path, or undefined when any step is missing. */
  get(value: unknown): unknown;
}

// Names hold no spaces or expression characters: `$.a + $.b` or `items[*]` is a JSONata habit
// this reader must refuse rather than read as odd key names.
const NAME = `[^\\s.[\\]()*?'"=!<>{},|&+]+`;
const STEP = new RegExp(`^(?:\\.(${NAME})|\\[(-?\\d+)\\])`);
const FIRST_NAME = new RegExp(`^((?!\\$)${NAME})`);

/**
 * Parses `path` (optionally starting with `$`, which alone means the whole body). Throws
 * CONNECTD_ERR_PAGINATION_PATH_INVALID on anything else.
 * @example
 * compileBodyPath('data.products.pageInfo.endCursor').get(body); // the cursor, or undefined
 * compileBodyPath('$.items[0].id').segments; // [{ key: 'items' }, { index: 0 }, { key: 'id' }]
 */
export function compileBodyPath(path: string): BodyPath {
  const segments: BodyPathStep[] = [];
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  else {
    const name = FIRST_NAME.exec(rest);
    if (name === null) throw PAGINATION_PATH_INVALID({ path, reason: 'it must start with a name or $' });
    segments.push({ key: name[1]! });
    rest = rest.slice(name[0].length);
  }
  while (rest.length > 0) {
    const step = STEP.exec(rest);
    if (step === null) {
      throw PAGINATION_PATH_INVALID({ path, reason: `unexpected "${rest.slice(0, 20)}" (use .name or [index] steps)` });
    }
    segments.push(step[1] !== undefined ? { key: step[1] } : { index: Number(step[2]) });
    rest = rest.slice(step[0].length);
  }
  return { source: path, segments, get: (value) => readPath(value, segments) };
}

/**
 * The value at `segments` of `value`, or undefined when any step is missing.
 * @example
 * readPath({ a: [1, 2] }, [{ key: 'a' }, { index: -1 }]); // 2
 */
export function readPath(value: unknown, segments: readonly BodyPathStep[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    if ('index' in segment) {
      current = Array.isArray(current) ? current.at(segment.index) : undefined;
    } else {
      // Own properties only: "constructor" or "__proto__" must not reach the prototype chain.
      current = Object.hasOwn(current, segment.key) ? (current as Record<string, unknown>)[segment.key] : undefined;
    }
  }
  return current;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks that `path` can be written to (names only, no prototype keys) and returns its keys.
 * @example
 * writableKeys(compileBodyPath('variables.after')); // ['variables', 'after']
 */
export function writableKeys(path: BodyPath): readonly string[] {
  if (path.segments.length === 0) throw PAGINATION_PATH_INVALID({ path: path.source, reason: 'a value cannot replace the whole body' });
  return path.segments.map((segment) => {
    if ('index' in segment) throw PAGINATION_PATH_INVALID({ path: path.source, reason: 'a body path to write takes names only' });
    if (UNSAFE_KEYS.has(segment.key)) throw PAGINATION_PATH_INVALID({ path: path.source, reason: `"${segment.key}" cannot be written` });
    return segment.key;
  });
}

/**
 * Names a value's kind for messages ("a list", "an object", "a string"), never its content.
 * @example
 * kindOf({ a: 1 }); // 'an object'
 */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? `an ${type}` : `a ${type}`;
}
