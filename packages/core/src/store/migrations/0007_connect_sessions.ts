import type { Migration } from './migration.js';

/**
 * Connect sessions (issue 13): one row per consent link made by `connectd connect` or
 * `POST /api/connect-sessions`. The link's signed token names a row; the start route takes it once
 * (`used_at`), before its expiry, and the consent's tenant, connection and settings come only from
 * it. `expires_at` is indexed for retention, which deletes sessions a day after they expire.
 */
const SQL = `
create table connectd_engine.connect_sessions (
  id             text primary key,
  connector      text not null,
  tenant_id      text not null,
  connection_id  text not null,
  params         jsonb not null default '{}'::jsonb,
  expires_at     timestamptz not null,
  used_at        timestamptz,
  created_at     timestamptz not null default now()
);
create index connect_sessions_expires_idx on connectd_engine.connect_sessions (expires_at);
`;

export const migration0007ConnectSessions: Migration = { name: '0007_connect_sessions', sql: SQL };
