/**
 * mapping/: vendor records to canonical (or custom) entities. Pure: JSONata and JSON Schema, no
 * SQL and no HTTP. Compile everything once at load (`compileMapping`, `compileRecordsPath`,
 * `createEntityCatalog`), then `mapRecords` per page.
 */
export {
  CANONICAL_ENTITIES,
  DEFAULT_STORE_KEY,
  INVENTORY_LEVEL,
  ORDER,
  PRODUCT,
  SOURCE_COLUMNS,
  SOURCE_PROPERTIES,
  STORE,
  TRANSACTION,
} from './canonical/index.js';
export type { ColumnType, EntityColumn, EntityDefinition, VendorIdMapping } from './canonical/index.js';
export { createEntityCatalog } from './catalog.js';
export type { EntityCatalog, EntityValidation } from './catalog.js';
export { customEntity } from './custom-entity.js';
export type { CustomEntityConfig } from './custom-entity.js';
export { compileMapping, isRecordFailure } from './compile-mapping.js';
export type { CompiledMapping, CompileMappingOptions, MappedValue, MappingBindings, MappingConnection } from './compile-mapping.js';
export { RESERVED_FUNCTION_NAMES } from './functions.js';
export type { MappingFunctionEntry } from './functions.js';
export type { IdLookups, LookupResult } from './lookups.js';
export { MAP_CONCURRENCY, mapRecords } from './map-records.js';
export { cachedLookups } from './rows.js';
export { compileOutput, outputsOf, recordMapper } from './record-mapper.js';
export type { CompiledOutput, OutputDeclaration, RecordMapper } from './record-mapper.js';
export type { EntityRow, MappedRows, RecordFailure, VendorIdLookup } from './rows.js';
export type { MappedEntity, MappedPage, MappingFailure } from './map-records.js';
export { compileRecordsPath } from './records-path.js';
export { compileExpression } from './expression.js';
export type { CompiledExpression } from './expression.js';
export type { RecordsPath } from './records-path.js';
export { ENTITY_NAME_PATTERN, tableNameOf } from './table-name.js';
