import { CONNECTION_UNAVAILABLE, INTERNAL } from '../errors/index.js';
import { SYNC_JOB_KIND, type JobHandler } from '../jobs/index.js';
import { runStream, type CompiledStream, type StreamConnection } from './run-stream.js';
import type { SyncMode, SyncProgress, SyncStore } from './types.js';

export { SYNC_JOB_KIND };

/** What a `sync` job carries. */
export interface SyncJobPayload {
  readonly connector: string;
  readonly stream: string;
  readonly mode: SyncMode;
}

/** Reads a sync job's payload; a row that does not hold one is a bug, reported as such. */
export function readSyncPayload(payload: Readonly<Record<string, unknown>>): SyncJobPayload {
  const { connector, stream, mode } = payload;
  if (typeof connector !== 'string' || typeof stream !== 'string') throw INTERNAL({ message: 'a sync job has no connector or stream in its payload' });
  return { connector, stream, mode: mode === 'full' ? 'full' : 'incremental' };
}

/** What running a sync job needs: the compiled stream and the connection's runtime, by name. */
export interface SyncJobDeps {
  stream(connector: string, stream: string): CompiledStream | undefined;
  /** The connection's runtime, or undefined when it is not running here. */
  connection(connector: string, connectionId: string): StreamConnection | undefined;
  readonly store: SyncStore;
  /** Scrubs known secret values from texts that are stored or logged. */
  readonly redact?: ((text: string) => string) | undefined;
  /** Progress of every run (the CLI prints it). */
  onProgress?(job: { readonly connector: string; readonly connection: string; readonly stream: string }, progress: SyncProgress): void;
}

/**
 * The worker's handler of `sync` jobs: one run of one stream of one connection; the job's result
 * is the run's summary.
 * @example
 * worker.handle(SYNC_JOB_KIND, syncJobHandler({ stream: (c, s) => project.streams(c).get(s), connection: (c, id) => runtimes.get(c, id), store }));
 */
export function syncJobHandler(deps: SyncJobDeps): JobHandler {
  return async (job, ctx) => {
    const payload = readSyncPayload(job.payload);
    const connectionId = job.connectionId ?? '';
    const connection = deps.connection(payload.connector, connectionId);
    const stream = deps.stream(payload.connector, payload.stream);
    if (connection === undefined || stream === undefined) {
      throw CONNECTION_UNAVAILABLE({ connector: payload.connector, connection: connectionId, reason: `connection or stream "${payload.stream}" is not configured in this daemon` });
    }
    return runStream({
      stream,
      connection,
      store: deps.store,
      mode: payload.mode,
      jobId: job.id,
      signal: ctx.signal,
      ...(deps.redact === undefined ? {} : { redact: deps.redact }),
      onProgress: (progress) => deps.onProgress?.({ connector: connection.connector, connection: connection.connection.id, stream: stream.name }, progress),
    });
  };
}
