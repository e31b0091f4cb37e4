import { randomUUID } from 'node:crypto';
import { JOBS_LEASE_EXPIRED } from '../../errors/index.js';
import type { Queryable } from '../database.js';
import { deadLetterJob } from './job-dead-letter.js';
import { JOB_COLUMNS_J, toJob, type ClaimRequest, type JobRecord } from './job-rows.js';

// The claim of the job queue (`SqlJobRepository.claim`, jobs.ts): which job a worker gets next.
// A running job whose worker died (its lease expired) is taken over first; otherwise queued jobs
// are claimed in turns between connections (migration 0009), so a connection with a backlog does
// not starve the others.

/**
 * Due jobs given their turn (their place in the fair claim order) per claim at most; a larger
 * burst gets the rest at the next claims, each a few hundred microseconds of work.
 */
const TURNS_PER_CLAIM = 500;

/** A connection's runs are one at a time: a queued job waits while any job of its stream runs. */
const STREAM_IS_FREE = `(j.connection_id is null or j.stream is null or not exists (
  select 1 from connectd_engine.jobs r
  where r.connection_id = j.connection_id and r.stream = j.stream and r.status = 'running' and r.id <> j.id))`;

/**
 * Claims one job in the caller's transaction (see `SqlJobRepository.claim`): lines up the jobs that
 * became due, then takes one, leased to `request.workerId`.
 * @example
 * const job = await db.transaction((tx) => claimIn(tx, { queue: 'default', kinds: ['sync'], workerId: 'w1', leaseMs: 30_000 }));
 */
export async function claimIn(tx: Queryable, request: ClaimRequest): Promise<JobRecord | undefined> {
  await lineUp(tx, request.queue);
  const lockedBy = `${request.workerId}/${randomUUID().slice(0, 8)}`;
  // A claimed job leaves the line: queued again (a retry, a deferral, given back), it lines up again.
  const set = `status = 'running', attempts = j.attempts + 1, locked_by = $3,
    lease_until = now() + $4::int * interval '1 millisecond', turn_at = null, updated_at = now()`;
  const params: unknown[] = [request.queue, [...request.kinds], lockedBy, Math.ceil(request.leaseMs)];
  const kinds = `j.queue = $1 and j.kind = any($2::text[])`;
  // One job by id (the foreground run), else one pick in one statement: a running job whose lease
  // expired (it holds its stream's running slot until taken over, and its run resumes), and only
  // when there is none, the queued job whose turn comes first (jobs_turn_idx; a job with a turn is
  // due, run_at guards old rows). `not exists (select 1 from expired)` is evaluated once, before
  // the queued scan, so a queue without expired leases costs one index walk.
  const pick =
    request.jobId !== undefined
      ? `candidate as (
           select j.id from connectd_engine.jobs j
           where ${kinds} and j.id = $5
             and (j.status = 'queued' or (j.status = 'running' and j.lease_until < now() and j.attempts < j.max_attempts)) and ${STREAM_IS_FREE}
           for update of j skip locked)`
      : `expired as (
           select j.id from connectd_engine.jobs j
           where ${kinds} and j.status = 'running' and j.lease_until < now() and j.attempts < j.max_attempts
           order by j.priority desc, j.run_at, j.id limit 1
           for update of j skip locked
         ), queued as (
           select j.id from connectd_engine.jobs j
           where ${kinds} and j.status = 'queued' and j.turn_at is not null and j.run_at <= now() and ${STREAM_IS_FREE}
             and not exists (select 1 from expired)
           order by j.priority desc, j.turn_at, j.id limit 1
           for update of j skip locked
         ), candidate as (select id from expired union all select id from queued)`;
  const { rows } = await tx.query(
    `with ${pick}
     update connectd_engine.jobs j set ${set} from candidate where j.id = candidate.id
     returning ${JOB_COLUMNS_J}`,
    request.jobId === undefined ? params : [...params, request.jobId],
  );
  return rows[0] === undefined ? undefined : toJob(rows[0]);
}

/**
 * What a claim does to the queue before it picks (one statement): running jobs whose worker
 * vanished on their last attempt become dead (dead-lettered after), and due jobs without a turn get
 * one. Start-time fair queuing, one line per priority: a job's turn is the head of the line (the
 * earliest turn waiting, or now when none waits), unless its connection already has jobs in line,
 * then one step behind the last of them; jobs of one connection arriving together are spaced one
 * step apart. So each connection with jobs in line gets one claim per round, and a connection with
 * none waiting goes next, whatever the size of another's backlog. Jobs are lined up in the order
 * they became due, under a row lock (not skipped: a claim beside us then waits a moment and sees
 * the turns we gave, instead of finding nothing to claim).
 */
async function lineUp(tx: Queryable, queue: string): Promise<void> {
  const { rows } = await tx.query<{ id: string; kind: string; attempts: number }>(
    `with expired as (
       select id from connectd_engine.jobs
       where queue = $1 and status = 'running' and lease_until < now() and attempts >= max_attempts
       for update skip locked
     ), reaped as (
       update connectd_engine.jobs j set status = 'dead', lease_until = null, locked_by = null, finished_at = now(), updated_at = now(),
         last_error = $2
       from expired e where j.id = e.id
       returning j.id, j.kind, j.attempts
     ), arrived as (
       select id, priority, coalesce(connection_id, '') as flow, run_at from connectd_engine.jobs
       where queue = $1 and status = 'queued' and turn_at is null and run_at <= now()
       order by run_at, id limit $3
       for update
     ), arrivals as (
       select a.id, a.priority, a.flow, row_number() over (partition by a.priority, a.flow order by a.run_at, a.id) - 1 as behind
       from arrived a
     ), lined as (
       update connectd_engine.jobs j set turn_at = greatest(
           least(now(), coalesce((
             select h.turn_at from connectd_engine.jobs h
             where h.queue = $1 and h.priority = a.priority and h.status = 'queued' and h.turn_at is not null
             order by h.priority desc, h.turn_at limit 1), now())),
           (select l.turn_at + interval '1 microsecond' from connectd_engine.jobs l
            where l.queue = $1 and l.priority = a.priority and coalesce(l.connection_id, '') = a.flow
              and l.status = 'queued' and l.turn_at is not null
            order by l.turn_at desc limit 1)
         ) + a.behind * interval '1 microsecond'
       from arrivals a where j.id = a.id
       returning j.id
     )
     select id, kind, attempts from reaped`,
    [queue, `${JOBS_LEASE_EXPIRED.code}: abandoned by its worker on its last attempt`, TURNS_PER_CLAIM],
  );
  for (const row of rows) {
    const error = JOBS_LEASE_EXPIRED({ jobId: row.id, kind: row.kind, attempts: row.attempts });
    await deadLetterJob(tx, row.id, error.code, error.message);
  }
}
