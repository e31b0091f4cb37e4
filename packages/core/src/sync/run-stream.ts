import type { ConnectionInfo, OutgoingRequest, PaginatorRuntime, ReceivedPage } from '../connector/index.js';
import { SYNC_VENDOR_STATUS } from '../errors/index.js';
import type { CompiledRequestTemplate, HttpRequest, HttpResponse } from '../http/index.js';
import { redactUrl, type Logger } from '../log/index.js';
import { cachedLookups, type EntityRow, type IdLookups, type RecordFailure } from '../mapping/index.js';
import { paginate, type WalkLimits } from '../pagination/index.js';
import { highWater, incrementalStart, withIncrementalStart, type IncrementalSpec } from './incremental.js';
import type { StreamCheckpoint, SyncMode, SyncProgress, SyncStore, SyncSummary } from './types.js';

/** Maps a page of vendor records onto entity rows; failures are per record, never thrown. */
export interface RecordMapper {
  map(
    records: readonly unknown[],
    bindings: { readonly connection: ConnectionInfo; readonly lookups: IdLookups },
  ): Promise<{ readonly rows: readonly EntityRow[]; readonly failures: readonly RecordFailure[] }>;
}

/** A stream compiled once at load: nothing here is parsed per run or per page. */
export interface CompiledStream {
  readonly connector: string;
  readonly name: string;
  readonly entity: string;
  readonly request: CompiledRequestTemplate;
  /** A fresh paginator per run (paginators may keep per-run state). */
  createPaginator(): PaginatorRuntime;
  readonly limits: WalkLimits;
  records(page: ReceivedPage): Promise<readonly unknown[]>;
  readonly mapper: RecordMapper;
  readonly incremental?: IncrementalSpec | undefined;
}

/** The vendor side of one connection: its HTTP client and template values. */
export interface StreamConnection {
  readonly connector: string;
  readonly connection: ConnectionInfo;
  readonly client: { send(request: HttpRequest): Promise<HttpResponse> };
  readonly templateValues: Readonly<Record<string, unknown>>;
  readonly log: Logger;
}

export interface RunStreamOptions {
  readonly stream: CompiledStream;
  readonly connection: StreamConnection;
  readonly store: SyncStore;
  readonly mode: SyncMode;
  readonly jobId?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((progress: SyncProgress) => void) | undefined;
  /** Scrubs secrets from texts that are stored or logged (URLs in errors). */
  readonly redact?: ((text: string) => string) | undefined;
}

function sender(connection: StreamConnection, streamName: string, signal: AbortSignal | undefined, redact: (t: string) => string) {
  return async (request: OutgoingRequest): Promise<ReceivedPage> => {
    const response = await connection.client.send({ method: request.method, url: request.url, headers: request.headers, body: request.body, signal });
    if (response.status >= 300) {
      throw SYNC_VENDOR_STATUS({ connector: connection.connector, stream: streamName, status: response.status, url: redact(redactUrl(request.url)) });
    }
    const body = response.body.length === 0 ? null : response.json();
    return { request, status: response.status, headers: response.headers, body };
  };
}

/** Adds one applied page to the run's totals. */
function addPage(totals: Totals, records: number, failed: number, counts: { inserted: number; updated: number; skippedOlder: number }): void {
  totals.pages += 1;
  totals.records += records;
  totals.failed += failed;
  totals.inserted += counts.inserted;
  totals.updated += counts.updated;
  totals.skippedOlder += counts.skippedOlder;
}

type Totals = { pages: number; records: number; failed: number; inserted: number; updated: number; skippedOlder: number };

/**
 * Where a run starts: the saved request of an interrupted run (incremental runs resume), else the
 * stream's first request, incrementally from the last high-water mark unless `full`.
 */
function startingPoint(
  stream: CompiledStream,
  connection: StreamConnection,
  saved: StreamCheckpoint | undefined,
  mode: SyncMode,
): { first: OutgoingRequest; resumeFrom: OutgoingRequest | undefined; previousMark: string | undefined } {
  const resumeFrom = mode === 'incremental' ? saved?.resume : undefined;
  const previousMark = mode === 'full' ? undefined : saved?.highWaterMark;
  if (resumeFrom !== undefined) return { first: resumeFrom, resumeFrom, previousMark };
  const rendered = stream.request.render(connection.templateValues);
  const start = stream.incremental === undefined ? undefined : incrementalStart(stream.incremental, previousMark);
  const first = start === undefined || stream.incremental === undefined ? rendered : withIncrementalStart(rendered, stream.incremental, start);
  return { first, resumeFrom, previousMark };
}

