import { INTERNAL } from '../../errors/index.js';
import type { Database, Queryable } from '../database.js';
import { sqlStateOf } from '../driver-errors.js';
import { claimIn } from './job-claims.js';
import { deadLetterJob } from './job-dead-letter.js';
import {
  JOB_COLUMNS,
  toJob,
  type ClaimRequest,
  type EnqueueResult,
  type FailOutcome,
  type JobFailure,
  type JobRecord,
  type JobToken,
  type NewJob,
  type ScheduleTick,
  type TickResult,
} from './job-rows.js';

/** The schema's default, repeated so callers see it: after 5 failed attempts a job is dead. */
export const DEFAULT_JOB_MAX_ATTEMPTS = 5;
export const DEFAULT_JOB_QUEUE = 'default';
/**
 * Two workers can pick two queued jobs of one stream in the same instant; the unique index on
 * running jobs lets one win and fails the other's claim, which then simply looks again.
 */
const CLAIM_CONFLICT_RETRIES = 5;
/** A unique key's live job can finish between our insert and our read; then we insert again. */
const ENQUEUE_RACE_RETRIES = 3;
const UNIQUE_VIOLATION = '23505';

/** Job rows the queue asks for: `j` is the job, in statements that need a join. */
const RETURNING = `returning ${JOB_COLUMNS}`;

/**
 * The job queue on Postgres and PGlite: rows in `connectd_engine.jobs`, claimed with
 * `FOR UPDATE SKIP LOCKED`, leased, and never two running per (connection, stream). The shape is
 * the `JobRepository` that jobs/ defines.
 * @example
 * const jobs = createJobRepository(store.db);
 * const { job } = await jobs.enqueue({ kind: 'sync', connectionId: 'storq-main', stream: 'stock' });
 */
export function createJobRepository(db: Database): SqlJobRepository {
  return new SqlJobRepository(db);
}

export class SqlJobRepository {
  #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Inserts a job; with a unique key that has a live job, returns that job instead (`created: false`). */
  async enqueue(job: NewJob): Promise<EnqueueResult> {
    return this.#db.transaction((tx) => enqueueIn(tx, job));
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const { rows } = await this.#db.query(`select ${JOB_COLUMNS} from connectd_engine.jobs where id = $1`, [id]);
    return rows[0] === undefined ? undefined : toJob(rows[0]);
  }

  /**
   * The running job of one (connection, stream), if any: the run a queued job of that stream waits
   * for (at most one runs at a time). A foreground run reports it and, when its lease expired, takes it over.
   */
  async runningJobOf(connectionId: string, stream: string): Promise<JobRecord | undefined> {
    const { rows } = await this.#db.query(
      `select ${JOB_COLUMNS} from connectd_engine.jobs
       where connection_id = $1 and stream = $2 and status = 'running' order by id limit 1`,
      [connectionId, stream],
    );
    return rows[0] === undefined ? undefined : toJob(rows[0]);
  }

  /**
   * Claims one due job: first a running job whose lease expired (its worker died; the stream's
   * run resumes), else the queued one whose turn comes first and whose stream is free. Turns are
   * fair between connections (see `lineUp`, job-claims.ts): a connection with a backlog takes turns with the
   * others instead of going first in full. Expired jobs with no attempts left are made dead and
   * dead-lettered on the way.
   */
  async claim(request: ClaimRequest): Promise<JobRecord | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction((tx) => claimIn(tx, request));
      } catch (err) {
        if (sqlStateOf(err) !== UNIQUE_VIOLATION || attempt >= CLAIM_CONFLICT_RETRIES) throw err;
      }
    }
  }

  /** Pushes the lease forward; undefined when the claim is no longer ours. */
  async extendLease(token: JobToken, leaseMs: number): Promise<Date | undefined> {
    const { rows } = await this.#db.query<{ lease_until: Date }>(
      `update connectd_engine.jobs set lease_until = now() + $3::int * interval '1 millisecond', updated_at = now()
       where id = $1 and locked_by = $2 and status = 'running' returning lease_until`,
      [token.id, token.lockedBy, Math.ceil(leaseMs)],
    );
    return rows[0]?.lease_until;
  }

  /** Marks the claim succeeded with its result (any JSON); false when it was no longer ours. */
  async complete(token: JobToken, result: unknown): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `update connectd_engine.jobs set status = 'succeeded', result = $3::jsonb, lease_until = null,
         finished_at = now(), updated_at = now()
       where id = $1 and locked_by = $2 and status = 'running'`,
      [token.id, token.lockedBy, JSON.stringify(result ?? null)],
    );
    return rowCount > 0;
  }

  /**
   * Records a failed attempt: queued again after `retryDelayMs`, or, on the last attempt (or a
   * `final` failure), dead with a dead letter written in the same transaction.
   */
  async fail(token: JobToken, failure: JobFailure): Promise<FailOutcome> {
    return this.#db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: string; attempts: number }>(
        `update connectd_engine.jobs set
           status = case when $5 or attempts >= max_attempts then 'dead' else 'queued' end,
           run_at = case when $5 or attempts >= max_attempts then run_at else now() + $4::int * interval '1 millisecond' end,
           finished_at = case when $5 or attempts >= max_attempts then now() end,
           lease_until = null, locked_by = null, last_error = $3, updated_at = now()
         where id = $1 and locked_by = $2 and status = 'running'
         returning status, attempts`,
        [token.id, token.lockedBy, `${failure.errorCode}: ${failure.message}`, Math.max(0, Math.ceil(failure.retryDelayMs)), failure.final === true],
      );
      const row = rows[0];
      if (row === undefined) return 'lost';
      if (row.status !== 'dead') return 'retrying';
      await deadLetterJob(tx, token.id, failure.errorCode, `failed on attempt ${row.attempts}: ${failure.message}`);
      return 'dead';
    });
  }

  /**
   * Gives a claim back without counting it as an attempt (the worker is stopping, or the handler
   * deferred the job), due again after `delayMs`; false when not ours.
   */
  async release(token: JobToken, delayMs = 0): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `update connectd_engine.jobs set status = 'queued', attempts = greatest(attempts - 1, 0),
         run_at = now() + $3::int * interval '1 millisecond', lease_until = null, locked_by = null, updated_at = now()
       where id = $1 and locked_by = $2 and status = 'running'`,
      [token.id, token.lockedBy, Math.max(0, Math.ceil(delayMs))],
    );
    return rowCount > 0;
  }

  /**
   * Enqueues the job of one cron tick, once per cluster: the tick's row (primary key schedule key +
   * slot) and the job commit together, so of several daemons ticking at once exactly one enqueues.
   * A tick whose stream still has a job waiting joins that job instead of queueing another.
   */
  async enqueueForTick(tick: ScheduleTick, job: NewJob): Promise<TickResult> {
    return this.#db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `insert into connectd_engine.schedule_ticks (schedule_key, tick_at) values ($1, $2) on conflict do nothing`,
        [tick.scheduleKey, tick.tickAt],
      );
      if (rowCount === 0) return { outcome: 'duplicate' };
      await tx.query(
        `delete from connectd_engine.schedule_ticks where schedule_key = $1 and tick_at < $2::timestamptz - $3::bigint * interval '1 millisecond'`,
        [tick.scheduleKey, tick.tickAt, Math.ceil(tick.retentionMs)],
      );
      const joined = await enqueueUnlessQueued(tx, job);
      const result: TickResult = joined.created ? { outcome: 'enqueued', job: joined.job } : { outcome: 'coalesced', job: joined.job };
      await tx.query(`update connectd_engine.schedule_ticks set job_id = $3 where schedule_key = $1 and tick_at = $2`, [
        tick.scheduleKey,
        tick.tickAt,
        result.job?.id ?? null,
      ]);
      return result;
    });
  }
}

