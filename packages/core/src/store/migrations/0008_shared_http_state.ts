import type { Migration } from './migration.js';

/**
 * What several daemons on one Postgres share about each connection's vendor (issue 14): its rate
 * budget and its circuit breaker. The embedded store (one process) keeps both in memory and never
 * writes these tables.
 *
 * - `rate_budgets`: one token bucket per (connector, connection), its level as of `updated_at`
 *   (the server's clock, never a daemon's), refilled by elapsed time in the statement that takes
 *   from it (store/repos/rate-budgets.ts). The vendor's own figures, once an answer reported
 *   them, stand in for the declared ones. `granted_cost` and `answered_cost` count what was ever
 *   granted and answered, so a vendor's figure can be corrected for the requests in flight on
 *   every daemon; `synced_grant` is the grant whose answer last set the level (an older answer may
 *   only lower it). `held_until`: the vendor asked every request to wait (`Retry-After`); nothing
 *   is granted before it.
 * - `rate_flights`: the grants of a budget kept in step with the vendor that have no answer yet.
 *   A flight older than the statements' flight limit is taken as ended (its daemon died), so a
 *   dead daemon's flights do not hold the budget down for ever.
 * - `breaker_states`: a connection's breaker as every daemon honours it: open until `probe_at`,
 *   then one trial claimed by one daemon (`trial_token`, with a lease until `trial_until`).
 *   `trials` counts the claims. No row: closed.
 */
const SQL = `
create table connectd_engine.rate_budgets (
  connector           text not null,
  connection_id       text not null,
  tokens              double precision not null,
  updated_at          timestamptz not null,
  vendor_capacity     double precision,
  vendor_restore_per_second double precision,
  largest_seen        double precision,
  heard               boolean not null default false,
  grants              bigint not null default 0,
  granted_cost        double precision not null default 0,
  answered_cost       double precision not null default 0,
  synced_grant        bigint not null default 0,
  held_until          timestamptz,
  primary key (connector, connection_id)
);
create table connectd_engine.rate_flights (
  connector      text not null,
  connection_id  text not null,
  grant_id       bigint not null,
  cost           double precision not null,
  granted_at     timestamptz not null,
  primary key (connector, connection_id, grant_id)
);
create table connectd_engine.breaker_states (
  connector      text not null,
  connection_id  text not null,
  state          text not null check (state in ('closed', 'open')),
  opened_at      timestamptz,
  probe_at       timestamptz,
  trial_token    text,
  trial_until    timestamptz,
  trials         bigint not null default 0,
  updated_at     timestamptz not null,
  primary key (connector, connection_id)
);
`;

export const migration0008SharedHttpState: Migration = { name: '0008_shared_http_state', sql: SQL };
