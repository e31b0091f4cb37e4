/**
 * Entities declared under `entities:` in connectors.yaml: the integrator's JSON Schema and natural
 * key fields become an {@link EntityDefinition} with a table of generic columns only.
 */
import { MAPPING_ENTITY_INVALID, MAPPING_NATURAL_KEY } from '../errors/index.js';
import { keyPart, SOURCE_PROPERTIES, type EntityDefinition } from './canonical/index.js';
import { ENTITY_NAME_PATTERN, MAX_IDENTIFIER_BYTES, tableNameOf } from './table-name.js';

/** A custom entity as connectors.yaml declares it (`entities.<name>`). */
export interface CustomEntityConfig {
  /** JSON Schema (type: object) of the mapped value. */
  readonly schema: Readonly<Record<string, unknown>>;
  /**
   * Field names whose values identify a row within a tenant; several are joined with "/" as the
   * inventory_level key is. A single string is one field name.
   */
  readonly natural_key: string | readonly string[];
}

type Plain = Record<string, unknown>;
const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Builds the definition of a custom entity. Its schema is copied and given the source fields
 * (`vendor_id`, `vendor_updated_at`, `key`) unless it defines them itself, so a mapping can
 * always say where a record came from even under `additionalProperties: false`.
 * Throws CONNECTD_ERR_MAPPING_ENTITY_INVALID for a bad name or natural key.
 * @example
 * const member = customEntity('loyalty_member', { schema: { type: 'object', properties: { member_id: { type: 'string' } } }, natural_key: ['member_id'] });
 * member.table; // 'loyalty_members'
 */
export function customEntity(name: string, config: CustomEntityConfig): EntityDefinition {
  const invalid = (reason: string): Error => MAPPING_ENTITY_INVALID({ entity: name, reason });
  if (!ENTITY_NAME_PATTERN.test(name)) throw invalid('the name must be snake_case: a lowercase letter, then lowercase letters, digits or _');
  const table = tableNameOf(name);
  if (table.length > MAX_IDENTIFIER_BYTES) throw invalid(`its table name "${table}" is longer than ${MAX_IDENTIFIER_BYTES} characters`);
  const fields = typeof config.natural_key === 'string' ? [config.natural_key] : [...config.natural_key];
  if (fields.length === 0 || fields.some((f) => typeof f !== 'string' || f.length === 0)) {
    throw invalid('natural_key must name at least one field');
  }
  if (!isPlain(config.schema)) throw invalid('schema must be a JSON Schema object');

  const properties = isPlain(config.schema['properties']) ? config.schema['properties'] : {};
  const schema: Plain = { ...config.schema, properties: { ...SOURCE_PROPERTIES, ...properties } };
  const needs = fields.length === 1 ? `"key" or "${fields[0]}"` : `"key" or all of ${fields.map((f) => `"${f}"`).join(', ')}`;
  return {
    name,
    table,
    schema,
    naturalKey: (entity) => {
      const key = keyPart(entity['key']);
      if (key !== undefined) return key;
      const parts: string[] = [];
      for (const field of fields) {
        const part = keyPart(entity[field]);
        if (part === undefined) throw MAPPING_NATURAL_KEY({ entity: name, needs });
        parts.push(part);
      }
      return parts.join('/');
    },
    columns: [],
    custom: true,
  };
}