/**
 * Enqueues a job of a (connection, stream) unless one of the same kind is queued for it already:
 * then that job is the answer (`created: false`). A running job does not count: what asked for
 * the run may have changed what that run has already read. Call it inside the caller's transaction.
 * @example
 * await enqueueUnlessQueued(tx, { kind: 'sync', connectionId: 'sq-acme', stream: 'catalog', payload });
 */
export async function enqueueUnlessQueued(tx: Queryable, job: NewJob): Promise<EnqueueResult> {
  const { rows: waiting } = await tx.query(
    `select ${JOB_COLUMNS} from connectd_engine.jobs
     where connection_id = $1 and stream = $2 and kind = $3 and queue = $4 and status = 'queued' order by id limit 1`,
    [job.connectionId ?? null, job.stream ?? null, job.kind, job.queue ?? DEFAULT_JOB_QUEUE],
  );
  if (waiting[0] !== undefined) return { job: toJob(waiting[0]), created: false };
  return enqueueIn(tx, job);
}

/**
 * Enqueues a job in the caller's transaction, so it commits with what caused it (a flow's job
 * with the change-feed cursor that handed it the change). With a unique key that has a live job,
 * resolves that job instead (`created: false`).
 * @example
 * const { job } = await enqueueJob(tx, { kind: 'flow', payload: { flow: 'stock_to_square', position: 42 } });
 */
export function enqueueJob(tx: Queryable, job: NewJob): Promise<EnqueueResult> {
  return enqueueIn(tx, job);
}

async function enqueueIn(tx: Queryable, job: NewJob): Promise<EnqueueResult> {
  const queue = job.queue ?? DEFAULT_JOB_QUEUE;
  for (let attempt = 1; ; attempt++) {
    const { rows } = await tx.query(
      `insert into connectd_engine.jobs (kind, queue, connection_id, stream, payload, unique_key, run_at, priority, max_attempts)
       values ($1, $2, $3, $4, $5::jsonb, $6, coalesce($7::timestamptz, now()), $8, $9)
       on conflict (queue, unique_key) where unique_key is not null and status in ('queued', 'running') do nothing
       ${RETURNING}`,
      [
        job.kind,
        queue,
        job.connectionId ?? null,
        job.stream ?? null,
        JSON.stringify(job.payload ?? {}),
        job.uniqueKey ?? null,
        job.runAt ?? null,
        job.priority ?? 0,
        job.maxAttempts ?? DEFAULT_JOB_MAX_ATTEMPTS,
      ],
    );
    if (rows[0] !== undefined) return { job: toJob(rows[0]), created: true };
    const { rows: live } = await tx.query(
      `select ${JOB_COLUMNS} from connectd_engine.jobs
       where queue = $1 and unique_key = $2 and status in ('queued', 'running') limit 1`,
      [queue, job.uniqueKey],
    );
    if (live[0] !== undefined) return { job: toJob(live[0]), created: false };
    if (attempt >= ENQUEUE_RACE_RETRIES) {
      throw INTERNAL({ message: `the live job of unique key ${String(job.uniqueKey)} kept finishing while it was enqueued again` });
    }
  }
}
