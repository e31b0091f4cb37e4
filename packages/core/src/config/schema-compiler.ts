import type { Ajv, ValidateFunction } from 'ajv';
import type { JsonSchema } from '../connector/index.js';
import { createAjv, dialectOf, rememberedValidator, type SchemaDialect } from '../json-schema/index.js';
import { ConnectdConfigSchema } from './schema/index.js';
import type { ConfigShape } from './types.js';

/**
 * Compiles schemas once and caches them by identity (ESLint's getOrCreateValidator). One instance
 * lives per process in `defaultSchemaCompiler()`: a cache of pure compiled functions, not shared
 * state, which is why it is the one exception to "no module-level instances".
 */
export class SchemaCompiler {
  #core: ValidateFunction<ConfigShape> | undefined;
  readonly #lenient = new Map<SchemaDialect, Ajv>();
  readonly #components = new WeakMap<object, ValidateFunction>();

  /** The validator of connectors.yaml's own shapes (components are checked by their own schemas). */
  core(): ValidateFunction<ConfigShape> {
    // Strict for our own schema: a typo in a keyword fails the tests instead of being ignored.
    // It is compiled at every start and validates one file, so ajv's start-time work is trimmed:
    // no check of the schema against the draft-07 meta-schema (ours, already tested; strict mode
    // still rejects unknown keywords) and no optimisation pass over the generated code.
    this.#core ??= createAjv('draft-07', {
      allErrors: true,
      verbose: true,
      strict: true,
      strictTypes: false,
      strictRequired: false,
      allowUnionTypes: true,
      validateSchema: false,
      code: { optimize: false },
    }).compile<ConfigShape>(ConnectdConfigSchema);
    return this.#core;
  }

  /**
   * The validator of a component's options schema. A plugin's was compiled when the plugin was
   * loaded, with the plugin's own ajv (so two plugins may share an `$id`), and is reused. Others
   * (core's components) compile here: lenient about unknown keywords, since plugin authors write
   * schemas for editors too; draft 2020-12 when the schema says so. Throws ajv's error when the
   * schema itself is invalid.
   */
  component(schema: JsonSchema): ValidateFunction {
    const cached = this.#components.get(schema) ?? rememberedValidator(schema);
    if (cached !== undefined) return cached;
    const dialect = dialectOf(schema);
    let ajv = this.#lenient.get(dialect);
    if (ajv === undefined) this.#lenient.set(dialect, (ajv = createAjv(dialect, { allErrors: true, verbose: true, strict: false, allowUnionTypes: true })));
    const validate = ajv.compile(schema);
    this.#components.set(schema, validate);
    return validate;
  }
}

let shared: SchemaCompiler | undefined;

/** The process-wide compiler; validators are compiled once per process. */
export function defaultSchemaCompiler(): SchemaCompiler {
  shared ??= new SchemaCompiler();
  return shared;
}
