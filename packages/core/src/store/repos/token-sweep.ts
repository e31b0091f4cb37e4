import type { Queryable } from '../database.js';

/** An active OAuth connection whose token should be refreshed ahead of use. */
export interface TokenToRefresh {
  readonly connectionId: string;
  readonly connector: string;
  /** `expiring`: the access token expires before the horizon; `idle`: not refreshed since the idle cutoff. */
  readonly reason: 'expiring' | 'idle';
}

/**
 * Active connections of the given connectors whose access token expires before `expiringBefore`,
 * or whose refresh token was last written before `idleSince` (vendors expire refresh tokens that
 * are not used for long). Connections without a refresh token are left out: they cannot refresh.
 */
export async function listTokensToRefresh(
  db: Queryable,
  query: { readonly connectors: readonly string[]; readonly expiringBefore: Date; readonly idleSince: Date; readonly limit: number },
): Promise<TokenToRefresh[]> {
  if (query.connectors.length === 0) return [];
  const { rows } = await db.query<{ connection_id: string; connector: string; reason: 'expiring' | 'idle' }>(
    `select c.id as connection_id, c.connector,
            case when a.expires_at is not null and a.expires_at < $2 then 'expiring' else 'idle' end as reason
     from connectd_engine.connections c
     join connectd_engine.credentials r on r.connection_id = c.id and r.kind = 'refresh_token'
     left join connectd_engine.credentials a on a.connection_id = c.id and a.kind = 'access_token'
     where c.status = 'active' and c.connector = any($1::text[])
       and ((a.expires_at is not null and a.expires_at < $2) or r.updated_at < $3)
     order by a.expires_at nulls last, c.id
     limit $4`,
    [query.connectors, query.expiringBefore, query.idleSince, query.limit],
  );
  return rows.map((r) => ({ connectionId: r.connection_id, connector: r.connector, reason: r.reason }));
}
