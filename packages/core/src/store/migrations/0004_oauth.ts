import type { Migration } from './migration.js';

/**
 * What OAuth connections need beyond 0001:
 * - `oauth_states`: one row per consent flow started. The `state` parameter the vendor echoes is
 *   signed and names this row; the callback consumes the row in one statement, so a state works
 *   once. The PKCE verifier stays here (never in the URL); it is deleted with the row.
 * - `connections.status_reason`: why a connection is `needs_reauth` or `disabled`, for `status`
 *   and the admin API (a coded error and a message, never a token).
 */
const SQL = `
create table connectd_engine.oauth_states (
  id             text primary key,
  connector      text not null,
  tenant_id      text not null,
  connection_id  text not null,
  config         jsonb not null default '{}'::jsonb,
  code_verifier  text,
  redirect_uri   text not null,
  expires_at     timestamptz not null,
  created_at     timestamptz not null default now()
);
create index oauth_states_expires_idx on connectd_engine.oauth_states (expires_at);
alter table connectd_engine.connections add column status_reason text;
`;

export const migration0004OAuth: Migration = { name: '0004_oauth', sql: SQL };
