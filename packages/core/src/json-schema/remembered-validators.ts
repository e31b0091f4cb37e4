import type { ValidateFunction } from 'ajv';

/**
 * Validators already compiled for a schema, by the schema's identity: the plugin loader compiles
 * each component schema to check it, and the config validator reuses that function instead of
 * compiling the schema a second time (docs/architecture.md, "Start time"). A cache of pure
 * functions, the one kind of module-level state the house allows; weak, so a plugin dropped by a
 * reload takes its validators with it.
 */
const remembered = new WeakMap<object, ValidateFunction>();

/**
 * Keeps `validate` as the validator of `schema`.
 * @example
 * rememberValidator(schema, ajv.compile(schema));
 */
export function rememberValidator(schema: object, validate: ValidateFunction): void {
  remembered.set(schema, validate);
}

/**
 * The validator kept for `schema`, or undefined when none was (core's own components, a test's).
 * @example
 * const validate = rememberedValidator(schema) ?? ajv.compile(schema);
 */
export function rememberedValidator(schema: object): ValidateFunction | undefined {
  return remembered.get(schema);
}
