import type { Ajv, AnySchema, ValidateFunction } from 'ajv';

/** The meta-schema each dialect's ajv validates schemas against when they name none. */
const DEFAULT_META_IDS: Readonly<Record<'draft-07' | '2020-12', string>> = {
  'draft-07': 'http://json-schema.org/draft-07/schema',
  '2020-12': 'https://json-schema.org/draft/2020-12/schema',
};

/** Compiled meta-schemas, per dialect and error mode: pure functions, shared by every instance. */
const compiled = new Map<string, ValidateFunction>();

/**
 * Makes `ajv` check schemas against a meta-schema compiled once per process instead of once per
 * instance. ajv compiles the whole draft meta-schema in every new instance the first time it
 * checks a schema (tens of milliseconds each), and connectd makes an instance per plugin, action
 * and catalog at every start. Results and the thrown "schema is invalid: …" error are ajv's own;
 * a schema naming another meta-schema, or `validateSchema: 'log'`, takes ajv's own path.
 * `makeMetaAjv` builds the instance that compiles the shared meta-schema (same dialect, formats).
 */
export function shareMetaSchema(ajv: Ajv, dialect: 'draft-07' | '2020-12', makeMetaAjv: () => Ajv): void {
  const own = ajv.validateSchema.bind(ajv);
  const metaId = DEFAULT_META_IDS[dialect];
  const key = `${dialect}:${ajv.opts.allErrors === true}`;
  ajv.validateSchema = (schema: AnySchema, throwOrLogError?: boolean): boolean => {
    const declared = typeof schema === 'boolean' ? undefined : (schema.$schema as unknown);
    const isDefault = declared === undefined || declared === metaId || declared === `${metaId}#`;
    if (typeof schema === 'boolean' || !isDefault || ajv.opts.validateSchema === 'log') return own(schema, throwOrLogError) as boolean;
    let validate = compiled.get(key);
    if (validate === undefined) {
      const metaAjv = makeMetaAjv();
      validate = metaAjv.getSchema(metaId);
      if (validate === undefined) return own(schema, throwOrLogError) as boolean;
      compiled.set(key, validate);
    }
    const valid = validate(schema) as boolean;
    ajv.errors = validate.errors ?? null;
    if (!valid && throwOrLogError === true) throw new Error(`schema is invalid: ${ajv.errorsText()}`);
    return valid;
  };
}
