import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ActionInvocation } from '../../actions/index.js';
import { JOBS_NOT_FOUND, isConnectdError } from '../../errors/index.js';
import type { JobRepository } from '../../jobs/index.js';
import type { Engine } from '../engine.js';

/** The longest an API caller may ask to wait for a joined job (`?wait_ms=`). */
const MAX_WAIT_MS = 120_000;

/** Error details a caller may see: input field errors and the vendor's own error, nothing else. */
function publicDetails(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  if (details['errors'] !== undefined) shown['errors'] = details['errors'];
  if (details['vendorError'] !== undefined) shown['vendor'] = { status: details['status'], error: details['vendorError'] };
  return shown;
}

function answer(response: FastifyReply, invocation: ActionInvocation): FastifyReply {
  const job = invocation.jobId;
  if (invocation.status === 'succeeded') {
    const result = invocation.result;
    return response.code(200).send({ job, status: 'succeeded', outcome: result?.outcome, attempts: result?.attempts, result: result?.result ?? null });
  }
  const error = invocation.error;
  const coded = error !== undefined && isConnectdError(error) ? error : undefined;
  const body = {
    job,
    status: invocation.status,
    ...(error === undefined ? {} : { code: error.code, message: error.message }),
    ...(coded === undefined ? {} : publicDetails(coded.details)),
  };
  if (invocation.status === 'dead') return response.code(coded?.httpStatus ?? 502).send(body);
  // Still going (retrying with backoff, or joined while running): the job id is the handle.
  return response.code(202).header('location', `/api/jobs/${job}`).send(body);
}

/**
 * `POST /actions/:connector/:action[?connection=ID&wait_ms=N]` (the body is the action's input)
 * and `GET /jobs/:id`, for the admin API scope. Answers 200 with the result, 400 with every input
 * error (nothing stored), 404 for an unknown connector or action, 422 with the vendor's own error
 * when it refused (not retried), 202 with the job while it retries in the background.
 * @example
 * // curl -H "authorization: Bearer $CONNECTD_ADMIN_TOKEN" -H 'content-type: application/json' \
 * //   -d '{"customer_email":"a@b.c","external_id":"A-1","line_items":[{"sku":"S1","quantity":1}]}' \
 * //   http://localhost:3000/api/actions/storq/create_order
 */
export function actionRoutes(deps: { readonly engine: Engine; readonly jobs: JobRepository }): (api: FastifyInstance) => void {
  return (api) => {
    api.post<{ Params: { connector: string; action: string }; Querystring: { connection?: string; wait_ms?: string } }>('/actions/:connector/:action', async (request, response) => {
      const { connector, action } = request.params;
      const query = request.query;
      const waitMs = query.wait_ms === undefined ? undefined : Math.min(MAX_WAIT_MS, Math.max(0, Number(query.wait_ms) || 0));
      try {
        return answer(response, await deps.engine.invokeAction(connector, action, request.body, { connectionId: query.connection, waitMs }));
      } catch (err) {
        if (!isConnectdError(err) || err.httpStatus >= 500) throw err;
        return response.code(err.httpStatus).send({ code: err.code, message: err.message, ...publicDetails(err.details) });
      }
    });

    api.get<{ Params: { id: string } }>('/jobs/:id', async (request) => {
      const { id } = request.params;
      const job = /^\d{1,18}$/.test(id) ? await deps.jobs.get(id) : undefined;
      if (job === undefined) throw JOBS_NOT_FOUND({ jobId: id });
      return {
        id: job.id,
        kind: job.kind,
        status: job.status,
        attempts: job.attempts,
        maxAttempts: job.maxAttempts,
        result: job.result ?? null,
        lastError: job.lastError,
        createdAt: job.createdAt.toISOString(),
        finishedAt: job.finishedAt?.toISOString() ?? null,
      };
    });
  };
}
