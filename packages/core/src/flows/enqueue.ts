import { consumeChanges, type Change } from '../changes/index.js';
import { INTERNAL } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { enqueueJob, flowRunExists, insertFlowRun, type Database, type Queryable } from '../store/index.js';
import { flowKey } from './bindings.js';
import type { CompiledFlow } from './compile.js';

/** The change-feed consumer whose cursor the flows advance (one for all flows: a flow added later starts from there). */
export const FLOWS_CONSUMER = 'flows';
/** The job kind that runs a flow's action for one change. */
export const FLOW_JOB_KIND = 'flow';
/** Attempts of a flow job before it is dead (each attempt also retries the vendor call in-run). */
export const FLOW_JOB_MAX_ATTEMPTS = 5;
/** Changes read per transaction of the consumer. */
export const FLOW_PAGE_SIZE = 200;

/** What a flow job carries: the flow, the change (as read from the feed) and the target, for dead letters. */
export interface FlowJobPayload {
  readonly flow: string;
  readonly position: number;
  /** The target connector: the dead letter's connector when no connection was resolved. */
  readonly connector: string;
  readonly action: string;
  readonly change: Change;
}

/** Reads a flow job's payload; a row that does not hold one is a bug, reported as such. */
export function readFlowPayload(payload: Readonly<Record<string, unknown>>): FlowJobPayload {
  const { flow, position, connector, action, change } = payload;
  if (typeof flow !== 'string' || typeof position !== 'number' || typeof connector !== 'string' || typeof action !== 'string' || typeof change !== 'object' || change === null) {
    throw INTERNAL({ message: 'a flow job has no flow, position, target or change in its payload' });
  }
  return { flow, position, connector, action, change: change as Change };
}

/**
 * Whether a flow should queue a job for a change. A filter that fails still queues one: the job
 * evaluates it again and dead-letters the change with the filter's error, instead of the change
 * being skipped without a trace or the feed stopping at it.
 */
async function wants(flow: CompiledFlow, change: Change, log: Logger): Promise<boolean> {
  if (!flow.concerns(change)) return false;
  try {
    return await flow.matches(change);
  } catch (err) {
    log.warn({ err, flow: flow.name, position: change.position }, 'flow filter failed; the change goes to a job that dead-letters it');
    return true;
  }
}

async function queue(tx: Queryable, flow: CompiledFlow, change: Change): Promise<boolean> {
  // The (flow, position) record is the idempotency key: a change is acted on once per flow.
  if (await flowRunExists(tx, flow.name, change.position)) return false;
  const payload: FlowJobPayload = { flow: flow.name, position: change.position, connector: flow.target.connector, action: flow.target.action, change };
  const { job } = await enqueueJob(tx, {
    kind: FLOW_JOB_KIND,
    payload: { ...payload },
    uniqueKey: `flow:${flowKey(flow.name, change.position)}`,
    maxAttempts: FLOW_JOB_MAX_ATTEMPTS,
  });
  await insertFlowRun(tx, { flow: flow.name, position: change.position, jobId: job.id });
  return true;
}

/**
 * Hands the next page of the change feed to the flows: each matching (flow, change) queues one
 * `flow` job, in the transaction that advances the `flows` cursor, so a change is acted on once
 * per flow even when the daemon dies in between or several daemons consume at once. Resolves how
 * many changes were read (0: caught up) and how many jobs were queued.
 * @example
 * const { read, queued } = await enqueueFlowJobs(db, flows, log);
 */
export async function enqueueFlowJobs(db: Database, flows: readonly CompiledFlow[], log: Logger, limit = FLOW_PAGE_SIZE): Promise<{ read: number; queued: number }> {
  let queued = 0;
  const read = await consumeChanges(db, FLOWS_CONSUMER, limit, async (changes, tx) => {
    queued = 0;
    for (const change of changes) {
      for (const flow of flows) {
        if ((await wants(flow, change, log)) && (await queue(tx, flow, change))) queued += 1;
      }
    }
  });
  return { read, queued };
}
