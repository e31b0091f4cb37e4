import { defineError } from '../define-error.js';

// Errors of the mapping area: JSONata mappings, records paths and entity schemas. Codes are never
// reused once retired; add new ones at the end. Messages carry no record values beyond what
// JSONata itself quotes from the mapped record (vendor data, never credentials).

export const MAPPING_COMPILE = defineError<{ label: string; reason: string; position?: number; line?: number; column?: number; jsonataCode?: string }>({
  code: 'CONNECTD_ERR_MAPPING_COMPILE',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A JSONata expression (a `map:` or a `records:` path) does not compile.',
  fix: 'Correct the expression at the position given; try it at https://try.jsonata.org with a sample record.',
  message: (d) =>
    `${d.label} does not compile${d.line === undefined ? '' : ` (line ${d.line}, column ${d.column ?? 1})`}: ${d.reason}`,
});

export const MAPPING_EVALUATE = defineError<{ label: string; reason: string; position?: number; jsonataCode?: string; function?: string }>({
  code: 'CONNECTD_ERR_MAPPING_EVALUATE',
  httpStatus: 422,
  meaning: 'A JSONata expression failed on one record (a type error, a failed cast, $error(), or a mapping function that threw).',
  fix: 'Look at the dead-lettered record and the reason; make the mapping handle that shape (e.g. guard with `$exists()`), then replay the dead letter.',
  message: (d) =>
    `${d.label} failed${d.function === undefined ? '' : ` in ${d.function}()`}${d.position === undefined ? '' : ` at position ${d.position}`}: ${d.reason}`,
});

export const MAPPING_OUTPUT_INVALID = defineError<{ label: string; found: string }>({
  code: 'CONNECTD_ERR_MAPPING_OUTPUT_INVALID',
  httpStatus: 422,
  meaning: 'A mapping returned something other than an object, a list of objects, or nothing.',
  fix: 'Make the mapping build an object (`{ "sku": sku }`), a list of objects, or return nothing to skip the record.',
  message: (d) => `${d.label} returned ${d.found}; expected an object, a list of objects, or nothing`,
});

export const MAPPING_LOOKUP_MISSING = defineError<{ kind: 'store' | 'product' | 'inventory_item'; vendorId: string }>({
  code: 'CONNECTD_ERR_MAPPING_LOOKUP_MISSING',
  httpStatus: 422,
  meaning:
    'A mapping called $store(), $product() or $inventory_item() with a vendor id that the vendor-id map does not know yet. The record is kept as a dead letter and written by itself after the next run of the connection that brings the id.',
  fix: 'Sync the stores or products of this connection (they fill the vendor-id map); the record follows. `connectd replay` writes it at once.',
  message: (d) =>
    d.kind === 'inventory_item'
      ? `no product is known for inventory item "${d.vendorId}"; sync the products of this connection first`
      : `no ${d.kind} is known for vendor id "${d.vendorId}"; sync the ${d.kind}s of this connection first`,
});

export const MAPPING_LOOKUP_FAILED = defineError<{ kind: 'store' | 'product' | 'inventory_item'; reason: string }>({
  code: 'CONNECTD_ERR_MAPPING_LOOKUP_FAILED',
  meaning: 'Resolving a vendor id through the vendor-id map failed (the store could not be read), so no record of the page can be mapped.',
  fix: 'Check that the database is reachable; the run fails and is retried, and no record is dead-lettered for this.',
  message: (d) => `looking up a ${d.kind} in the vendor-id map failed: ${d.reason}`,
});

export const MAPPING_SCHEMA = defineError<{ entity: string; errors: readonly string[] }>({
  code: 'CONNECTD_ERR_MAPPING_SCHEMA',
  httpStatus: 422,
  meaning: "A mapped record does not satisfy its entity's JSON Schema.",
  fix: 'Read the listed problems, fix the mapping (or the custom entity schema), then replay the dead letter.',
  message: (d) => `the mapped ${d.entity} is invalid: ${d.errors.join('; ')}`,
});

export const MAPPING_NATURAL_KEY = defineError<{ entity: string; needs: string }>({
  code: 'CONNECTD_ERR_MAPPING_NATURAL_KEY',
  httpStatus: 422,
  meaning: 'A mapped record lacks the fields that make its natural key, so it cannot be stored.',
  fix: 'Make the mapping output the natural key fields as non-empty strings or numbers (or a `key`).',
  message: (d) => `the mapped ${d.entity} has no natural key: it needs ${d.needs}`,
});

export const MAPPING_UNKNOWN_ENTITY = defineError<{ entity: string; known: readonly string[]; suggestion?: string }>({
  code: 'CONNECTD_ERR_MAPPING_UNKNOWN_ENTITY',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A stream, webhook event or call names an entity that is neither canonical nor declared under `entities:`.',
  fix: 'Use one of the listed entities, or declare yours under `entities:` with a schema and a natural key.',
  message: (d) =>
    `unknown entity "${d.entity}"${d.suggestion === undefined ? '' : ` (did you mean "${d.suggestion}"?)`}; known: ${d.known.join(', ')}`,
});

export const MAPPING_ENTITY_INVALID = defineError<{ entity: string; reason: string }>({
  code: 'CONNECTD_ERR_MAPPING_ENTITY_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A custom entity cannot be used: its name, its natural key or its JSON Schema is invalid.',
  fix: 'Give the entity a snake_case name that is not canonical, a natural key of field names, and a JSON Schema ajv accepts.',
  message: (d) => `custom entity "${d.entity}" is invalid: ${d.reason}`,
});

export const MAPPING_FUNCTION_INVALID = defineError<{ function: string; plugin: string; reason: string }>({
  code: 'CONNECTD_ERR_MAPPING_FUNCTION_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A mapping function from a plugin cannot be registered with JSONata (a bad signature or a reserved name).',
  fix: 'Report it to the plugin author: the signature must be JSONata signature syntax (e.g. "<s:s>") and the name must not be $store, $product or $connection.',
  message: (d) => `mapping function ${d.function} of ${d.plugin} cannot be registered: ${d.reason}`,
});
