/**
 * An action's `input_schema`: compiled once with ajv at load, checked per invocation. Every field
 * error is reported at once, as a JSON pointer into the input and a short message that names only
 * schema words, never the caller's values.
 */
import type { ErrorObject, Options as AjvOptions, ValidateFunction } from 'ajv';
import type { ActionInputFieldError } from '../errors/index.js';
import { createAjv, dialectOf } from '../json-schema/index.js';

/**
 * allErrors: a caller fixes every field in one go. useDefaults: schema defaults (e.g. a quantity
 * of 1) reach the body expression. strictSchema: a misspelt keyword ("requried") in the YAML is a
 * schema bug, found at load; the other strict checks reject valid JSON Schema, so they are off.
 */
const AJV_OPTIONS: AjvOptions = {
  allErrors: true,
  useDefaults: true,
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  logger: false,
};

/** Checks one input; `ok` carries a copy of it with schema defaults filled in. */
export type InputValidator = (
  input: unknown,
) => { readonly ok: true; readonly input: unknown } | { readonly ok: false; readonly errors: readonly ActionInputFieldError[] };

/**
 * Compiles an input schema (draft-07, or 2020-12 when `$schema` says so); without a schema every
 * input is accepted. Throws ajv's own error for a schema that does not compile: the caller turns
 * it into a definition issue.
 * @example
 * const check = compileInputValidator({ type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } });
 * check({}); // { ok: false, errors: [{ path: '/sku', message: 'is required' }] }
 */
export function compileInputValidator(schema: Readonly<Record<string, unknown>> | undefined): InputValidator {
  if (schema === undefined) return (input) => ({ ok: true, input });
  // One ajv per action: schemas from YAML may carry $ids, and two actions must not share them.
  const ajv = createAjv(dialectOf(schema), AJV_OPTIONS);
  const validate: ValidateFunction = ajv.compile(schema);
  return (input) => {
    // A copy: defaults are written into the value, and the caller's object stays as sent.
    const copy = input === undefined ? undefined : structuredClone(input);
    if (validate(copy)) return { ok: true, input: copy };
    return { ok: false, errors: fieldErrors(validate.errors ?? []) };
  };
}

/** ajv's errors as `{ path, message }`, the path pointing at the field itself (also for `required`). */
export function fieldErrors(errors: readonly ErrorObject[]): ActionInputFieldError[] {
  const out: ActionInputFieldError[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const field = fieldError(error);
    const id = `${field.path} ${field.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(field);
  }
  return out;
}

function fieldError(error: ErrorObject): ActionInputFieldError {
  const at = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return { path: `${at}/${pointerToken(String(error.params['missingProperty']))}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${at}/${pointerToken(String(error.params['additionalProperty']))}`, message: 'is not allowed' };
    case 'type':
      return { path: at || '/', message: `must be ${String(error.params['type']).replace(/,/g, ' or ')}` };
    case 'format':
      return { path: at || '/', message: `must be a ${String(error.params['format'])} string` };
    default:
      return { path: at || '/', message: error.message ?? `fails ${error.keyword}` };
  }
}

/** RFC 6901 escaping of one property name. */
function pointerToken(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}
