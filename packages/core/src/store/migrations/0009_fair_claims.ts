import type { Migration } from './migration.js';

/**
 * Fair claims (issue 14): a connection with thousands of queued jobs no longer starves the others.
 * Claims used to take the oldest due job (`priority desc, run_at`), so a backlog of one connection
 * went first in full. Now a queued job waits in line by `turn_at` (start-time fair queuing, one
 * line per priority): a job gets its turn when it is due, at the head of the line (the earliest
 * turn still waiting) unless its connection already has jobs waiting, then one step (1 µs) behind
 * the last of them. Connections with jobs waiting therefore take turns, one claim each, and a
 * connection that had none goes next, whatever the size of another's backlog.
 *
 * - `turn_at` null: the job has no turn yet (just enqueued, or due later: a retry, a deferral, a
 *   foreground job's grace, a job given back). The claim statements give due ones their turn
 *   (store/repos/job-claims.ts); a claimed job's turn is cleared, so a job queued again lines up again.
 * - `jobs_turn_idx`: the claim order, and the head of each line.
 * - `jobs_flow_turn_idx`: the last turn of a connection's waiting jobs (null connection: one line).
 * - `jobs_waiting_idx`: jobs without a turn by due time, so those that became due are found
 *   without reading those that are not.
 * - `jobs_claim_idx` (the old order) goes: nothing reads it now.
 */
const SQL = `
alter table connectd_engine.jobs add column turn_at timestamptz;
drop index if exists connectd_engine.jobs_claim_idx;
create index jobs_turn_idx on connectd_engine.jobs (queue, priority desc, turn_at, id)
  where status = 'queued' and turn_at is not null;
create index jobs_flow_turn_idx on connectd_engine.jobs (queue, priority, (coalesce(connection_id, '')), turn_at)
  where status = 'queued' and turn_at is not null;
create index jobs_waiting_idx on connectd_engine.jobs (queue, run_at, id)
  where status = 'queued' and turn_at is null;
`;

export const migration0009FairClaims: Migration = { name: '0009_fair_claims', sql: SQL };
