import { runAction, validateActionInput, type ActionResult, type CompiledAction } from '../actions/index.js';
import { ACTION_NOT_FOUND, SYNC_NO_CONNECTION, SYNC_UNKNOWN_CONNECTOR, didYouMean, isConnectdError, type ConnectdError } from '../errors/index.js';
import type { JobContext, JobOutcome, Worker } from '../jobs/index.js';
import { createJobRepository, type JobRecord, type Store } from '../store/index.js';
import type { ConnectionRuntime } from './connection-runtimes.js';
import type { Project } from './project.js';

/** The job kind of an action invocation. */
export const ACTION_JOB_KIND = 'action';
/** Attempts of an action job before it is dead (each attempt also retries in-run, looking up first). */
export const ACTION_JOB_MAX_ATTEMPTS = 5;
/**
 * An invocation's job becomes due for other workers only after this: the invoking process runs
 * it at once, and if that process dies first, the job is still run, by anyone, after the grace.
 */
export const ACTION_CLAIM_GRACE_MS = 60_000;
/** How long an invocation waits for a job it joined (the same idempotency key was running). */
export const DEFAULT_ACTION_WAIT_MS = 30_000;
const JOB_POLL_MS = 100;

/** What an action job carries. */
interface ActionPayload {
  readonly connector: string;
  readonly action: string;
  readonly input: unknown;
}

/** The compiled action a connector declares; coded errors (404, exit 2) name what exists. */
export function resolveAction(project: Project, connector: string, name: string): CompiledAction {
  const actions = project.actions.get(connector);
  if (actions === undefined) throw SYNC_UNKNOWN_CONNECTOR({ connector, known: Object.keys(project.config.connectors).join(', ') || 'none' });
  const action = actions.get(name);
  if (action === undefined) throw ACTION_NOT_FOUND({ connector, action: name, known: [...actions.keys()], suggestion: didYouMean(name, [...actions.keys()]) });
  return action;
}

/** Runs one attempt of an action job on its connection's runtime. */
export async function runActionJob(project: Project, runtime: ConnectionRuntime | undefined, job: JobRecord, ctx: JobContext): Promise<ActionResult> {
  const payload = job.payload as unknown as ActionPayload;
  const action = resolveAction(project, payload.connector, payload.action);
  // The connection was disabled or deleted since the job was enqueued (or is not set up here).
  if (runtime === undefined) {
    throw SYNC_NO_CONNECTION({ connector: payload.connector, connection: job.connectionId ?? '', reason: 'it is not running in this daemon (disabled, deleted or not set up)' });
  }
  return runAction({ action, connection: runtime, input: payload.input, signal: ctx.signal, log: ctx.log });
}

/** Where an invocation stands when the caller gets its answer. */
export interface ActionInvocation {
  readonly jobId: string;
  /** `succeeded`; `dead` (failed for good); `retrying` (the job goes on in the background); `queued`/`running` (still going when the wait ended). */
  readonly status: 'succeeded' | 'dead' | 'retrying' | 'queued' | 'running';
  readonly result?: ActionResult | undefined;
  /** The coded error of the last attempt, when it failed. */
  readonly error?: ConnectdError | { readonly code: string; readonly message: string } | undefined;
}

function fromOutcome(outcome: JobOutcome): ActionInvocation {
  const status = outcome.status === 'succeeded' || outcome.status === 'dead' || outcome.status === 'retrying' ? outcome.status : 'running';
  return { jobId: outcome.job.id, status, result: outcome.result as ActionResult | undefined, error: outcome.error };
}

/** A job finished elsewhere, as an invocation; its stored error is "CODE: message". */
function fromRecord(job: JobRecord): ActionInvocation {
  const [code, ...rest] = (job.lastError ?? '').split(': ');
  const error = job.lastError === null ? undefined : { code: code ?? 'CONNECTD_ERR_INTERNAL', message: rest.join(': ') };
  if (job.status === 'succeeded') return { jobId: job.id, status: 'succeeded', result: job.result as ActionResult };
  if (job.status === 'dead' || job.status === 'failed' || job.status === 'cancelled') return { jobId: job.id, status: 'dead', error };
  return { jobId: job.id, status: job.status === 'queued' && job.attempts > 0 ? 'retrying' : job.status === 'running' ? 'running' : 'queued', error };
}

/**
 * Invokes an action as a durable job: validates the input (CONNECTD_ERR_ACTION_INPUT_INVALID, 400,
 * before anything is stored), enqueues the job, and runs its first attempt here. A failed attempt
 * that may be retried leaves the job queued with backoff for any worker. Two invocations with the
 * same idempotency key while one is live share its job.
 */
export async function invokeAction(
  deps: { readonly project: Project; readonly store: Store; readonly worker: Worker },
  runtime: ConnectionRuntime,
  action: CompiledAction,
  input: unknown,
  options: { readonly waitMs?: number | undefined } = {},
): Promise<ActionInvocation> {
  const checked = validateActionInput(action, input);
  const repository = createJobRepository(deps.store.db);
  const key = action.idempotency === undefined ? undefined : (checked as Record<string, unknown> | null)?.[action.idempotency.key];
  const { job, created } = await repository.enqueue({
    kind: ACTION_JOB_KIND,
    connectionId: runtime.connection.id,
    payload: { connector: action.connector, action: action.name, input: checked },
    maxAttempts: ACTION_JOB_MAX_ATTEMPTS,
    runAt: new Date(Date.now() + ACTION_CLAIM_GRACE_MS),
    ...(typeof key === 'string' || typeof key === 'number' ? { uniqueKey: `action:${runtime.connection.id}:${action.name}:${String(key)}` } : {}),
  });
  if (created) {
    try {
      return fromOutcome(await deps.worker.runJob(job.id));
    } catch (err) {
      // Another worker took it first (e.g. after a restart): wait for its answer below.
      if (!isConnectdError(err, 'CONNECTD_ERR_JOBS_BUSY')) throw err;
    }
  }
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_ACTION_WAIT_MS);
  for (;;) {
    const current = (await repository.get(job.id)) ?? job;
    const invocation = fromRecord(current);
    if (invocation.status === 'succeeded' || invocation.status === 'dead' || Date.now() >= deadline) return invocation;
    await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
  }
}
