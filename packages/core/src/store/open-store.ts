import type { Logger } from '../log/index.js';
import type { Database, DatabaseKind } from './database.js';
import { pendingMigrations, runMigrations } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

/** Where the embedded database lives when neither CONNECTD_DATA_DIR nor an option says otherwise. */
export const DEFAULT_DATA_DIR = './.connectd';

export interface OpenStoreOptions {
  /** `DATABASE_URL`: when set, Postgres through a `pg` Pool; otherwise embedded PGlite in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  /** `CONNECTD_DATA_DIR` (default {@link DEFAULT_DATA_DIR}); created if missing; unused with a databaseUrl. */
  readonly dataDir: string;
  /** The store's logger; callers pass a child (`log.child({ component: 'store' })`). */
  readonly log: Logger;
  /** Postgres pool size; default 10. */
  readonly maxConnections?: number;
  /** Postgres connect timeout; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** The migration set; only tests pass their own. Default {@link MIGRATIONS}. */
  readonly migrations?: readonly Migration[];
}

/** connectd's persistence: one database, one migration set, for both engines. */
export interface Store {
  readonly db: Database;
  readonly kind: DatabaseKind;
  /**
   * Applies pending migrations under an advisory lock; concurrent callers (other processes)
   * wait and then apply nothing. Resolves with the names this call applied.
   * @throws CONNECTD_ERR_STORE_MIGRATION_CHECKSUM_MISMATCH, CONNECTD_ERR_STORE_MIGRATION_FAILED
   */
  migrate(): Promise<{ applied: string[] }>;
  /** Names of the migrations not applied yet. */
  pendingMigrations(): Promise<string[]>;
  /** Resolves when the database answers. @throws CONNECTD_ERR_STORE_UNREACHABLE, CONNECTD_ERR_STORE_CLOSED */
  ping(): Promise<void>;
  /** True when the database answers and every migration is applied unchanged (for `/readyz`); never throws. */
  isReady(): Promise<boolean>;
  /** Lets in-flight work finish, then closes the database (and releases the data-folder lock). Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the store: Postgres when `databaseUrl` is set, embedded PGlite in `dataDir` otherwise. It
 * does not migrate; the daemon calls `migrate()` at start, `connectd migrate` on demand.
 * @throws CONNECTD_ERR_STORE_DATABASE_URL_INVALID, CONNECTD_ERR_STORE_UNREACHABLE,
 *   CONNECTD_ERR_STORE_DATA_DIR_UNUSABLE, CONNECTD_ERR_STORE_DATA_DIR_LOCKED,
 *   CONNECTD_ERR_STORE_EMBEDDED_OPEN_FAILED
 * @example
 * const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.CONNECTD_DATA_DIR ?? DEFAULT_DATA_DIR, log });
 * await store.migrate();
 * const { rows } = await store.db.query('select count(*) as n from connectd.products');
 * await store.close();
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const log = options.log;
  const db = await openDatabase(options);
  log.info({ backend: db.kind, target: db.target }, 'store open');
  return new DatabaseStore(db, options.migrations ?? MIGRATIONS, log);
}

/**
 * Postgres or PGlite. Each engine's driver is imported only when chosen: a daemon on Postgres never
 * loads PGlite's WebAssembly build, an embedded one never loads `pg`.
 */
async function openDatabase(options: OpenStoreOptions): Promise<Database> {
  const url = options.databaseUrl;
  if (url === undefined || url === '') {
    const { openPgliteDatabase } = await import('./pglite/pglite-database.js');
    return openPgliteDatabase({ dataDir: options.dataDir, log: options.log });
  }
  const { openPgDatabase } = await import('./postgres/pg-database.js');
  return openPgDatabase({
    databaseUrl: url,
    log: options.log,
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
  });
}

class DatabaseStore implements Store {
  readonly db: Database;
  #migrations: readonly Migration[];
  #log: Logger;

  constructor(db: Database, migrations: readonly Migration[], log: Logger) {
    this.db = db;
    this.#migrations = migrations;
    this.#log = log;
  }

  get kind(): DatabaseKind {
    return this.db.kind;
  }

  migrate(): Promise<{ applied: string[] }> {
    return runMigrations(this.db, this.#migrations, this.#log);
  }

  async pendingMigrations(): Promise<string[]> {
    return (await pendingMigrations(this.db, this.#migrations)).map((m) => m.name);
  }

  async ping(): Promise<void> {
    await this.db.query('select 1');
  }

  async isReady(): Promise<boolean> {
    try {
      return (await pendingMigrations(this.db, this.#migrations)).length === 0;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
