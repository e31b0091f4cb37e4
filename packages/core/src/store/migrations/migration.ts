import { createHash } from 'node:crypto';

/**
 * One step of the schema. Migrations are TS modules exporting SQL strings, not .sql files, so
 * `tsc` ships them in dist/ with no copy step. Once released, a migration's SQL never changes
 * (its checksum is recorded); changes go into a new migration.
 */
export interface Migration {
  /** Sortable and unique: `NNNN_what`. */
  readonly name: string;
  /** One or more statements; runs inside the migration transaction on Postgres and PGlite alike. */
  readonly sql: string;
}

/** SHA-256 of the SQL, with line endings normalised so a checkout with CRLF does not look changed. */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql.replace(/\r\n/g, '\n')).digest('hex');
}
