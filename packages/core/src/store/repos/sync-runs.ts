import type { Database, Queryable } from '../database.js';

export type SyncRunMode = 'incremental' | 'full';
export type SyncRunResult = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One run of one stream, as status shows it. Ids are bigint rendered as strings. */
export interface SyncRun {
  readonly runId: string;
  readonly connectionId: string;
  readonly stream: string;
  readonly jobId: string | null;
  readonly mode: SyncRunMode;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly pages: number;
  readonly records: number;
  readonly result: SyncRunResult;
  readonly error: string | null;
}

export interface StartRunInput {
  readonly connectionId: string;
  readonly stream: string;
  readonly mode: SyncRunMode;
  /** The job running it; a reclaimed job (its worker died) resumes the run it had started. */
  readonly jobId?: string;
}

/** The run to record progress on; `resumed` when it continues the interrupted run of the same job. */
export interface StartedRun {
  readonly runId: string;
  readonly resumed: boolean;
  /** Pages and records counted so far (0 for a new run). */
  readonly pages: number;
  readonly records: number;
}

/** Reason given to runs left `running` by a worker that died; a later run of the stream closes them. */
export const INTERRUPTED_RUN_ERROR = 'interrupted: its worker stopped before the run finished';

interface RunRow {
  id: string;
  connection_id: string;
  stream: string;
  job_id: string | null;
  mode: SyncRunMode;
  started_at: Date;
  finished_at: Date | null;
  pages: number;
  records: string;
  result: SyncRunResult;
  error: string | null;
}

const RUN_COLUMNS = 'id, connection_id, stream, job_id, mode, started_at, finished_at, pages, records, result, error';

/**
 * Opens a run of a stream. When `jobId` has a run still marked running (its worker died and the
 * job was reclaimed), that run is resumed; any other run of the stream still marked running is
 * closed as failed, since runs of one stream never overlap.
 * @example
 * const { runId } = await startRun(db, { connectionId: 'storq-main', stream: 'stock', mode: 'incremental', jobId: job.id });
 */
export async function startRun(db: Database, input: StartRunInput): Promise<StartedRun> {
  return db.transaction(async (tx) => {
    let resumed: { id: string; pages: number; records: string } | undefined;
    if (input.jobId !== undefined) {
      const { rows } = await tx.query<{ id: string; pages: number; records: string }>(
        `select id, pages, records from connectd_engine.sync_runs
         where connection_id = $1 and stream = $2 and job_id = $3 and result = 'running' order by id desc limit 1`,
        [input.connectionId, input.stream, input.jobId],
      );
      resumed = rows[0];
    }
    await tx.query(
      `update connectd_engine.sync_runs set result = 'failed', finished_at = now(), error = $4
       where connection_id = $1 and stream = $2 and result = 'running' and id <> coalesce($3::bigint, -1)`,
      [input.connectionId, input.stream, resumed?.id ?? null, INTERRUPTED_RUN_ERROR],
    );
    if (resumed !== undefined) return { runId: resumed.id, resumed: true, pages: resumed.pages, records: Number(resumed.records) };
    const { rows } = await tx.query<{ id: string }>(
      `insert into connectd_engine.sync_runs (connection_id, stream, job_id, mode) values ($1, $2, $3, $4) returning id`,
      [input.connectionId, input.stream, input.jobId ?? null, input.mode],
    );
    return { runId: (rows[0] as { id: string }).id, resumed: false, pages: 0, records: 0 };
  });
}

/**
 * Adds one page's counts to a run. Call it in the page's transaction, so the counts commit with the
 * rows: a page replayed after a crash is not counted twice.
 */
export async function updateRunProgress(tx: Queryable, runId: string, delta: { readonly pages: number; readonly records: number }): Promise<void> {
  await tx.query(`update connectd_engine.sync_runs set pages = pages + $2, records = records + $3 where id = $1`, [
    runId,
    delta.pages,
    delta.records,
  ]);
}

/** Closes a run with its result; `error` is a message without secrets (a coded error's message). */
export async function finishRun(db: Queryable, runId: string, result: Exclude<SyncRunResult, 'running'>, error?: string): Promise<void> {
  await db.query(`update connectd_engine.sync_runs set result = $2, error = $3, finished_at = now() where id = $1`, [
    runId,
    result,
    error ?? null,
  ]);
}

/** One run by id, or undefined. */
export async function getRun(db: Queryable, runId: string): Promise<SyncRun | undefined> {
  const { rows } = await db.query<RunRow>(`select ${RUN_COLUMNS} from connectd_engine.sync_runs where id = $1`, [runId]);
  return rows[0] === undefined ? undefined : toRun(rows[0]);
}

/**
 * The latest run of every (connection, stream), for status; optionally of some connections only,
 * the latest finished one (`finishedOnly`) when status shows a running run separately, or the
 * latest succeeded one (`succeededOnly`: when the stream last worked).
 * @example
 * for (const run of await lastRuns(db)) console.log(run.connectionId, run.stream, run.result, run.records);
 */
export async function lastRuns(
  db: Queryable,
  filter: { readonly connectionIds?: readonly string[]; readonly finishedOnly?: boolean; readonly succeededOnly?: boolean } = {},
): Promise<SyncRun[]> {
  const { rows } = await db.query<RunRow>(
    `select distinct on (connection_id, stream) ${RUN_COLUMNS} from connectd_engine.sync_runs
     where ($1::text[] is null or connection_id = any($1::text[])) and ($2::boolean is not true or result <> 'running')
       and ($3::boolean is not true or result = 'succeeded')
     order by connection_id, stream, started_at desc, id desc`,
    [filter.connectionIds === undefined ? null : [...filter.connectionIds], filter.finishedOnly === true, filter.succeededOnly === true],
  );
  return rows.map(toRun);
}

/**
 * Of `streams`, those with at least one finished, succeeded run on the connection: what a stream
 * declared `after` them waits for.
 * @example
 * const done = await succeededStreams(db, 'square-acme', ['locations', 'catalog']); // Set { 'locations' }
 */
export async function succeededStreams(db: Queryable, connectionId: string, streams: readonly string[]): Promise<Set<string>> {
  if (streams.length === 0) return new Set();
  const { rows } = await db.query<{ stream: string }>(
    `select distinct stream from connectd_engine.sync_runs
     where connection_id = $1 and stream = any($2::text[]) and result = 'succeeded'`,
    [connectionId, [...streams]],
  );
  return new Set(rows.map((row) => row.stream));
}

function toRun(row: RunRow): SyncRun {
  return {
    runId: row.id,
    connectionId: row.connection_id,
    stream: row.stream,
    jobId: row.job_id,
    mode: row.mode,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    pages: row.pages,
    records: Number(row.records),
    result: row.result,
    error: row.error,
  };
}