/**
 * Runs one stream of one connection: resumes from the checkpoint's saved request if the last run
 * was interrupted, else starts (incrementally from the high-water mark unless `full`), and applies
 * each page in one store transaction together with the checkpoint, so a page is applied exactly once.
 * @example
 * const summary = await runStream({ stream, connection, store, mode: 'incremental' });
 */
export async function runStream(options: RunStreamOptions): Promise<SyncSummary> {
  const { stream, connection, store, mode } = options;
  const redact = options.redact ?? ((text: string) => text);
  const started = Date.now();
  const saved = await store.readCheckpoint(connection.connection.id, stream.name);
  const { first, resumeFrom, previousMark } = startingPoint(stream, connection, saved, mode);
  let runHighWater = resumeFrom === undefined ? undefined : saved?.runHighWater;
  const runId = await store.startRun({ connectionId: connection.connection.id, stream: stream.name, mode, jobId: options.jobId });
  const log = connection.log.child({ stream: stream.name, runId });
  log.info({ mode, resumed: resumeFrom !== undefined }, 'sync started');

  const lookups = cachedLookups((t, c, k, ids) => store.lookupVendorIds(t, c, k, ids), connection.connector, connection.connection.tenant);
  const totals: Totals = { pages: 0, records: 0, failed: 0, inserted: 0, updated: 0, skippedOlder: 0 };
  try {
    const walk = paginate({
      first,
      resume: resumeFrom !== undefined,
      send: sender(connection, stream.name, options.signal, redact),
      paginator: stream.createPaginator(),
      records: (page) => stream.records(page),
      ...stream.limits,
      redact,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    let step = await walk.next();
    while (step.done !== true) {
      const { records, next } = step.value;
      if (stream.incremental !== undefined) runHighWater = highWater(records, stream.incremental.cursor_field, runHighWater);
      const { rows, failures } = await stream.mapper.map(records, { connection: connection.connection, lookups });
      // The walker sends the next request only when asked: ask now, so the vendor's answer travels
      // while this page is written. At most two pages are held; the order of writes is unchanged.
      const following = walk.next();
      following.catch(() => undefined);
      const checkpoint: StreamCheckpoint =
        next === null ? { highWaterMark: previousMark } : { resume: next, runHighWater, highWaterMark: previousMark };
      const page = { connector: connection.connector, connection: connection.connection, stream: stream.name, runId, entity: stream.entity };
      const counts = await store.applyPage({ ...page, rows, failures, checkpoint, progress: { pages: 1, records: records.length } });
      addPage(totals, records.length, failures.length, counts);
      options.onProgress?.({ pages: totals.pages, records: totals.records, failed: totals.failed, elapsedMs: Date.now() - started });
      step = await following;
    }
    const summary = step.value;
    if (summary.capped) log.warn({ pages: summary.pages }, 'page cap reached: the run stopped before the last page (raise max_pages)');
    const highWaterMark = stream.incremental === undefined ? undefined : (runHighWater ?? previousMark);
    await store.finishRun(runId, {
      result: 'succeeded',
      connectionId: connection.connection.id,
      stream: stream.name,
      checkpoint: { highWaterMark: highWaterMark ?? saved?.highWaterMark },
    });
    const result: SyncSummary = {
      runId,
      mode,
      resumed: resumeFrom !== undefined,
      capped: summary.capped,
      highWaterMark,
      elapsedMs: Date.now() - started,
      ...totals,
    };
    log.info({ pages: result.pages, records: result.records, failed: result.failed, elapsedMs: result.elapsedMs }, 'sync finished');
    return result;
  } catch (err) {
    const code = (err as { code?: string }).code;
    await store.finishRun(runId, { result: 'failed', error: redact(`${code ?? 'error'}: ${err instanceof Error ? err.message : String(err)}`) }).catch((finishErr: unknown) => {
      log.error({ err: finishErr }, 'could not record the failed run');
    });
    log.error({ err, code, pages: totals.pages }, 'sync failed; the next run resumes from the last applied page');
    throw err;
  }
}
