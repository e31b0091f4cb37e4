import type { Migration } from './migration.js';

/**
 * Outbound events to the app (issue 15): a durable outbox per destination, the lifecycle events
 * waiting to be fanned out to it, and the destinations an endpoint turned away (410 Gone).
 *
 * - `outbound_events`: one row per (destination, event), written in the transaction that consumes
 *   the change (or lifecycle event) it carries, so each is queued exactly once. `event_id` is the
 *   `webhook-id` (unique: fanning out twice inserts nothing) and `body` the exact JSON signed at
 *   every attempt, so a redelivery is byte for byte the same event. `order_key` (entity + tenant +
 *   natural key, or the connection for lifecycle events) orders delivery: a row is claimed only
 *   when no earlier row of its key is still pending or being delivered. Times are written from the
 *   engine's clock (tests move it), not `now()`.
 * - `lifecycle_events`: connection created, needs_reauth, disabled; sync failed (written by the
 *   triggers below, in the transaction that made the change, with no edit to the code that makes
 *   it); breaker opened and closed (written by the daemon). The fan-out deletes each row in the
 *   transaction that queues it for the destinations, so none is lost or queued twice.
 * - `outbound_destinations`: a destination disabled by a 410 for the URL it had then; a new URL in
 *   the config enables it again.
 * - `dead_letters.source_kind` gains `outbound` (and `flow`, for the flows of the same issue, so
 *   the two migrations do not fight over the constraint).
 */
const SQL = `
create table connectd_engine.outbound_events (
  id               bigint generated always as identity primary key,
  event_id         text not null constraint outbound_events_event_id_key unique,
  destination      text not null,
  type             text not null,
  order_key        text not null,
  connector        text,
  connection_id    text,
  body             text not null,
  status           text not null default 'pending'
                   constraint outbound_events_status_check check (status in ('pending', 'delivering', 'delivered', 'dead')),
  attempts         integer not null default 0,
  created_at       timestamptz not null,
  -- Retries stop 3 days (by default) after this: the first queueing, or the last replay.
  window_from      timestamptz not null,
  next_attempt_at  timestamptz not null,
  lease_until      timestamptz,
  delivered_at     timestamptz,
  last_error       text
);
create index outbound_events_due_idx on connectd_engine.outbound_events (destination, next_attempt_at, id)
  where status in ('pending', 'delivering');
create index outbound_events_key_idx on connectd_engine.outbound_events (destination, order_key, id)
  where status in ('pending', 'delivering');
create index outbound_events_done_idx on connectd_engine.outbound_events (delivered_at)
  where status = 'delivered';

create table connectd_engine.lifecycle_events (
  id             bigint generated always as identity primary key,
  type           text not null,
  tenant_id      text,
  connector      text,
  connection_id  text,
  data           jsonb not null default '{}'::jsonb,
  created_at     timestamptz not null default now()
);

create table connectd_engine.outbound_destinations (
  name             text primary key,
  disabled_url     text not null,
  disabled_reason  text not null,
  disabled_at      timestamptz not null default now()
);

create function connectd_engine.connection_lifecycle_event() returns trigger language plpgsql as $fn$
begin
  if tg_op = 'INSERT' then
    insert into connectd_engine.lifecycle_events (type, tenant_id, connector, connection_id, data)
    values ('connection.created', new.tenant_id, new.connector, new.id, jsonb_build_object('status', new.status));
  elsif new.status is distinct from old.status and new.status in ('needs_reauth', 'disabled') then
    insert into connectd_engine.lifecycle_events (type, tenant_id, connector, connection_id, data)
    values ('connection.' || new.status, new.tenant_id, new.connector, new.id, jsonb_build_object('status', new.status, 'reason', new.status_reason));
  end if;
  return null;
end
$fn$;
create trigger connections_lifecycle_event after insert or update of status on connectd_engine.connections
  for each row execute function connectd_engine.connection_lifecycle_event();

create function connectd_engine.sync_failed_event() returns trigger language plpgsql as $fn$
begin
  if new.result = 'failed' and old.result is distinct from 'failed' then
    insert into connectd_engine.lifecycle_events (type, tenant_id, connector, connection_id, data)
    select 'sync.failed', c.tenant_id, c.connector, c.id,
           jsonb_build_object('stream', new.stream, 'run', new.id::text, 'error', new.error)
    from connectd_engine.connections c where c.id = new.connection_id;
  end if;
  return null;
end
$fn$;
create trigger sync_runs_failed_event after update of result on connectd_engine.sync_runs
  for each row execute function connectd_engine.sync_failed_event();

alter table connectd_engine.dead_letters drop constraint dead_letters_source_kind_check;
alter table connectd_engine.dead_letters add constraint dead_letters_source_kind_check
  check (source_kind in ('sync', 'webhook', 'action', 'job', 'flow', 'outbound'));
`;

export const migration0011OutboundEvents: Migration = { name: '0011_outbound_events', sql: SQL };
