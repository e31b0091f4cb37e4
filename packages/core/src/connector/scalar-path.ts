/**
 * The `$`-rooted paths connectors.yaml uses to pick one scalar out of a vendor's JSON (`$.id`,
 * `$.data.object.id`, `$.items[0].id`, `$["odd key"]`): webhook delivery keys and an OAuth
 * connection's `account_id`. One owner for the syntax, so every key reads the same way. A tiny safe
 * getter rather than JSONata: it runs on the webhook intake's hot path, synchronously, and reads
 * own properties only (a body cannot reach `constructor` or `__proto__`). It lives in connector/
 * because it is the one leaf every reader of vendor bodies (webhooks, oauth, auth's schemas) may
 * import (docs/architecture.md, layers).
 */

/** One step: an object key or an array index. */
export type ScalarPathStep = string | number;

/** A compiled path. */
export interface ScalarPath {
  /** The path as written, for messages. */
  readonly source: string;
  readonly steps: readonly ScalarPathStep[];
  /** The scalar at the path as text; undefined when a step is missing or the value is not a scalar (or is ""). */
  read(value: unknown): string | undefined;
}

const NAME_STEP = '\\.([A-Za-z0-9_$-]+)';
const INDEX_STEP = '\\[(\\d+)\\]';
const QUOTED_STEP = '\\["([^"\\\\]*)"\\]';
const STEP_SOURCE = `${NAME_STEP}|${INDEX_STEP}|${QUOTED_STEP}`;

/**
 * A JSON Schema `pattern` (unanchored) for a path with at least one step, for config schemas that
 * want a wrong path reported with its position by `connectd validate` instead of at run time.
 * @example
 * Type.String({ pattern: `^${SCALAR_PATH_PATTERN}$` });
 */
export const SCALAR_PATH_PATTERN = `\\$(?:${STEP_SOURCE})+`;

/**
 * Parses a path once (`$` alone means the whole value). Undefined for anything that is not a
 * plain path (JSONata predicates, wildcards, a missing `$`): the caller throws its own coded error.
 * @example
 * compileScalarPath('$.data.object.id')?.read({ data: { object: { id: 'evt_1' } } }); // 'evt_1'
 * compileScalarPath('$.items[0].n')?.read({ items: [{ n: 3 }] }); // '3'
 * compileScalarPath('$.items[*]'); // undefined
 */
export function compileScalarPath(spec: string): ScalarPath | undefined {
  if (!spec.startsWith('$')) return undefined;
  const steps: ScalarPathStep[] = [];
  // Sticky, and one per call: each step must start where the last one ended.
  const stepRe = new RegExp(STEP_SOURCE, 'y');
  stepRe.lastIndex = 1;
  while (stepRe.lastIndex < spec.length) {
    const at = stepRe.lastIndex;
    const match = stepRe.exec(spec);
    if (match === null || match.index !== at) return undefined;
    steps.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? match[3])!);
  }
  return { source: spec, steps, read: (value) => scalarText(readSteps(value, steps)) };
}

/** The value at `steps`, own properties only; undefined when a step is missing. */
function readSteps(value: unknown, steps: readonly ScalarPathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return undefined;
      current = current[step];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

/**
 * A scalar as the text a key is compared by: strings as they are (but "" is absent), numbers,
 * booleans and bigints as `String()` gives them; anything else is absent.
 * @example
 * scalarText(42); // '42'
 * scalarText({ id: 1 }); // undefined
 */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}
