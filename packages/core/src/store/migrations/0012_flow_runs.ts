import type { Migration } from './migration.js';

/**
 * Flows (issue 15): `flow_runs` records, per (flow, change position), the job the flow queued for
 * that change. Its primary key is the flow's idempotency key: the row is written in the
 * transaction that queues the job and advances the `flows` cursor of the change feed, so a change
 * (however often the webhook that caused it was delivered: an unchanged re-write appends no
 * change) queues one job per flow, even if the cursor were ever moved back. The row goes with its
 * job (`on delete cascade`), so retention of finished jobs (`server.retention.jobs_days`) prunes
 * both.
 */
const SQL = `
create table connectd_engine.flow_runs (
  flow        text not null,
  position    bigint not null,
  job_id      bigint not null references connectd_engine.jobs (id) on delete cascade,
  created_at  timestamptz not null default now(),
  primary key (flow, position)
);
create index flow_runs_job_idx on connectd_engine.flow_runs (job_id);
`;

export const migration0012FlowRuns: Migration = { name: '0012_flow_runs', sql: SQL };
