import { Ajv, type Options as AjvOptions } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { shareMetaSchema } from './shared-meta.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is typed as the
// module record, while at run time it is the plugin function itself. Accept both shapes, here only.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv | Ajv2020) => unknown;

/** The JSON Schema dialects connectd compiles: draft-07 by default, 2020-12 when `$schema` says so. */
export type SchemaDialect = 'draft-07' | '2020-12';

const DRAFT_2020_URI = /json-schema\.org\/draft\/2020-12\/schema/;

/**
 * The dialect a schema declares in `$schema`; draft-07 when it declares none.
 * @example
 * dialectOf({ $schema: 'https://json-schema.org/draft/2020-12/schema' }); // '2020-12'
 */
export function dialectOf(schema: Readonly<Record<string, unknown>>): SchemaDialect {
  const declared = schema['$schema'];
  return typeof declared === 'string' && DRAFT_2020_URI.test(declared) ? '2020-12' : 'draft-07';
}

/**
 * Keywords of connectd's own schemas that carry no validation: `patternErrorMessage` (shown by
 * yaml-language-server, and by config errors), and the mark of a component slot (see
 * `COMPONENT_SLOT_KEYWORD`). Known to every instance, so strict mode accepts them.
 */
export const ANNOTATION_KEYWORDS: readonly string[] = ['patternErrorMessage', 'x-component-slot'];

/** Marks a schema place where `type` picks a component of a slot (`auth`, `paginators`…). */
export const COMPONENT_SLOT_KEYWORD = 'x-component-slot';

/**
 * A new ajv instance of a dialect, with the standard formats (`date-time`, `email`, `uri`…).
 * Callers keep one per scope where `$id`s must not clash (a catalog, a plugin, an action).
 * @example
 * const ajv = createAjv('draft-07', { allErrors: true });
 */
export function createAjv(dialect: SchemaDialect, options: AjvOptions): Ajv {
  const ajv = plainAjv(dialect, options);
  shareMetaSchema(ajv, dialect, () => plainAjv(dialect, { allErrors: options.allErrors === true }));
  return ajv;
}

function plainAjv(dialect: SchemaDialect, options: AjvOptions): Ajv {
  const ajv = dialect === '2020-12' ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv);
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword(keyword);
  return ajv;
}

/**
 * An ajv per dialect, made on first use: for code that compiles schemas of either dialect in one scope.
 * @example
 * const ajvFor = ajvByDialect({ allErrors: true });
 * ajvFor(schema).compile(schema);
 */
export function ajvByDialect(options: AjvOptions): (schema: Readonly<Record<string, unknown>>) => Ajv {
  const instances = new Map<SchemaDialect, Ajv>();
  return (schema) => {
    const dialect = dialectOf(schema);
    let ajv = instances.get(dialect);
    if (ajv === undefined) instances.set(dialect, (ajv = createAjv(dialect, options)));
    return ajv;
  };
}
