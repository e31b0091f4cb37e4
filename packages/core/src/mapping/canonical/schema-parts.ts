/**
 * JSON Schema fragments shared by the canonical entities. Optional fields accept null as well as
 * absence, because vendors send `"barcode": null` and a mapping passes it on; null is stored as
 * SQL NULL. Fields that make a natural key are non-empty strings.
 */
import { SOURCE_PROPERTIES } from './types.js';

type Schema = Readonly<Record<string, unknown>>;

export const OPTIONAL_TEXT: Schema = { type: ['string', 'null'] };
export const KEY_TEXT: Schema = { type: 'string', minLength: 1 };
export const OPTIONAL_KEY_TEXT: Schema = { type: ['string', 'null'], minLength: 1 };
export const OPTIONAL_NUMBER: Schema = { type: ['number', 'null'] };
export const OPTIONAL_DATE_TIME: Schema = { type: ['string', 'null'], format: 'date-time' };
export const DATE_TIME: Schema = { type: 'string', format: 'date-time' };
/** ISO 4217 code such as USD. */
export const CURRENCY: Schema = { type: ['string', 'null'], pattern: '^[A-Z]{3}$' };

/** Source fields, nullable like every optional field (a vendor without update times sends null). */
const NULLABLE_SOURCE: Readonly<Record<string, Schema>> = Object.fromEntries(
  Object.entries(SOURCE_PROPERTIES).map(([name, schema]) => [name, { ...schema, type: [schema['type'], 'null'] }]),
);

/**
 * A draft-07 object schema that allows exactly `properties` plus the source fields.
 * @example
 * const schema = entitySchema('product', 'A sellable variant', { sku: KEY_TEXT }, ['sku']);
 */
export function entitySchema(
  name: string,
  description: string,
  properties: Readonly<Record<string, Schema>>,
  required: readonly string[],
  extra: Readonly<Record<string, unknown>> = {},
): Readonly<Record<string, unknown>> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://connectd.dev/schemas/entities/${name}.json`,
    title: name,
    description,
    type: 'object',
    additionalProperties: false,
    required,
    properties: { ...properties, ...NULLABLE_SOURCE },
    ...extra,
  };
}
