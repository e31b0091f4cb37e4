import type { Database, Queryable } from '../database.js';

/** A connection declared under `connections:` in connectors.yaml. */
export interface DeclaredConnection {
  readonly id: string;
  /** The connector's key in connectors.yaml. */
  readonly connector: string;
  readonly tenantId: string;
  /**
   * Non-secret settings to keep with the connection. The column is NOT encrypted: leave out
   * values that came from secret variables (tokens belong in the credentials table, encrypted).
   */
  readonly config?: Readonly<Record<string, unknown>>;
}

/**
 * Makes sure a YAML-declared connection and its tenant exist, updating connector, tenant and
 * config when the file changed. The connection's status (needs_reauth, disabled) is left alone.
 * Jobs, runs and checkpoints reference the connection row, so the daemon and `connectd sync` call
 * this for every declared connection before scheduling or running anything.
 * @example
 * await upsertDeclaredConnection(store.db, { id: 'storq-main', connector: 'storq', tenantId: 'acme' });
 */
export async function upsertDeclaredConnection(db: Database, connection: DeclaredConnection): Promise<{ created: boolean }> {
  return db.transaction(async (tx) => {
    await tx.query(`insert into connectd_engine.tenants (id) values ($1) on conflict (id) do nothing`, [connection.tenantId]);
    const { rows } = await tx.query<{ created: boolean }>(
      `insert into connectd_engine.connections as c (id, connector, tenant_id, config)
       values ($1, $2, $3, $4::jsonb)
       on conflict (id) do update set connector = excluded.connector, tenant_id = excluded.tenant_id,
         config = excluded.config, updated_at = now()
       where (c.connector, c.tenant_id, c.config) is distinct from (excluded.connector, excluded.tenant_id, excluded.config)
       returning (c.xmax = 0) as created`,
      [connection.id, connection.connector, connection.tenantId, JSON.stringify(connection.config ?? {})],
    );
    return { created: rows[0]?.created === true };
  });
}

/** A connection's lifecycle state: only `active` connections sync, act and refresh tokens. */
export type ConnectionStatus = 'active' | 'needs_reauth' | 'disabled';

/** A connection row as the engine and the admin API see it. It holds no secret. */
export interface ConnectionRecord {
  readonly id: string;
  readonly connector: string;
  readonly tenantId: string;
  readonly status: ConnectionStatus;
  /** Why it is not active (a coded error and its message); null when active. */
  readonly statusReason: string | null;
  readonly config: Readonly<Record<string, unknown>>;
  /** The vendor's id of the connected account (shop domain, merchant id), when known. */
  readonly vendorAccountId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What {@link saveConnection} writes. */
export interface ConnectionWrite {
  readonly id: string;
  readonly connector: string;
  readonly tenantId: string;
  /** Non-secret settings (e.g. a shop domain); the column is not encrypted. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly vendorAccountId?: string | null;
}

interface ConnectionRow {
  id: string;
  connector: string;
  tenant_id: string;
  status: ConnectionStatus;
  status_reason: string | null;
  config: Record<string, unknown>;
  vendor_account_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const CONNECTION_COLUMNS = 'id, connector, tenant_id, status, status_reason, config, vendor_account_id, created_at, updated_at';

function toConnection(row: ConnectionRow): ConnectionRecord {
  return {
    id: row.id,
    connector: row.connector,
    tenantId: row.tenant_id,
    status: row.status,
    statusReason: row.status_reason,
    config: row.config,
    vendorAccountId: row.vendor_account_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Creates a connection, or re-activates and updates an existing one (a reconnect after
 * `needs_reauth`, or a tenant connecting the same account again), with its tenant. Call it in the
 * transaction that stores the connection's credentials, so a connection is never active without them.
 * @example
 * await db.transaction(async (tx) => {
 *   const connection = await saveConnection(tx, { id: 'square-acme', connector: 'square', tenantId: 'acme' });
 *   await saveCredential(tx, { connectionId: connection.id, kind: 'access_token', ...encrypted, expiresAt });
 * });
 */
export async function saveConnection(tx: Queryable, connection: ConnectionWrite): Promise<ConnectionRecord> {
  await tx.query(`insert into connectd_engine.tenants (id) values ($1) on conflict (id) do nothing`, [connection.tenantId]);
  const { rows } = await tx.query<ConnectionRow>(
    `insert into connectd_engine.connections as c (id, connector, tenant_id, config, vendor_account_id, status)
     values ($1, $2, $3, $4::jsonb, $5, 'active')
     on conflict (id) do update set connector = excluded.connector, tenant_id = excluded.tenant_id,
       config = excluded.config, vendor_account_id = coalesce(excluded.vendor_account_id, c.vendor_account_id),
       status = 'active', status_reason = null, updated_at = now()
     returning ${CONNECTION_COLUMNS}`,
    [connection.id, connection.connector, connection.tenantId, JSON.stringify(connection.config ?? {}), connection.vendorAccountId ?? null],
  );
  return toConnection(rows[0]!);
}

/** One connection; undefined when there is none with that id. */
export async function getConnection(db: Queryable, id: string): Promise<ConnectionRecord | undefined> {
  const { rows } = await db.query<ConnectionRow>(`select ${CONNECTION_COLUMNS} from connectd_engine.connections where id = $1`, [id]);
  const row = rows[0];
  return row === undefined ? undefined : toConnection(row);
}

/** Connections in id order, optionally only those of one connector, tenant or status. */
export async function listConnections(
  db: Queryable,
  filter: { readonly connector?: string | undefined; readonly tenantId?: string | undefined; readonly status?: ConnectionStatus | undefined } = {},
): Promise<ConnectionRecord[]> {
  const { rows } = await db.query<ConnectionRow>(
    `select ${CONNECTION_COLUMNS} from connectd_engine.connections
     where ($1::text is null or connector = $1) and ($2::text is null or tenant_id = $2) and ($3::text is null or status = $3)
     order by id`,
    [filter.connector ?? null, filter.tenantId ?? null, filter.status ?? null],
  );
  return rows.map(toConnection);
}

/**
 * Sets a connection's status and the reason for it (null clears it). Resolves the updated row,
 * or undefined when the connection does not exist.
 */
export async function setConnectionStatus(
  db: Queryable,
  id: string,
  status: ConnectionStatus,
  reason: string | null = null,
): Promise<ConnectionRecord | undefined> {
  const { rows } = await db.query<ConnectionRow>(
    `update connectd_engine.connections set status = $2, status_reason = $3, updated_at = now()
     where id = $1 returning ${CONNECTION_COLUMNS}`,
    [id, status, reason],
  );
  const row = rows[0];
  return row === undefined ? undefined : toConnection(row);
}

/**
 * Deletes a connection with everything that references it: credentials, checkpoints and jobs by
 * foreign key; its shared rate budget, requests in flight and breaker in this statement, as those
 * tables are keyed by name without a foreign key (a budget may be taken before its connection row
 * is written). Resolves whether it existed.
 */
export async function deleteConnection(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(
    `with gone as (delete from connectd_engine.connections where id = $1 returning id),
       budgets as (delete from connectd_engine.rate_budgets where connection_id in (select id from gone)),
       flights as (delete from connectd_engine.rate_flights where connection_id in (select id from gone)),
       breakers as (delete from connectd_engine.breaker_states where connection_id in (select id from gone))
     select count(*)::int as n from gone`,
    [id],
  );
  return (rows[0]?.n ?? 0) > 0;
}
