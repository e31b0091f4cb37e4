import type { Migration } from './migration.js';

/**
 * What syncs and the job queue need beyond 0001:
 * - At most one RUNNING job per (connection, stream): the claim query skips such jobs, and this
 *   index makes the rule hold even when two workers race (the loser gets a unique violation and
 *   claims something else). A job whose lease expired stays `running` until it is reclaimed, so
 *   it keeps its slot and is the one taken over: the interrupted run resumes instead of a new one.
 * - Cron ticks, one row per (schedule, tick), written in the same transaction as the job they
 *   enqueue. The live-job unique key of 0001 forgets a key once its job finished; this primary key
 *   does not, so a slow daemon cannot enqueue a tick a faster one already ran.
 */
const SQL = `
create unique index jobs_one_running_per_stream_idx on connectd_engine.jobs (connection_id, stream)
  where status = 'running' and connection_id is not null and stream is not null;
-- The coalescing check of the scheduler: is a job of this kind for this stream already waiting?
create index jobs_queued_stream_idx on connectd_engine.jobs (connection_id, stream, kind) where status = 'queued';

create table connectd_engine.schedule_ticks (
  -- e.g. sync:<connection>:<stream>; tick_at is the cron slot (not the wall clock of the daemon).
  schedule_key  text not null,
  tick_at       timestamptz not null,
  job_id        bigint,
  created_at    timestamptz not null default now(),
  constraint schedule_ticks_pkey primary key (schedule_key, tick_at)
);
`;

export const migration0002Syncs: Migration = { name: '0002_syncs', sql: SQL };
