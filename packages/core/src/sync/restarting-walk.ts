/**
 * The cursor-restart rule of a stream run. Vendors give continuations (cursors, page tokens) a
 * limited life, and a run resumed after an interruption replays a saved request whose cursor may
 * have expired since: without this rule such a run fails, and every later run resumes from the
 * same dead request. The restarted walk re-applies pages already written; that is safe because
 * pages are idempotent upserts (an older row never overwrites a newer one).
 */
import type { OutgoingRequest } from '../connector/index.js';
import { isConnectdError, SYNC_VENDOR_STATUS } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { PageResult, PaginateSummary } from '../pagination/index.js';

/** Statuses with which vendors reject a continuation they no longer honour (expired or invalid cursor). */
export const REJECTED_CONTINUATION_STATUSES: ReadonlySet<number> = new Set([400, 404, 410, 422]);
/** Restarts per run; one more rejection fails the run (the vendor keeps refusing: not an expiry). */
export const MAX_CURSOR_RESTARTS = 3;

/** The pages of one walk, as `paginate` yields them. */
export type Walk = AsyncGenerator<PageResult, PaginateSummary, undefined>;

export interface RestartingWalkOptions {
  /** The run's first request: a saved request of an interrupted run (`resumed`) or the stream's fresh one. */
  readonly first: OutgoingRequest;
  readonly resumed: boolean;
  /** The request a restart starts from: the stream's fresh first request after its last checkpoint. */
  readonly restartFrom: () => OutgoingRequest;
  /** Starts a walk (with a fresh paginator) from a request. */
  readonly walk: (first: OutgoingRequest, resume: boolean) => Walk;
  readonly log: Logger;
  readonly maxRestarts?: number | undefined;
}

/** The status of a stream request the vendor refused, or undefined for any other failure. */
function refusedStatus(err: unknown): number | undefined {
  if (!isConnectdError(err, SYNC_VENDOR_STATUS.code)) return undefined;
  const status = err.details['status'];
  return typeof status === 'number' ? status : undefined;
}

/**
 * Walks a run's pages like `paginate`, but when a request that carries a continuation (the resumed
 * saved request, or any page after a walk's first) is answered 400, 404, 410 or 422, drops that
 * continuation and walks again from `restartFrom()`, at most `maxRestarts` times per run, each
 * logged as a warning with the status. A refusal of a fresh first request is a config problem and
 * fails the run as it is.
 * @example
 * const pages = restartingWalk({ first, resumed, restartFrom: () => freshRequest(stream, values, mark), walk: (r, resume) => paginate({ first: r, resume, ... }), log });
 * for (let step = await pages.next(); !step.done; step = await pages.next()) await apply(step.value);
 */
export async function* restartingWalk(options: RestartingWalkOptions): Walk {
  const { log } = options;
  const maxRestarts = options.maxRestarts ?? MAX_CURSOR_RESTARTS;
  let walk = options.walk(options.first, options.resumed);
  // Whether the request the walk sends next carries a continuation the vendor may have expired.
  let continuing = options.resumed;
  let restarts = 0;
  for (;;) {
    let step: IteratorResult<PageResult, PaginateSummary>;
    try {
      step = await walk.next();
    } catch (err) {
      const status = continuing ? refusedStatus(err) : undefined;
      if (status === undefined || !REJECTED_CONTINUATION_STATUSES.has(status)) throw err;
      if (restarts >= maxRestarts) {
        log.warn({ status, restarts }, `the vendor refused a continuation again after ${restarts} restarts; the run fails`);
        throw err;
      }
      restarts += 1;
      log.warn(
        { status, restart: restarts, maxRestarts },
        'the vendor refused a continuation (an expired or invalid cursor); restarting the walk from the last checkpoint',
      );
      walk = options.walk(options.restartFrom(), false);
      continuing = false;
      continue;
    }
    if (step.done === true) return step.value;
    continuing = true;
    yield step.value;
  }
}
