import type { Queryable } from '../database.js';

// Rows of `connectd_engine.connect_sessions`: one per consent link made by `connectd connect` or
// `POST /api/connect-sessions`. The signed token in the link names a row; the start route takes it
// in one statement (used_at set, only when unused and unexpired), so a link starts one consent.

/** A connect session: whose consent a link may start, with which connection settings, until when. */
export interface ConnectSessionRow {
  readonly id: string;
  readonly connector: string;
  readonly tenantId: string;
  readonly connectionId: string;
  /** The connection settings the consent will use (declared `auth.params`, normalised when the session was made). */
  readonly params: Readonly<Record<string, string>>;
  readonly expiresAt: Date;
}

/** A session as it stands, to say why one could not be taken. */
export interface ConnectSessionStanding {
  readonly connector: string;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
}

interface Row {
  id: string;
  connector: string;
  tenant_id: string;
  connection_id: string;
  params: Record<string, string>;
  expires_at: Date;
}

/** Records a session when its link is made. */
export async function insertConnectSession(db: Queryable, session: ConnectSessionRow): Promise<void> {
  await db.query(
    `insert into connectd_engine.connect_sessions (id, connector, tenant_id, connection_id, params, expires_at)
     values ($1, $2, $3, $4, $5::jsonb, $6)`,
    [session.id, session.connector, session.tenantId, session.connectionId, JSON.stringify(session.params), session.expiresAt],
  );
}

/**
 * Takes a session for a consent of `connector` at `now`: marks it used and returns it, in one
 * statement, only when it is this connector's, unused and unexpired. Two starts with the same
 * token cannot both get it (the second waits for the first's row lock, then finds it used).
 * Undefined otherwise; {@link getConnectSession} tells why.
 */
export async function takeConnectSession(db: Queryable, id: string, connector: string, now: Date): Promise<ConnectSessionRow | undefined> {
  const { rows } = await db.query<Row>(
    `update connectd_engine.connect_sessions set used_at = $3
     where id = $1 and connector = $2 and used_at is null and expires_at > $3
     returning id, connector, tenant_id, connection_id, params, expires_at`,
    [id, connector, now],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return { id: row.id, connector: row.connector, tenantId: row.tenant_id, connectionId: row.connection_id, params: row.params, expiresAt: row.expires_at };
}

/** Where a session stands (connector, expiry, use), without its tenant or settings; undefined when unknown. */
export async function getConnectSession(db: Queryable, id: string): Promise<ConnectSessionStanding | undefined> {
  const { rows } = await db.query<{ connector: string; expires_at: Date; used_at: Date | null }>(
    `select connector, expires_at, used_at from connectd_engine.connect_sessions where id = $1`,
    [id],
  );
  const row = rows[0];
  return row === undefined ? undefined : { connector: row.connector, expiresAt: row.expires_at, usedAt: row.used_at };
}
