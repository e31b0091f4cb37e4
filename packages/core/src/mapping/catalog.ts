/**
 * The entity catalog: the canonical entities plus the integrator's, each with its ajv validator
 * compiled once when the catalog is made (docs/architecture.md, "Compile once"), never on the hot path.
 */
import type { Options as AjvOptions, ValidateFunction } from 'ajv';
import { didYouMean, MAPPING_ENTITY_INVALID, MAPPING_UNKNOWN_ENTITY } from '../errors/index.js';
import { ajvByDialect } from '../json-schema/index.js';
import { CANONICAL_ENTITIES, type EntityDefinition } from './canonical/index.js';
import { customEntity, type CustomEntityConfig } from './custom-entity.js';
import { formatValidationErrors } from './validation-errors.js';


/**
 * allErrors: a dead letter lists every problem of a record at once. useDefaults 'empty': a missing
 * or null field with a schema default (inventory_level.store) gets the default, in the value
 * itself, so the row and its `data` agree. strict off: custom schemas come from YAML, where
 * editor-only keywords are common; ajv still rejects schemas that are not valid JSON Schema.
 */
const AJV_OPTIONS: AjvOptions = { allErrors: true, useDefaults: 'empty', strict: false, allowUnionTypes: true, logger: false };

/** The outcome of validating one mapped value. */
export type EntityValidation =
  | { readonly ok: true; readonly entity: Record<string, unknown> }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Entities by name, with compiled validators. */
export interface EntityCatalog {
  /** The definition of `name`, or undefined. */
  get(name: string): EntityDefinition | undefined;
  /** Canonical names first, then custom ones in declaration order. */
  names(): string[];
  /**
   * Validates a mapped value against its entity's schema. On success `entity` is the value itself,
   * with schema defaults filled in. Throws CONNECTD_ERR_MAPPING_UNKNOWN_ENTITY for an unknown name.
   */
  validate(name: string, value: unknown): EntityValidation;
}

interface Entry {
  readonly definition: EntityDefinition;
  readonly validate: ValidateFunction;
}

class Catalog implements EntityCatalog {
  readonly #entries = new Map<string, Entry>();

  constructor(custom: Readonly<Record<string, CustomEntityConfig>>) {
    // One ajv per catalog: schemas carry $ids, and two catalogs must not share registrations.
    const ajvFor = ajvByDialect(AJV_OPTIONS);
    for (const definition of CANONICAL_ENTITIES) {
      this.#entries.set(definition.name, { definition, validate: ajvFor(definition.schema).compile(definition.schema) });
    }
    for (const [name, config] of Object.entries(custom)) {
      if (this.#entries.has(name)) {
        throw MAPPING_ENTITY_INVALID({ entity: name, reason: 'it is a canonical entity already; choose another name' });
      }
      const definition = customEntity(name, config);
      const clash = [...this.#entries.values()].find((e) => e.definition.table === definition.table);
      if (clash !== undefined) {
        throw MAPPING_ENTITY_INVALID({ entity: name, reason: `its table "${definition.table}" is the table of "${clash.definition.name}"` });
      }
      let validate: ValidateFunction;
      try {
        validate = ajvFor(definition.schema).compile(definition.schema);
      } catch (err) {
        throw MAPPING_ENTITY_INVALID({ entity: name, reason: `its schema does not compile: ${(err as Error).message}` }, { cause: err });
      }
      this.#entries.set(name, { definition, validate });
    }
  }

  get(name: string): EntityDefinition | undefined {
    return this.#entries.get(name)?.definition;
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  validate(name: string, value: unknown): EntityValidation {
    const entry = this.#entries.get(name);
    if (entry === undefined) throw unknownEntity(name, this.names());
    if (entry.validate(value)) return { ok: true, entity: value as Record<string, unknown> };
    return { ok: false, errors: formatValidationErrors(entry.validate.errors ?? []) };
  }
}

/** CONNECTD_ERR_MAPPING_UNKNOWN_ENTITY with the known names and a suggestion. */
export function unknownEntity(name: string, known: readonly string[]): Error {
  const suggestion = didYouMean(name, known);
  return MAPPING_UNKNOWN_ENTITY({ entity: name, known, ...(suggestion === undefined ? {} : { suggestion }) });
}

/**
 * Makes the catalog of the canonical entities plus `custom` (the config's `entities:`), compiling
 * every schema once. Throws CONNECTD_ERR_MAPPING_ENTITY_INVALID for a custom entity whose name
 * clashes with a canonical one, or whose name, natural key or schema is unusable.
 * @example
 * const catalog = createEntityCatalog(config.entities);
 * const checked = catalog.validate('inventory_level', { product: 'SKU-1', quantity: 'x' });
 * if (!checked.ok) checked.errors; // ['/quantity must be number']
 * catalog.get('inventory_level')?.naturalKey({ product: 'SKU-1', quantity: 3 }); // 'default/SKU-1'
 */
export function createEntityCatalog(custom: Readonly<Record<string, CustomEntityConfig>> = {}): EntityCatalog {
  return new Catalog(custom);
}
