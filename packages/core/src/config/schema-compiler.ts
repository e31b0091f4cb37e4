import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { JsonSchema } from '../connector/index.js';

/**
 * The shipped JSON Schema of connectors.yaml. Loaded through the module system, like any other
 * asset of the package: `../../schema/` resolves from `src/config/` and from `dist/config/` alike.
 */
export function loadConnectorsSchema(): JsonSchema {
  const require = createRequire(import.meta.url);
  return require('../../schema/connectors.schema.json') as JsonSchema;
}

/**
 * Compiles schemas once and caches them by identity (ESLint's getOrCreateValidator). One instance
 * lives per process in `defaultSchemaCompiler()`: a cache of pure compiled functions, not shared
 * state, which is why it is the one exception to "no module-level instances".
 */
export class SchemaCompiler {
  #core: ValidateFunction | undefined;
  #draft07: Ajv | undefined;
  #draft2020: Ajv | undefined;
  #components = new WeakMap<object, ValidateFunction>();

  /** The validator of connectors.yaml itself, compiled on first use. */
  core(): ValidateFunction {
    if (this.#core === undefined) {
      // Strict for our own schema: a typo in a keyword fails the tests instead of being ignored.
      const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true });
      // yaml-language-server shows it in editors; we use it for our own messages.
      ajv.addKeyword('patternErrorMessage');
      this.#core = ajv.compile(loadConnectorsSchema());
    }
    return this.#core;
  }

  /**
   * The validator of a plugin component's options schema. Lenient about unknown keywords, since
   * plugin authors write schemas for editors too; draft 2020-12 when the schema says so.
   * Throws ajv's error when the schema itself is invalid.
   */
  component(schema: JsonSchema): ValidateFunction {
    const cached = this.#components.get(schema);
    if (cached !== undefined) return cached;
    const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
    const ajv = is2020 ? (this.#draft2020 ??= this.#lenient(Ajv2020)) : (this.#draft07 ??= this.#lenient(Ajv));
    const validate = ajv.compile(schema);
    this.#components.set(schema, validate);
    return validate;
  }

  #lenient<T extends Ajv>(AjvClass: new (options: object) => T): T {
    return new AjvClass({ allErrors: true, verbose: true, strict: false, allowUnionTypes: true });
  }
}

let shared: SchemaCompiler | undefined;

/** The process-wide compiler; validators are compiled once per process. */
export function defaultSchemaCompiler(): SchemaCompiler {
  shared ??= new SchemaCompiler();
  return shared;
}
