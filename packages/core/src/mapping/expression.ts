/**
 * A JSONata expression that is not a record mapping: compiled once at load with the plugin
 * functions, evaluated to whatever value it gives, with caller-chosen bindings (a flow's filter
 * and input, which bind `$flow` and `$vendor_id`). Errors carry the same codes as mappings.
 */
import jsonata, { type Expression } from 'jsonata';
import { registerFunctions, type MappingFunctionEntry } from './functions.js';
import { compileError, evaluateError } from './jsonata-errors.js';

/** An expression compiled once, evaluated many times. */
export interface CompiledExpression {
  readonly expression: string;
  /**
   * Evaluates over `input`; JSONata lists and objects come back as plain JSON values (a copy).
   * Rejects with CONNECTD_ERR_MAPPING_EVALUATE, or a coded error a bound function threw.
   */
  evaluate(input: unknown, bindings?: Readonly<Record<string, unknown>>): Promise<unknown>;
}

/**
 * Compiles an expression. Throws CONNECTD_ERR_MAPPING_COMPILE (with the line and column of a
 * syntax error) and CONNECTD_ERR_MAPPING_FUNCTION_INVALID for an unusable plugin function.
 * @example
 * const filter = compileExpression('operation != "deleted" and after.quantity >= 0', { label: 'flows.stock.when.filter' });
 * await filter.evaluate(change); // true
 */
export function compileExpression(expression: string, options: { readonly functions?: readonly MappingFunctionEntry[]; readonly label?: string } = {}): CompiledExpression {
  const label = options.label ?? 'expression';
  let compiled: Expression;
  try {
    compiled = jsonata(expression);
  } catch (err) {
    throw compileError(label, expression, err);
  }
  registerFunctions(compiled, options.functions ?? [], label);
  return {
    expression,
    async evaluate(input, bindings) {
      let result: unknown;
      try {
        result = await compiled.evaluate(input, bindings === undefined ? undefined : { ...bindings });
      } catch (err) {
        throw evaluateError(label, err);
      }
      // JSON round trip: drops JSONata's `sequence` marks and null prototypes (and functions).
      return result === undefined ? undefined : (JSON.parse(JSON.stringify(result)) as unknown);
    },
  };
}
