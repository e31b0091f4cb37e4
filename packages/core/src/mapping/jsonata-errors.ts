/**
 * JSONata's own errors (`{ code: 'S0203', position, token, message }`) as connectd errors. Errors
 * that already carry a connectd code (a lookup miss, a wrapped plugin function) pass unchanged.
 */
import { isConnectdError, MAPPING_COMPILE, MAPPING_EVALUATE, type ConnectdError } from '../errors/index.js';

interface JsonataErrorShape {
  readonly code?: unknown;
  readonly position?: unknown;
  readonly message?: unknown;
}

function shapeOf(err: unknown): { reason: string; position?: number; jsonataCode?: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as JsonataErrorShape;
  const reason = typeof e.message === 'string' && e.message.length > 0 ? e.message : String(err);
  return {
    reason,
    ...(typeof e.position === 'number' ? { position: e.position } : {}),
    ...(typeof e.code === 'string' ? { jsonataCode: e.code } : {}),
  };
}

/** Line and column (both 1-based) of a character offset, for multi-line YAML block expressions. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/** CONNECTD_ERR_MAPPING_COMPILE for a syntax error thrown by `jsonata(expression)`. */
export function compileError(label: string, expression: string, err: unknown): ConnectdError {
  const shape = shapeOf(err);
  // JSONata's position is the offset just past the offending token; point at the token itself.
  const where = shape.position === undefined ? {} : lineColumn(expression, Math.max(0, shape.position - 1));
  return MAPPING_COMPILE({ label, ...shape, ...where }, { cause: err });
}

/** The error `evaluate()` rejects with: connectd errors as they are, anything else as MAPPING_EVALUATE. */
export function evaluateError(label: string, err: unknown): ConnectdError {
  if (isConnectdError(err)) return err;
  return MAPPING_EVALUATE({ label, ...shapeOf(err) }, { cause: err });
}
