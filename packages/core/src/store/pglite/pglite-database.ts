import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { STORE_CLOSED, STORE_DATA_DIR_UNUSABLE, STORE_EMBEDDED_OPEN_FAILED, STORE_NESTED_QUERY } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { advisoryKeyParam } from '../advisory-key.js';
import type { Database, Queryable, QueryResult } from '../database.js';
import { wrapDriverError } from '../driver-errors.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { SerialQueue } from './serial-queue.js';

/** The Postgres cluster lives in this subfolder, so the data folder can also hold the lock file. */
export const PGLITE_CLUSTER_DIR = 'pgdata';

const OID_BYTEA = 17;
const OID_INT8 = 20;

/**
 * Parsers that make PGlite return what node-postgres returns, so code behaves the same on both
 * engines: int8 as a string (PGlite's number would lose precision past 2^53) and bytea as a Buffer.
 */
const PG_COMPATIBLE_PARSERS = {
  [OID_INT8]: (value: string) => value,
  [OID_BYTEA]: (value: string) => Buffer.from(value.startsWith('\\x') ? value.slice(2) : value, 'hex'),
};

export interface PgliteDatabaseOptions {
  readonly dataDir: string;
  readonly log: Logger;
}

/**
 * Opens the embedded database in `dataDir` (created if missing), after taking its lock file.
 * @throws CONNECTD_ERR_STORE_DATA_DIR_UNUSABLE, CONNECTD_ERR_STORE_DATA_DIR_LOCKED,
 *   CONNECTD_ERR_STORE_EMBEDDED_OPEN_FAILED
 */
export async function openPgliteDatabase(options: PgliteDatabaseOptions): Promise<Database> {
  const dataDir = resolve(options.dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw STORE_DATA_DIR_UNUSABLE({ dataDir, reason: (err as Error).message }, { cause: err });
  }
  const lock = acquireDataDirLock(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(join(dataDir, PGLITE_CLUSTER_DIR), { parsers: PG_COMPATIBLE_PARSERS });
  } catch (err) {
    lock.release();
    throw STORE_EMBEDDED_OPEN_FAILED({ dataDir, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
  }
  options.log.debug({ dataDir }, 'embedded database open');
  return new PgliteDatabase(pglite, dataDir, lock);
}

/** Marks the async context of a running transaction; `active` turns false when it ends. */
interface TransactionScope {
  active: boolean;
}

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly target: string;
  #pglite: PGlite;
  #lock: DataDirLock;
  #queue = new SerialQueue();
  #scope = new AsyncLocalStorage<TransactionScope>();
  #closing: Promise<void> | undefined;

  constructor(pglite: PGlite, dataDir: string, lock: DataDirLock) {
    this.#pglite = pglite;
    this.#lock = lock;
    this.target = `embedded database in ${dataDir}`;
  }

  async query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    this.#assertUsable();
    return this.#queue.run(() => runQuery<R>(this.#pglite, sql, params, this.target));
  }

  async exec(sql: string): Promise<void> {
    this.#assertUsable();
    await this.#queue.run(() => runExec(this.#pglite, sql, this.target));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#inTransaction(undefined, fn);
  }

  async withAdvisoryLock<T>(key: bigint | number, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#inTransaction(advisoryKeyParam(key), fn);
  }

  close(): Promise<void> {
    // Queued behind in-flight work, so running transactions finish first.
    this.#closing ??= this.#queue
      .run(() => this.#pglite.close())
      .finally(() => this.#lock.release());
    return this.#closing;
  }

  async #inTransaction<T>(lockKey: string | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#assertUsable();
    const scope: TransactionScope = { active: true };
    return this.#queue.run(() =>
      this.#scope.run(scope, async () => {
        try {
          return await this.#pglite.transaction(async (raw) => {
            const tx = wrapTransaction(raw, this.target);
            if (lockKey !== undefined) await tx.query('select pg_advisory_xact_lock($1::bigint)', [lockKey]);
            return fn(tx);
          });
        } finally {
          scope.active = false;
        }
      }),
    );
  }

  #assertUsable(): void {
    if (this.#closing !== undefined) throw STORE_CLOSED({ target: this.target });
    // Inside a transaction the queue is held until the callback returns, so queueing behind it
    // would wait forever; fail loudly instead.
    if (this.#scope.getStore()?.active === true) throw STORE_NESTED_QUERY({});
  }
}

function wrapTransaction(raw: Transaction, target: string): Queryable {
  return {
    query: <R>(sql: string, params?: readonly unknown[]) => runQuery<R>(raw, sql, params, target),
    exec: (sql: string) => runExec(raw, sql, target),
  };
}

async function runQuery<R>(
  runner: PGlite | Transaction,
  sql: string,
  params: readonly unknown[] | undefined,
  target: string,
): Promise<QueryResult<R>> {
  try {
    const result = await runner.query<R>(sql, params === undefined ? [] : [...params]);
    return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? 0 };
  } catch (err) {
    throw wrapDriverError(err, target);
  }
}

async function runExec(runner: PGlite | Transaction, sql: string, target: string): Promise<void> {
  try {
    await runner.exec(sql);
  } catch (err) {
    throw wrapDriverError(err, target);
  }
}
