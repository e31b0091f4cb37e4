import type { SyncProgress, SyncSummary } from '../sync/index.js';
import { withForegroundEngine } from './foreground-engine.js';
import type { DaemonSettings } from './settings.js';

export interface SyncOnceOptions {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: DaemonSettings;
  readonly connector: string;
  readonly stream?: string | undefined;
  readonly connectionId?: string | undefined;
  readonly full: boolean;
  readonly onProgress?: (stream: string, progress: SyncProgress) => void;
  readonly onStart?: (stream: string) => void;
}

/** The outcome of one stream of a foreground sync. */
export interface StreamOutcome {
  readonly stream: string;
  readonly ok: boolean;
  readonly summary?: SyncSummary;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * `connectd sync`: runs the streams of one connection in the foreground, each as a durable job
 * through the same worker path the daemon uses. Bad arguments throw coded errors (exit 2).
 * @example
 * const outcomes = await syncOnce({ configPath, env, settings, connector: 'storq', stream: 'stock', full: false });
 */
export async function syncOnce(options: SyncOnceOptions): Promise<StreamOutcome[]> {
  return withForegroundEngine(
    { ...options, onProgress: (job, progress) => options.onProgress?.(job.stream, progress) },
    async (engine, secrets) => {
      const { runtime, streams } = engine.resolve(options.connector, options.stream, options.connectionId);
      const outcomes: StreamOutcome[] = [];
      for (const stream of streams) {
        options.onStart?.(stream);
        const outcome = await engine.syncNow(runtime, stream, options.full ? 'full' : 'incremental');
        outcomes.push(
          outcome.status === 'succeeded'
            ? { stream, ok: true, summary: outcome.result as SyncSummary }
            : {
                stream,
                ok: false,
                error: {
                  code: outcome.error?.code ?? 'CONNECTD_ERR_INTERNAL',
                  message: secrets.scrub(outcome.error?.message ?? `job ended ${outcome.status}`),
                },
              },
        );
      }
      return outcomes;
    },
  );
}
