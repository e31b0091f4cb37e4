/**
 * One page of records through a mapping, the entity schema and the natural key. A record that
 * fails any step becomes a failure (for dead letters) and the others go on; only a failure of
 * the run itself (the vendor-id map unreadable) rejects.
 */
import { MAPPING_SCHEMA, type ConnectdError } from '../errors/index.js';
import type { EntityDefinition } from './canonical/index.js';
import { unknownEntity, type EntityCatalog } from './catalog.js';
import { isRecordFailure, type CompiledMapping, type MappedValue, type MappingBindings } from './compile-mapping.js';
import { evaluateError } from './jsonata-errors.js';

/** One valid entity, ready to upsert. */
export interface MappedEntity {
  readonly entity: EntityDefinition;
  /** The validated value (schema defaults filled in); stored whole as `data`. */
  readonly value: MappedValue;
  readonly naturalKey: string;
  /** Index of the record it came from. */
  readonly index: number;
}

/** A record that could not be mapped, with what a dead letter needs. */
export interface MappingFailure {
  /** Index of the record in the page. */
  readonly index: number;
  readonly record: unknown;
  /** CONNECTD_ERR_MAPPING_EVALUATE, _OUTPUT_INVALID, _LOOKUP_MISSING, _SCHEMA or _NATURAL_KEY. */
  readonly code: string;
  readonly reason: string;
  readonly error: ConnectdError;
}

export interface MappedPage {
  readonly entities: MappedEntity[];
  readonly failures: MappingFailure[];
}

/**
 * Records evaluated at once: async lookups of a cold cache run side by side (one page costs a few
 * round trips, not one per record), while a huge webhook batch does not start thousands at once.
 */
export const MAP_CONCURRENCY = 64;

/**
 * Maps, validates and keys a page of records. A record is all or nothing: when one of the
 * entities it yields is invalid, none of them is kept, so a replay of its dead letter is whole.
 * Rejects with CONNECTD_ERR_MAPPING_UNKNOWN_ENTITY for an entity the catalog lacks, and with
 * CONNECTD_ERR_MAPPING_LOOKUP_FAILED when a lookup throws; both fail the run, not the record.
 * @example
 * const { entities, failures } = await mapRecords(records, mapping, 'inventory_level', catalog, bindings);
 * // `parents[i]`, when given, is bound as $parent while records[i] is mapped.
 * for (const f of failures) await deadLetters.add({ record: f.record, code: f.code, reason: f.reason, stream, runId });
 */
export async function mapRecords(
  records: readonly unknown[],
  mapping: CompiledMapping,
  entity: string,
  catalog: EntityCatalog,
  bindings: MappingBindings,
  parents?: readonly unknown[],
): Promise<MappedPage> {
  const definition = catalog.get(entity);
  if (definition === undefined) throw unknownEntity(entity, catalog.names());
  const outcomes: Array<MappedEntity[] | MappingFailure> = new Array(records.length);

  const mapOne = async (index: number): Promise<void> => {
    const record = records[index];
    try {
      const values = await mapping.evaluate(record, bindings, parents?.[index]);
      outcomes[index] = check(values, index, definition, catalog);
    } catch (err) {
      const error = evaluateError('mapping', err);
      if (!isRecordFailure(error)) throw error;
      outcomes[index] = failure(index, record, error);
    }
  };

  for (let start = 0; start < records.length; start += MAP_CONCURRENCY) {
    const end = Math.min(records.length, start + MAP_CONCURRENCY);
    const batch: Array<Promise<void>> = [];
    for (let i = start; i < end; i++) batch.push(mapOne(i));
    await Promise.all(batch);
  }

  const page: MappedPage = { entities: [], failures: [] };
  for (const outcome of outcomes) {
    if (Array.isArray(outcome)) page.entities.push(...outcome);
    else page.failures.push(outcome);
  }
  return page;
}

function check(values: readonly MappedValue[], index: number, definition: EntityDefinition, catalog: EntityCatalog): MappedEntity[] {
  const entities: MappedEntity[] = [];
  for (const value of values) {
    const checked = catalog.validate(definition.name, value);
    if (!checked.ok) throw MAPPING_SCHEMA({ entity: definition.name, errors: checked.errors });
    entities.push({ entity: definition, value: checked.entity, naturalKey: definition.naturalKey(checked.entity), index });
  }
  return entities;
}

function failure(index: number, record: unknown, error: ConnectdError): MappingFailure {
  return { index, record, code: error.code, reason: error.message, error };
}
