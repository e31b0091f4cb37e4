/**
 * Plugin mapping functions (`$storq_weight(...)`), registered on a compiled expression once. Each
 * is wrapped so a throw names the function and its plugin and fails only the record at hand.
 */
import type { Expression } from 'jsonata';
import { MAPPING_EVALUATE, MAPPING_FUNCTION_INVALID } from '../errors/index.js';

/**
 * A mapping function as the component registry lists it (structurally `RegisteredFunction` of
 * connector/; declared here because mapping/ imports nothing but errors/).
 */
export interface MappingFunctionEntry {
  /** With the `$`: `$<namespace>_<key>` for plugins, `$<key>` for built-ins. */
  readonly name: string;
  /** The package that provides it, named when it fails. */
  readonly plugin: string;
  /** JSONata signature, e.g. "<s:s>"; JSONata checks arguments against it before the call. */
  readonly signature?: string | undefined;
  readonly impl: (...args: never[]) => unknown;
}

/** Names mappings get from core: a plugin function may not shadow them. */
export const RESERVED_FUNCTION_NAMES: readonly string[] = ['store', 'product', 'inventory_item', 'connection', 'parent'];

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function wrap(entry: MappingFunctionEntry, label: string): (this: unknown, ...args: unknown[]) => unknown {
  const impl = entry.impl as (...args: unknown[]) => unknown;
  const fail = (err: unknown): never => {
    throw MAPPING_EVALUATE(
      { label, function: entry.name, reason: `${entry.plugin}: ${err instanceof Error ? err.message : String(err)}` },
      { cause: err },
    );
  };
  return function (this: unknown, ...args: unknown[]): unknown {
    let result: unknown;
    try {
      // JSONata calls with `this` = { environment, input }; plugins may read the focus.
      result = impl.apply(this, args);
    } catch (err) {
      return fail(err);
    }
    return isPromise(result) ? result.then(undefined, fail) : result;
  };
}

/**
 * Registers every function on `expression`. Throws CONNECTD_ERR_MAPPING_FUNCTION_INVALID for a
 * reserved name, a name that is not a JSONata identifier, or a signature JSONata rejects (JSONata
 * parses signatures leniently, so most mistakes there surface as a failed call instead).
 */
export function registerFunctions(expression: Expression, functions: readonly MappingFunctionEntry[], label: string): void {
  for (const entry of functions) {
    const name = entry.name.startsWith('$') ? entry.name.slice(1) : entry.name;
    const invalid = (reason: string, cause?: unknown): Error =>
      MAPPING_FUNCTION_INVALID({ function: `$${name}`, plugin: entry.plugin, reason }, cause === undefined ? undefined : { cause });
    if (RESERVED_FUNCTION_NAMES.includes(name)) throw invalid(`$${name} is reserved for core`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw invalid('the name is not a JSONata identifier');
    try {
      expression.registerFunction(name, wrap(entry, label), entry.signature);
    } catch (err) {
      throw invalid(`bad signature ${JSON.stringify(entry.signature)}: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }
}
