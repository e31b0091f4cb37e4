import { CONNECTION_UNAVAILABLE, INTERNAL, isConnectdError, type ConnectdError } from '../errors/index.js';
import type { ForegroundOutcome, JobHandler, JobRepository, Worker } from '../jobs/index.js';
import type { JobRecord } from '../store/index.js';
import { runAction } from './run-action.js';
import type { ActionConnection, ActionResult, CompiledAction } from './types.js';
import { validateActionInput } from './validate-input.js';

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
export interface ActionJobPayload {
  readonly connector: string;
  readonly action: string;
  readonly input: unknown;
}

/** Reads an action job's payload; a row that does not hold one is a bug, reported as such. */
export function readActionPayload(payload: Readonly<Record<string, unknown>>): ActionJobPayload {
  const { connector, action, input } = payload;
  if (typeof connector !== 'string' || typeof action !== 'string') throw INTERNAL({ message: 'an action job has no connector or action in its payload' });
  return { connector, action, input };
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

/** What running an action job needs: the compiled action and the connection's runtime, by name. */
export interface ActionJobDeps {
  action(connector: string, name: string): CompiledAction;
  /** The connection's runtime, or undefined when it is not running here (disabled, deleted, not set up). */
  connection(connector: string, connectionId: string): ActionConnection | undefined;
}

/**
 * The worker's handler of `action` jobs: one attempt of the invocation on its connection.
 * @example
 * worker.handle(ACTION_JOB_KIND, actionJobHandler({ action: (c, a) => project.action(c, a), connection: (c, id) => runtimes.get(c, id) }));
 */
export function actionJobHandler(deps: ActionJobDeps): JobHandler {
  return async (job, ctx) => {
    const payload = readActionPayload(job.payload);
    const action = deps.action(payload.connector, payload.action);
    const connection = deps.connection(payload.connector, job.connectionId ?? '');
    if (connection === undefined) {
      throw CONNECTION_UNAVAILABLE({ connector: payload.connector, connection: job.connectionId ?? '', reason: 'it is not running in this daemon (disabled, deleted or not set up)' });
    }
    return runAction({ action, connection, input: payload.input, signal: ctx.signal, log: ctx.log });
  };
}

function fromOutcome(outcome: ForegroundOutcome): ActionInvocation {
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

/** Where an invocation runs: the job queue and a worker with the `action` handler. */
export interface InvocationDeps {
  readonly repository: JobRepository;
  readonly worker: Worker;
}

/**
 * Invokes an action as a durable job: validates the input (CONNECTD_ERR_ACTION_INPUT_INVALID, 400,
 * before anything is stored), enqueues the job, and runs its first attempt here. A failed attempt
 * that may be retried leaves the job queued with backoff for any worker. Two invocations with the
 * same idempotency key while one is live share its job; the second waits up to `waitMs` for it.
 * @example
 * const invocation = await invokeAction({ repository, worker }, runtime.connection.id, project.action('storq', 'create_order'), input);
 */
export async function invokeAction(
  deps: InvocationDeps,
  connectionId: string,
  action: CompiledAction,
  input: unknown,
  options: { readonly waitMs?: number | undefined } = {},
): Promise<ActionInvocation> {
  const checked = validateActionInput(action, input);
  const key = action.idempotency === undefined ? undefined : (checked as Record<string, unknown> | null)?.[action.idempotency.key];
  const { job, created } = await deps.repository.enqueue({
    kind: ACTION_JOB_KIND,
    connectionId,
    payload: { connector: action.connector, action: action.name, input: checked },
    maxAttempts: ACTION_JOB_MAX_ATTEMPTS,
    runAt: new Date(Date.now() + ACTION_CLAIM_GRACE_MS),
    ...(typeof key === 'string' || typeof key === 'number' ? { uniqueKey: `action:${connectionId}:${action.name}:${String(key)}` } : {}),
  });
  const waitMs = options.waitMs ?? DEFAULT_ACTION_WAIT_MS;
  if (created) {
    try {
      // Run here, or follow the worker that took it first (a restart, a daemon beside a CLI).
      return fromOutcome(await deps.worker.runOrFollow(job.id, { pollIntervalMs: JOB_POLL_MS, signal: AbortSignal.timeout(Math.max(waitMs, JOB_POLL_MS)) }));
    } catch (err) {
      if (!isConnectdError(err, 'CONNECTD_ERR_JOBS_WAIT_ABORTED')) throw err;
      return fromRecord((await deps.repository.get(job.id)) ?? job);
    }
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const invocation = fromRecord((await deps.repository.get(job.id)) ?? job);
    if (invocation.status === 'succeeded' || invocation.status === 'dead' || Date.now() >= deadline) return invocation;
    await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
  }
}
