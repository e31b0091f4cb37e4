import { STORE_MIGRATION_CHECKSUM_MISMATCH, STORE_MIGRATION_FAILED, isConnectdError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { advisoryLockKey } from './advisory-key.js';
import type { Database, Queryable } from './database.js';
import { migrationChecksum, type Migration } from './migrations/index.js';

/** Every process migrating one database takes this lock, so exactly one of them applies each migration. */
export const MIGRATION_LOCK_KEY: bigint = advisoryLockKey('connectd:migrate');

/** The bookkeeping table. Created by the runner itself (under the lock), not by a migration. */
const BOOKKEEPING_SQL = `
create schema if not exists connectd_engine;
create table if not exists connectd_engine.migrations (
  name        text primary key,
  checksum    text not null,
  applied_at  timestamptz not null default now()
);`;

interface AppliedRow {
  name: string;
  checksum: string;
}

/**
 * Applies the pending migrations in order, all in one transaction under {@link MIGRATION_LOCK_KEY}:
 * a second process starting at the same moment waits, then finds nothing left to do.
 * @throws CONNECTD_ERR_STORE_MIGRATION_CHECKSUM_MISMATCH when an applied migration's SQL changed
 * @throws CONNECTD_ERR_STORE_MIGRATION_FAILED when a migration's SQL fails (nothing is applied)
 */
export async function runMigrations(
  db: Database,
  migrations: readonly Migration[],
  log: Logger,
): Promise<{ applied: string[] }> {
  // Every start lands here, and almost always the schema is current: one read without the lock
  // settles that. Only when something is pending does it take the lock and check again (another
  // process may have applied it meanwhile).
  const current = await readApplied(db, migrations);
  if (current !== undefined && current.pending.length === 0) {
    warnUnknown(current.unknown, log);
    return { applied: [] };
  }
  const applied = await db.withAdvisoryLock(MIGRATION_LOCK_KEY, async (tx) => {
    await tx.exec(BOOKKEEPING_SQL);
    const { pending, unknown } = await verifyApplied(tx, migrations);
    warnUnknown(unknown, log);
    for (const migration of pending) {
      try {
        await tx.exec(migration.sql);
      } catch (err) {
        const reason = isConnectdError(err) ? err.message : String(err);
        throw STORE_MIGRATION_FAILED({ name: migration.name, reason }, { cause: err });
      }
      await tx.query('insert into connectd_engine.migrations (name, checksum) values ($1, $2)', [
        migration.name,
        migrationChecksum(migration),
      ]);
    }
    return pending.map((m) => m.name);
  });
  // Logged after the commit: before it, nothing is applied yet.
  for (const name of applied) log.info({ migration: name }, 'migration applied');
  return { applied };
}

/**
 * The migrations not yet applied (all of them on a database never migrated), read without taking
 * the lock. Throws like {@link runMigrations} when an applied migration changed.
 */
export async function pendingMigrations(db: Queryable, migrations: readonly Migration[]): Promise<Migration[]> {
  return (await readApplied(db, migrations))?.pending ?? [...migrations];
}

/** What {@link verifyApplied} finds, or undefined on a database never migrated (no bookkeeping table). */
async function readApplied(db: Queryable, migrations: readonly Migration[]): Promise<{ pending: Migration[]; unknown: string[] } | undefined> {
  const { rows } = await db.query<{ present: boolean }>(
    `select to_regclass('connectd_engine.migrations') is not null as present`,
  );
  return rows[0]?.present === true ? verifyApplied(db, migrations) : undefined;
}

/**
 * A newer connectd migrated this database (a rolling upgrade, or a rollback). Migrations only
 * add, so an older version keeps working; say so instead of refusing to start.
 */
function warnUnknown(unknown: readonly string[], log: Logger): void {
  if (unknown.length > 0) log.warn({ migrations: unknown }, 'database has migrations this connectd does not know; a newer version applied them');
}

async function verifyApplied(
  db: Queryable,
  migrations: readonly Migration[],
): Promise<{ pending: Migration[]; unknown: string[] }> {
  const { rows } = await db.query<AppliedRow>('select name, checksum from connectd_engine.migrations order by name');
  const applied = new Map(rows.map((row) => [row.name, row.checksum]));
  const known = new Set(migrations.map((m) => m.name));
  for (const migration of migrations) {
    const recorded = applied.get(migration.name);
    const actual = migrationChecksum(migration);
    if (recorded !== undefined && recorded !== actual) {
      throw STORE_MIGRATION_CHECKSUM_MISMATCH({ name: migration.name, expected: recorded, actual });
    }
  }
  return {
    pending: migrations.filter((m) => !applied.has(m.name)),
    unknown: rows.filter((row) => !known.has(row.name)).map((row) => row.name),
  };
}
