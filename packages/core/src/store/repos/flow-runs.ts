import type { Queryable } from '../database.js';

/** One change a flow acted on, and the job it queued for it. */
export interface FlowRun {
  readonly flow: string;
  readonly position: number;
  readonly jobId: string;
}

/**
 * Whether a flow already queued a job for a change: its (flow, position) idempotency key.
 * @example
 * if (!(await flowRunExists(tx, 'stock_to_square', 42))) { … }
 */
export async function flowRunExists(tx: Queryable, flow: string, position: number): Promise<boolean> {
  const { rows } = await tx.query(`select 1 from connectd_engine.flow_runs where flow = $1 and position = $2::bigint`, [flow, position]);
  return rows.length > 0;
}

/**
 * Records the job a flow queued for a change, in the transaction that queued it. A second record
 * of the same (flow, position) violates the primary key: the transaction rolls back and nothing is
 * queued twice.
 * @example
 * await insertFlowRun(tx, { flow: 'stock_to_square', position: 42, jobId: job.id });
 */
export async function insertFlowRun(tx: Queryable, run: FlowRun): Promise<void> {
  await tx.query(`insert into connectd_engine.flow_runs (flow, position, job_id) values ($1, $2::bigint, $3::bigint)`, [run.flow, run.position, run.jobId]);
}

/**
 * The vendor ids a tenant's connector recorded for an entity's natural key (`key` given), or for
 * every key of that kind (`key` undefined), sorted: the reverse of the vendor-id map that
 * `$store()`/`$product()` read.
 * @example
 * await vendorIdsOf(db, { tenant: 'acme', connector: 'square', kind: 'product', key: 'SKU-1' }); // ['W62UWFY35CWMYGVWK6TWJDNI']
 */
export async function vendorIdsOf(
  db: Queryable,
  query: { readonly tenant: string; readonly connector: string; readonly kind: string; readonly key?: string | undefined },
): Promise<string[]> {
  const { rows } = await db.query<{ vendor_id: string }>(
    `select vendor_id from connectd_engine.vendor_id_map
     where tenant_id = $1 and connector = $2 and kind = $3 and ($4::text is null or natural_key = $4)
     order by vendor_id limit 100`,
    [query.tenant, query.connector, query.kind, query.key ?? null],
  );
  return rows.map((row) => row.vendor_id);
}

/**
 * Creates a change-feed consumer's cursor at the feed's head, unless it exists: a consumer that
 * should act only on changes made after it first ran (flows) starts there instead of at 0.
 * @example
 * await startChangeCursor(db, 'flows');
 */
export async function startChangeCursor(db: Queryable, consumer: string): Promise<void> {
  await db.query(
    `insert into connectd_engine.change_cursors (consumer, position)
     select $1, coalesce(max(position), 0) from connectd.changes
     on conflict (consumer) do nothing`,
    [consumer],
  );
}
