import { createLogger, SecretValues } from '../log/index.js';
import { openStore } from '../store/index.js';
import type { SyncProgress, SyncSummary } from '../sync/index.js';
import { Engine } from './engine.js';
import { loadProject } from './project.js';
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
  const secrets = new SecretValues();
  const project = await loadProject(options.configPath, options.env);
  for (const value of project.secretValues) secrets.add(value);
  const log = createLogger({ level: options.settings.logLevel === 'info' ? 'warn' : options.settings.logLevel, secrets });
  const store = await openStore({ databaseUrl: options.settings.databaseUrl, dataDir: options.settings.dataDir, log: log.child({ component: 'store' }) });
  let engine: Engine | undefined;
  try {
    await store.migrate();
    engine = await Engine.create({
      project,
      store,
      log,
      redact: (text) => secrets.scrub(text),
      leaseMs: options.settings.jobLeaseMs,
      onProgress: (job, progress) => options.onProgress?.(job.stream, progress),
    });
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
  } finally {
    await engine?.stop(options.settings.shutdownDeadlineMs).catch(() => undefined);
    await store.close();
  }
}
