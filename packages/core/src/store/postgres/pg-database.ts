import type pg from 'pg';
import { STORE_CLOSED, STORE_UNREACHABLE } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { advisoryKeyParam } from '../advisory-key.js';
import type { Database, Queryable, QueryResult } from '../database.js';
import { wrapDriverError } from '../driver-errors.js';
import { parseDatabaseUrl, redactDatabaseUrl, scrubPassword } from './database-url.js';

/** Pool size per process; several daemons share one server, so keep it modest. */
export const DEFAULT_POOL_MAX_CONNECTIONS = 10;
/** How long to wait for a connection before reporting the server unreachable. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Idle connections are closed after this long. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export interface PgDatabaseOptions {
  readonly databaseUrl: string;
  readonly log: Logger;
  readonly maxConnections?: number;
  readonly connectTimeoutMs?: number;
}

/**
 * Opens a `pg` Pool and checks it answers.
 * @throws CONNECTD_ERR_STORE_DATABASE_URL_INVALID, CONNECTD_ERR_STORE_UNREACHABLE
 */
export async function openPgDatabase(options: PgDatabaseOptions): Promise<Database> {
  parseDatabaseUrl(options.databaseUrl);
  // Imported here, not at the top: store/index.ts re-exports this module's defaults, and an embedded daemon never needs `pg`.
  const { default: driver } = await import('pg');
  const db = new PgDatabase(options, driver.Pool);
  try {
    await db.query('select 1');
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}

class PgDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly target: string;
  #pool: pg.Pool;
  #url: string;
  #closed = false;

  constructor(options: PgDatabaseOptions, Pool: typeof pg.Pool) {
    this.#url = options.databaseUrl;
    this.target = redactDatabaseUrl(options.databaseUrl);
    this.#pool = new Pool({
      connectionString: options.databaseUrl,
      max: options.maxConnections ?? DEFAULT_POOL_MAX_CONNECTIONS,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: DEFAULT_IDLE_TIMEOUT_MS,
      application_name: 'connectd',
    });
    // An idle client that loses its server emits 'error' on the pool; unhandled, it would kill the
    // process. The next query reconnects, so a warning is all it deserves.
    this.#pool.on('error', (err) => {
      options.log.warn({ code: STORE_UNREACHABLE.code, reason: this.#scrub(err.message) }, 'idle database connection lost');
    });
  }

  async query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    this.#assertOpen();
    return runQuery<R>(this.#pool, sql, params, (err) => this.#wrap(err));
  }

  async exec(sql: string): Promise<void> {
    this.#assertOpen();
    await runQuery(this.#pool, sql, undefined, (err) => this.#wrap(err));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#inTransaction(undefined, fn);
  }

  async withAdvisoryLock<T>(key: bigint | number, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#inTransaction(advisoryKeyParam(key), fn);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // pool.end() waits for checked-out clients to be released, so in-flight transactions finish.
    await this.#pool.end();
  }

  async #inTransaction<T>(lockKey: string | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw this.#wrap(err);
    }
    // A checked-out client whose server connection ends emits 'error'; pg-pool listens only to
    // idle clients, so without this a connection lost between two statements of a transaction
    // (a long one such as retention's lock holder) would crash the process. Its next statement
    // fails instead, and the client is destroyed on release.
    let lost: Error | undefined;
    const onLost = (err: Error): void => {
      lost = err;
    };
    client.on('error', onLost);
    const wrap = (err: unknown): Error => this.#wrap(err);
    const tx: Queryable = {
      query: <R>(sql: string, params?: readonly unknown[]) => runQuery<R>(client, sql, params, wrap),
      exec: async (sql: string) => {
        await runQuery(client, sql, undefined, wrap);
      },
    };
    let broken: Error | undefined;
    try {
      await tx.exec('begin');
      if (lockKey !== undefined) await tx.query('select pg_advisory_xact_lock($1::bigint)', [lockKey]);
      const result = await fn(tx);
      await tx.exec('commit');
      return result;
    } catch (err) {
      await tx.exec('rollback').catch((rollbackErr: unknown) => {
        // A client that cannot roll back is in an unknown state: destroy it instead of reusing it.
        broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      });
      throw err;
    } finally {
      client.removeListener('error', onLost);
      client.release(broken ?? lost);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw STORE_CLOSED({ target: this.target });
  }

  #wrap(err: unknown): Error {
    // Connection errors can quote the connection string; never repeat its password.
    return wrapDriverError(err, this.target, (text) => this.#scrub(text));
  }

  #scrub(text: string): string {
    return scrubPassword(text, this.#url);
  }
}

async function runQuery<R>(
  runner: pg.Pool | pg.PoolClient,
  sql: string,
  params: readonly unknown[] | undefined,
  wrap: (err: unknown) => Error,
): Promise<QueryResult<R>> {
  try {
    const result = await runner.query(sql, params === undefined ? undefined : [...params]);
    // A multi-statement exec returns one result per statement; callers of exec ignore it.
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { rows: (last?.rows ?? []) as R[], rowCount: last?.rowCount ?? 0 };
  } catch (err) {
    throw wrap(err);
  }
}
