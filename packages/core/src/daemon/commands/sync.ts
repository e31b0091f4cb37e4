import type { ConnectionRuntime } from '../../connections/index.js';
import { INTERNAL, SYNC_PREREQUISITES_UNMET } from '../../errors/index.js';
import type { ForegroundOutcome, JobWait } from '../../jobs/index.js';
import { dependencyOrder, type SyncMode, type SyncProgress, type SyncSummary } from '../../sync/index.js';
import type { Core } from '../core.js';
import { withForeground, type ForegroundOptions } from './foreground.js';

export interface SyncOnceOptions extends Omit<ForegroundOptions, 'onProgress'> {
  readonly connector: string;
  readonly stream?: string | undefined;
  readonly connectionId?: string | undefined;
  readonly full: boolean;
  /** The named stream runs after streams that never succeeded on the connection: they run first, in this order. */
  readonly onPrerequisites?: (stream: string, prerequisites: readonly string[]) => void;
  readonly onStart?: (stream: string) => void;
  readonly onProgress?: (stream: string, progress: SyncProgress) => void;
  /** A daemon's run of the stream is in the way: the command waits for it (or takes it over). */
  readonly onWait?: (stream: string, wait: JobWait) => void;
}

/** The outcome of one stream of a foreground sync. */
export interface StreamOutcome {
  readonly stream: string;
  readonly ok: boolean;
  /** Another worker (a daemon) ran it, and this is its outcome. */
  readonly followed: boolean;
  /** Not run: a stream it runs after did not succeed (`error` says which). */
  readonly skipped?: boolean;
  readonly summary?: SyncSummary;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * `connectd sync`: runs the streams of one connection, each as a durable job through the same
 * worker path the daemon uses. A daemon beside it never makes it fail: its job is left to this
 * process, and when a daemon's run of the stream is in the way, it waits (taking the run over if
 * that run's worker died) or follows the daemon's run of its job to the end. All streams run in
 * dependency order (`after:`, else declaration order); a named stream whose `after:` streams never
 * succeeded on the connection runs after them (incrementally), and `onPrerequisites` says so. A
 * stream whose prerequisites still have not succeeded when its turn comes is not run. Bad
 * arguments throw coded errors (exit 2).
 * @example
 * const outcomes = await syncOnce({ configPath, env, settings, connector: 'storq', stream: 'stock', full: false });
 */
export async function syncOnce(options: SyncOnceOptions): Promise<StreamOutcome[]> {
  return withForeground({ ...options, onProgress: (job, progress) => options.onProgress?.(job.stream, progress) }, async (core) => {
    const targets = core.project.syncTargets(options.connector, options.stream).map((s) => s.name);
    const runtime = core.engine.resolve(options.connector, options.connectionId);
    const mode: SyncMode = options.full ? 'full' : 'incremental';
    const plan: Array<{ stream: string; mode: SyncMode }> = [];
    if (options.stream === undefined) {
      for (const stream of dependencyOrder(core.engine.streamGraph(options.connector), targets)) plan.push({ stream, mode });
    } else {
      const first = await core.engine.unmetPrerequisites(runtime, options.stream);
      if (first.length > 0) options.onPrerequisites?.(options.stream, first);
      // A prerequisite only has to succeed once: it runs incrementally whatever the named stream does.
      for (const stream of first) plan.push({ stream, mode: 'incremental' });
      plan.push({ stream: options.stream, mode });
    }
    const outcomes: StreamOutcome[] = [];
    for (const { stream, mode: streamMode } of plan) outcomes.push(await syncStream(core, runtime, stream, streamMode, options));
    return outcomes;
  });
}

/** One stream's turn: not run while a stream it runs after has never succeeded (one failed before it), else its job run here. */
async function syncStream(core: Core, runtime: ConnectionRuntime, stream: string, mode: SyncMode, options: SyncOnceOptions): Promise<StreamOutcome> {
  const waitingFor = await core.engine.unmetPrerequisites(runtime, stream);
  if (waitingFor.length > 0) {
    const error = SYNC_PREREQUISITES_UNMET({ connector: options.connector, stream, connection: runtime.connection.id, waitingFor: waitingFor.join(', ') });
    return { stream, ok: false, followed: false, skipped: true, error: { code: error.code, message: error.message } };
  }
  options.onStart?.(stream);
  const outcome = await core.engine.syncNow(runtime, stream, mode, (wait) => options.onWait?.(stream, wait));
  if (outcome.status === 'succeeded') return { stream, ok: true, followed: outcome.followed, summary: outcome.result as SyncSummary };
  return { stream, ok: false, followed: outcome.followed, error: errorOf(outcome, core.redact) };
}

/** A failed run's error; a deferral (a prerequisite failed since it was checked, by a daemon's run) says why. */
function errorOf(outcome: ForegroundOutcome, redact: (text: string) => string): { code: string; message: string } {
  if (outcome.error !== undefined) return { code: outcome.error.code, message: redact(outcome.error.message) };
  if (outcome.deferral !== undefined) return { code: SYNC_PREREQUISITES_UNMET.code, message: redact(`job deferred: ${outcome.deferral.reason}`) };
  return { code: INTERNAL.code, message: `job ended ${outcome.status}` };
}
