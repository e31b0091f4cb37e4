import type { Migration } from './migration.js';

/**
 * The change feed (issue 15): one row per write that changed an entity row, in the transaction of
 * the write. `position` is gap-free and monotonic in commit order: it is not a sequence (a sequence
 * hands out numbers at call time, so a later number can commit first and a reader would skip the
 * earlier one), but the single row of `change_counter`, updated by the writing statement
 * (`update … set last = last + n returning last`). Its row lock serialises writers from that
 * statement to their commit, so a reader never sees N+1 before N, and a rollback gives the numbers
 * back. docs/architecture.md, "The change feed", says why and what it costs.
 *
 * - No index but the position: readers page by position (an entity filter reads along it), and
 *   every index is paid by every write of the feed (`pnpm bench:changes`).
 * - `change_cursors`: how far each named consumer (a flow worker, an outbound fan-out) has read,
 *   advanced in the transaction of what the consumer wrote.
 */
const SQL = `
create table connectd.changes (
  position       bigint primary key,
  entity         text not null,
  natural_key    text not null,
  tenant_id      text not null,
  connector      text not null,
  connection_id  text,
  operation      text not null check (operation in ('created', 'updated', 'deleted')),
  changed        text[] not null default '{}',
  before         jsonb,
  after          jsonb,
  source         jsonb not null default '{}'::jsonb,
  created_at     timestamptz not null default now()
);
create table connectd_engine.change_counter (
  id    boolean primary key default true check (id),
  last  bigint not null default 0
);
insert into connectd_engine.change_counter (id, last) values (true, 0);
create table connectd_engine.change_cursors (
  consumer  text primary key,
  position  bigint not null default 0
);
`;

export const migration0010Changes: Migration = { name: '0010_changes', sql: SQL };
