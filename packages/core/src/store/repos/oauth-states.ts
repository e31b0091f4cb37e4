import type { Queryable } from '../database.js';

// Rows of `connectd_engine.oauth_states`: one per consent flow started. The signed `state` the
// vendor echoes names a row; consuming it deletes it in one statement, so a state works once.

/** A consent flow in progress. `codeVerifier` is the PKCE secret; it never leaves the store but in the code exchange. */
export interface OAuthStateRow {
  readonly id: string;
  readonly connector: string;
  readonly tenantId: string;
  readonly connectionId: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly codeVerifier: string | null;
  readonly redirectUri: string;
  readonly expiresAt: Date;
}

interface Row {
  id: string;
  connector: string;
  tenant_id: string;
  connection_id: string;
  config: Record<string, unknown>;
  code_verifier: string | null;
  redirect_uri: string;
  expires_at: Date;
}

/** Records a consent flow when it starts. */
export async function insertOAuthState(db: Queryable, state: OAuthStateRow): Promise<void> {
  await db.query(
    `insert into connectd_engine.oauth_states (id, connector, tenant_id, connection_id, config, code_verifier, redirect_uri, expires_at)
     values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
    [state.id, state.connector, state.tenantId, state.connectionId, JSON.stringify(state.config), state.codeVerifier, state.redirectUri, state.expiresAt],
  );
}

/**
 * Takes a consent flow's row away and returns it: the delete is the single use, so two callbacks
 * with the same state cannot both get it. Undefined when it was used already (or never existed).
 */
export async function consumeOAuthState(db: Queryable, id: string): Promise<OAuthStateRow | undefined> {
  const { rows } = await db.query<Row>(
    `delete from connectd_engine.oauth_states where id = $1
     returning id, connector, tenant_id, connection_id, config, code_verifier, redirect_uri, expires_at`,
    [id],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    id: row.id,
    connector: row.connector,
    tenantId: row.tenant_id,
    connectionId: row.connection_id,
    config: row.config,
    codeVerifier: row.code_verifier,
    redirectUri: row.redirect_uri,
    expiresAt: row.expires_at,
  };
}

/** Deletes flows that expired before `now` (abandoned consent pages). Resolves how many. */
export async function deleteExpiredOAuthStates(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query(`delete from connectd_engine.oauth_states where expires_at < $1`, [now]);
  return rowCount;
}
