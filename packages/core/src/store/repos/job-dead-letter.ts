import type { Queryable } from '../database.js';

/**
 * Writes the dead letter of a job that became dead (its last attempt failed, or its worker vanished
 * on it), in the caller's transaction: the job's kind, queue, attempts and payload, for `replay`.
 * @example
 * await deadLetterJob(tx, job.id, 'CONNECTD_ERR_JOBS_LEASE_EXPIRED', 'abandoned by its worker on its last attempt');
 */
export async function deadLetterJob(tx: Queryable, jobId: string, errorCode: string, reason: string): Promise<void> {
  // dead_letters.connector is required; a job knows its connector through its connection.
  await tx.query(
    `insert into connectd_engine.dead_letters (source_kind, connector, connection_id, stream, payload, error_code, reason)
     select 'job', coalesce(c.connector, j.payload ->> 'connector', '-'), j.connection_id, j.stream,
       jsonb_build_object('job_id', j.id::text, 'kind', j.kind, 'queue', j.queue, 'attempts', j.attempts, 'payload', j.payload),
       $2, $3
     from connectd_engine.jobs j left join connectd_engine.connections c on c.id = j.connection_id
     where j.id = $1`,
    [jobId, errorCode, reason],
  );
}
