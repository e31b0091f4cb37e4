import { defineError } from '../define-error.js';

// Errors of the store area. Codes are never reused once retired; add new ones at the end.
// Messages name places (URLs without passwords, folders, pids, SQLSTATEs), never values.

export const STORE_DATABASE_URL_INVALID = defineError<{ reason: string }>({
  code: 'CONNECTD_ERR_STORE_DATABASE_URL_INVALID',
  exitCode: 2,
  meaning: 'DATABASE_URL is not a postgres:// or postgresql:// URL.',
  fix: 'Set DATABASE_URL to a URL such as postgres://user:password@host:5432/dbname, or unset it to use the embedded database.',
  message: (d) => `DATABASE_URL is not a valid Postgres URL: ${d.reason}`,
});

export const STORE_UNREACHABLE = defineError<{ target: string; reason: string }>({
  code: 'CONNECTD_ERR_STORE_UNREACHABLE',
  httpStatus: 503,
  meaning: 'The Postgres server named by DATABASE_URL could not be reached or refused the connection.',
  fix: 'Check that the server is running and reachable from this host, and that the user, password and database in DATABASE_URL are right.',
  message: (d) => `cannot reach the database at ${d.target}: ${d.reason}`,
});

export const STORE_DATA_DIR_UNUSABLE = defineError<{ dataDir: string; reason: string }>({
  code: 'CONNECTD_ERR_STORE_DATA_DIR_UNUSABLE',
  meaning: 'The data folder of the embedded database could not be created or written.',
  fix: 'Point CONNECTD_DATA_DIR at a folder this user can create and write, or set DATABASE_URL to use Postgres.',
  message: (d) => `cannot use the data folder ${d.dataDir}: ${d.reason}`,
});

export const STORE_DATA_DIR_LOCKED = defineError<{ dataDir: string; pid: number }>({
  code: 'CONNECTD_ERR_STORE_DATA_DIR_LOCKED',
  meaning: 'Another live process already has the embedded database in this data folder open; it can only be opened by one process.',
  fix: 'Stop the other connectd process, give this one its own CONNECTD_DATA_DIR, or set DATABASE_URL so several processes share one Postgres.',
  message: (d) =>
    `the embedded database in ${d.dataDir} is in use by process ${d.pid}; stop that process or set DATABASE_URL to share a Postgres database`,
});

export const STORE_EMBEDDED_OPEN_FAILED = defineError<{ dataDir: string; reason: string }>({
  code: 'CONNECTD_ERR_STORE_EMBEDDED_OPEN_FAILED',
  meaning: 'The embedded database (PGlite) in the data folder could not be started.',
  fix: 'The folder may be damaged or written by another PGlite version: move it aside to start afresh, or set DATABASE_URL.',
  message: (d) => `cannot open the embedded database in ${d.dataDir}: ${d.reason}`,
});

export const STORE_QUERY_FAILED = defineError<{ sqlState: string | undefined; reason: string }>({
  code: 'CONNECTD_ERR_STORE_QUERY_FAILED',
  meaning: 'The database rejected a statement; details.sqlState holds the Postgres SQLSTATE.',
  fix: 'Read the SQLSTATE and the chained cause; a schema error usually means migrations were not applied (run `connectd migrate`).',
  message: (d) => `database statement failed (SQLSTATE ${d.sqlState ?? 'none'}): ${d.reason}`,
});

export const STORE_CLOSED = defineError<{ target: string }>({
  code: 'CONNECTD_ERR_STORE_CLOSED',
  httpStatus: 503,
  meaning: 'The store was used after it was closed, typically by work still running during shutdown.',
  fix: 'Finish or cancel work before closing the store; during shutdown this is expected for work that outlived the deadline.',
  message: (d) => `the store (${d.target}) is closed`,
});

export const STORE_NESTED_QUERY = defineError<Record<string, never>>({
  code: 'CONNECTD_ERR_STORE_NESTED_QUERY',
  meaning: 'Code inside a transaction on the embedded database queried the database object instead of the transaction, which would wait forever.',
  fix: 'Inside transaction() and withAdvisoryLock() callbacks, run statements on the `tx` argument (a bug in connectd or a plugin).',
  message: () =>
    'a statement was sent to the embedded database from inside one of its transactions; use the transaction passed to the callback',
});

export const STORE_MIGRATION_CHECKSUM_MISMATCH = defineError<{ name: string; expected: string; actual: string }>({
  code: 'CONNECTD_ERR_STORE_MIGRATION_CHECKSUM_MISMATCH',
  meaning: 'A migration that was already applied to this database has different SQL in this version of connectd.',
  fix: 'Applied migrations must never change: restore the original migration and add a new one for the change.',
  message: (d) =>
    `migration ${d.name} was applied with checksum ${d.expected.slice(0, 12)} but this connectd has ${d.actual.slice(0, 12)}`,
});

export const STORE_MIGRATION_FAILED = defineError<{ name: string; reason: string }>({
  code: 'CONNECTD_ERR_STORE_MIGRATION_FAILED',
  meaning: 'A migration failed; every migration of that run was rolled back.',
  fix: 'Read the chained cause (SQLSTATE and message); fix the database state or the migration, then run `connectd migrate` again.',
  message: (d) => `migration ${d.name} failed and was rolled back: ${d.reason}`,
});

export const STORE_IDENTIFIER_INVALID = defineError<{ kind: 'table' | 'column'; name: string; reason: string }>({
  code: 'CONNECTD_ERR_STORE_IDENTIFIER_INVALID',
  exitCode: 2,
  meaning: 'An entity table or column name is not a plain lower-case SQL identifier, or a custom entity would reuse a canonical table.',
  fix: 'Name custom entities in snake_case (letters, digits, _; at most 63 characters) and not after a canonical entity (store, product, inventory_level, transaction, order).',
  message: (d) => `${d.kind} name "${d.name}" cannot be used: ${d.reason}`,
});
