import type { JobWait } from '../../jobs/index.js';
import type { SyncProgress, SyncSummary } from '../../sync/index.js';
import { withForeground, type ForegroundOptions } from './foreground.js';

export interface SyncOnceOptions extends Omit<ForegroundOptions, 'onProgress'> {
  readonly connector: string;
  readonly stream?: string | undefined;
  readonly connectionId?: string | undefined;
  readonly full: boolean;
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
  readonly summary?: SyncSummary;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * `connectd sync`: runs the streams of one connection, each as a durable job through the same
 * worker path the daemon uses. A daemon beside it never makes it fail: its job is left to this
 * process, and when a daemon's run of the stream is in the way, it waits (taking the run over if
 * that run's worker died) or follows the daemon's run of its job to the end. Bad arguments throw
 * coded errors (exit 2).
 * @example
 * const outcomes = await syncOnce({ configPath, env, settings, connector: 'storq', stream: 'stock', full: false });
 */
export async function syncOnce(options: SyncOnceOptions): Promise<StreamOutcome[]> {
  return withForeground({ ...options, onProgress: (job, progress) => options.onProgress?.(job.stream, progress) }, async (core) => {
    const streams = core.project.syncTargets(options.connector, options.stream);
    const runtime = core.engine.resolve(options.connector, options.connectionId);
    const outcomes: StreamOutcome[] = [];
    for (const stream of streams) {
      options.onStart?.(stream.name);
      const outcome = await core.engine.syncNow(runtime, stream.name, options.full ? 'full' : 'incremental', (wait) => options.onWait?.(stream.name, wait));
      outcomes.push(
        outcome.status === 'succeeded'
          ? { stream: stream.name, ok: true, followed: outcome.followed, summary: outcome.result as SyncSummary }
          : {
              stream: stream.name,
              ok: false,
              followed: outcome.followed,
              error: { code: outcome.error?.code ?? 'CONNECTD_ERR_INTERNAL', message: core.redact(outcome.error?.message ?? `job ended ${outcome.status}`) },
            },
      );
    }
    return outcomes;
  });
}
