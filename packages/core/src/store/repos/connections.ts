import type { Database } from '../database.js';

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
