/** Which engine a {@link Database} runs on. */
export type DatabaseKind = 'postgres' | 'pglite';

/**
 * Rows of a statement. `rowCount` is the number of rows returned (SELECT) or changed
 * (INSERT/UPDATE/DELETE), 0 for DDL.
 */
export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/**
 * Something statements can be sent to: the database itself, or one open transaction.
 *
 * Values come back the same way on both engines: `bigint`/`int8` and `numeric` as strings (no
 * precision is lost), `bytea` as `Buffer`, `timestamptz` as `Date`, `json`/`jsonb` parsed.
 * Parameters follow node-postgres: pass `JSON.stringify(value)` for a `jsonb` parameter that is an
 * array (a JS array is sent as a Postgres array), a `Buffer` for `bytea`.
 */
export interface Queryable {
  /**
   * Runs one statement with `$1`-style parameters.
   * @throws CONNECTD_ERR_STORE_QUERY_FAILED (details.sqlState), CONNECTD_ERR_STORE_UNREACHABLE,
   *   CONNECTD_ERR_STORE_CLOSED
   */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs one or more `;`-separated statements without parameters (DDL, migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The one database connection both engines implement: a `pg` Pool on Postgres, a single embedded
 * PGlite instance otherwise. It is the only place SQL is sent from.
 * @example
 * const total = await db.transaction(async (tx) => {
 *   await tx.query('insert into connectd_engine.tenants (id) values ($1)', ['acme']);
 *   const { rows } = await tx.query<{ n: string }>('select count(*) as n from connectd_engine.tenants');
 *   return Number(rows[0]?.n);
 * });
 */
export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Where the data lives, safe to print: a URL without its password, or the data folder. */
  readonly target: string;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws (the
   * error is rethrown unchanged). Send statements to `tx`, not to the database: on the embedded
   * engine transactions run one at a time, and using the database inside one is an error
   * (CONNECTD_ERR_STORE_NESTED_QUERY) rather than a deadlock.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in a transaction that first takes the Postgres advisory lock `key`
   * (`pg_advisory_xact_lock`), waiting for whoever holds it; the lock is released at commit or
   * rollback. Use {@link advisoryLockKey} to derive keys from names.
   */
  withAdvisoryLock<T>(key: bigint | number, fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Lets in-flight statements finish, then closes. Later calls fail with CONNECTD_ERR_STORE_CLOSED. */
  close(): Promise<void>;
}
