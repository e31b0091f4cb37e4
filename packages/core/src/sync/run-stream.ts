import type { ConnectionInfo, ErrorClassifierRuntime, OutgoingRequest, PaginatorRuntime, ReceivedPage } from '../connector/index.js';
import type { CompiledRequestTemplate, HttpRequest, HttpResponse } from '../http/index.js';
import type { Logger } from '../log/index.js';
import { cachedLookups, type RecordMapper } from '../mapping/index.js';
import { paginate, type WalkLimits } from '../pagination/index.js';
import { highWater, type IncrementalSpec } from './incremental.js';
import { pageSender } from './page-sender.js';
import { restartingWalk } from './restarting-walk.js';
import { partitionPlan, partitionValues, type PartitionSpec } from './partitions.js';
import { freshRequest, startingPoint } from './starting-point.js';
import { createPageBatcher, type PageBatcher } from './run-stream-batches.js';
import type { PageWrite, PartitionCursor, StreamCheckpoint, SyncMode, SyncProgress, SyncStore, SyncSummary, WriteCounts } from './types.js';

/** A stream compiled once at load: nothing here is parsed per run or per page. */
export interface CompiledStream {
  readonly connector: string;
  readonly name: string;
  readonly request: CompiledRequestTemplate;
  /** A fresh paginator per run (paginators may keep per-run state). */
  createPaginator(): PaginatorRuntime;
  readonly limits: WalkLimits;
  records(page: ReceivedPage): Promise<readonly unknown[]>;
  /** What each record writes: one entity or several (`outputs:`). */
  readonly mapper: RecordMapper;
  readonly incremental?: IncrementalSpec | undefined;
  /** Walk once per slice of the connection's vendor ids of a kind (`partitions.ts`). */
  readonly partition?: PartitionSpec | undefined;
}

/** The vendor side of one connection: its HTTP client and template values. */
export interface StreamConnection {
  readonly connector: string;
  readonly connection: ConnectionInfo;
  readonly client: { send(request: HttpRequest): Promise<HttpResponse> };
  readonly templateValues: Readonly<Record<string, unknown>>;
  readonly log: Logger;
  /** The classifiers of the streams that declare their own `error_classifier`, by stream name, created for this connection. */
  readonly streamClassifiers?: ReadonlyMap<string, ErrorClassifierRuntime> | undefined;
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

/** Adds one applied batch of pages to the run's totals. */
function addPages(totals: Totals, pages: readonly PageWrite[], counts: WriteCounts): void {
  for (const page of pages) {
    totals.pages += page.progress.pages;
    totals.records += page.progress.records;
    totals.failed += page.failures.length;
  }
  totals.inserted += counts.inserted;
  totals.updated += counts.updated;
  totals.skippedOlder += counts.skippedOlder;
}

type Totals = { pages: number; records: number; failed: number; inserted: number; updated: number; skippedOlder: number };

/** What the pages of one run share: the run, its log, its lookups, its totals so far. */
interface RunContext {
  readonly options: RunStreamOptions;
  readonly runId: string;
  readonly log: Logger;
  readonly lookups: ReturnType<typeof cachedLookups>;
  readonly send: (request: OutgoingRequest) => Promise<ReceivedPage>;
  readonly redact: (text: string) => string;
  readonly started: number;
  readonly totals: Totals;
  readonly previousMark: string | undefined;
  runHighWater: string | undefined;
  /** The run's writes: pages in order, one transaction each or several to one. */
  readonly writes: PageBatcher;
}

/**
 * Walks one partition (or the whole stream) from `first` and applies each page with the
 * checkpoint of what comes next: the page after it, else the next partition's first request.
 * Resolves whether the walk stopped at its page cap.
 */
async function walkPartition(
  run: RunContext,
  walked: { readonly first: OutgoingRequest; readonly resumed: boolean; readonly values: Readonly<Record<string, unknown>>; readonly cursor: PartitionCursor | undefined },
  next: NextPartition | undefined,
): Promise<boolean> {
  const { first, resumed, values } = walked;
  const { stream, connection, signal } = run.options;
  // A refused continuation (an expired cursor) restarts the walk from the last checkpoint.
  const walk = restartingWalk({
    first,
    resumed,
    restartFrom: () => freshRequest(stream, values, run.previousMark),
    walk: (request, resume) =>
      paginate({
        first: request,
        resume,
        send: run.send,
        paginator: stream.createPaginator(),
        records: (page) => stream.records(page),
        ...stream.limits,
        redact: run.redact,
        ...(signal === undefined ? {} : { signal }),
      }),
    log: run.log,
  });
  let step = await walk.next();
  while (step.done !== true) {
    const { records, next: following } = step.value;
    if (stream.incremental !== undefined) run.runHighWater = highWater(records, stream.incremental.cursor_field, run.runHighWater);
    // A mapping that looks up vendor ids must see every earlier page committed (a record may name
    // an id the previous page wrote): it maps only once the writes queued before it are applied.
    if (stream.mapper.usesLookups) await run.writes.drain();
    const { rows, failures } = await stream.mapper.map(records, { connection: connection.connection, lookups: run.lookups });
    const checkpoint: StreamCheckpoint =
      following !== null
        ? { resume: following, runHighWater: run.runHighWater, highWaterMark: run.previousMark, partition: walked.cursor }
        : next !== undefined
          ? { resume: next.first(), runHighWater: run.runHighWater, highWaterMark: run.previousMark, partition: next.cursor }
          : { highWaterMark: run.previousMark };
    const page = { connector: connection.connector, connection: connection.connection, stream: stream.name, runId: run.runId };
    // Queued, not awaited: the next page is fetched and mapped while this one is written, and pages
    // that arrive faster than they are written share a transaction (run-stream-batches.ts).
    await run.writes.add({ ...page, rows, failures, checkpoint, progress: { pages: 1, records: records.length } });
    step = await walk.next();
  }
  return step.value.capped;
}

/** The partition after the one being walked: its cursor and first request, for the checkpoint of the walk's last page. */
interface NextPartition {
  readonly cursor: PartitionCursor;
  first(): OutgoingRequest;
}

/**
 * Runs one stream of one connection: resumes from the checkpoint's saved request if the last run
 * was interrupted, else starts (incrementally from the high-water mark unless `full`), and applies
 * each page in a store transaction together with the checkpoint, so a page is applied exactly once.
 * Pages that arrive while one is written share the next transaction, whose checkpoint is the last
 * page's (`run-stream-batches.ts`).
 * A continuation the vendor refuses (an expired cursor) restarts the walk from the last checkpoint
 * (`restarting-walk.ts`). A partitioned stream (`partitions.ts`) walks once per slice of ids.
 * @example
 * const summary = await runStream({ stream, connection, store, mode: 'incremental' });
 */
export async function runStream(options: RunStreamOptions): Promise<SyncSummary> {
  const { stream, connection, store, mode } = options;
  const redact = options.redact ?? ((text: string) => text);
  const started = Date.now();
  const saved = await store.readCheckpoint(connection.connection.id, stream.name);
  const partitioned = stream.partition;
  const ids = partitioned === undefined ? [] : await store.vendorIdsOf(connection.connection.tenant, connection.connector, partitioned.by);
  const plan = partitionPlan(partitioned, ids);
  const start = startingPoint(stream, connection.templateValues, saved, mode, plan);
  const runId = await store.startRun({ connectionId: connection.connection.id, stream: stream.name, mode, jobId: options.jobId });
  const log = connection.log.child({ stream: stream.name, runId });
  log.info({ mode, resumed: start.resumeFrom !== undefined, ...(partitioned === undefined ? {} : { partitions: plan.slices.length }) }, 'sync started');
  if (partitioned !== undefined && plan.slices.length === 0) {
    log.warn({ by: partitioned.by }, `no ${partitioned.by} ids are known for this connection yet: nothing to read (the stream that writes them runs first with after:)`);
  }
  const run: RunContext = {
    options,
    runId,
    log,
    lookups: cachedLookups((t, c, k, vendorIds) => store.lookupVendorIds(t, c, k, vendorIds), connection.connector, connection.connection.tenant),
    send: pageSender({
      client: connection.client,
      connector: connection.connector,
      stream: stream.name,
      idempotent: stream.request.idempotent,
      classifier: connection.streamClassifiers?.get(stream.name),
      signal: options.signal,
      redact,
    }),
    redact,
    started,
    totals: { pages: 0, records: 0, failed: 0, inserted: 0, updated: 0, skippedOlder: 0 },
    previousMark: start.previousMark,
    runHighWater: start.resumeFrom === undefined ? undefined : saved?.runHighWater,
    writes: createPageBatcher({
      apply: (page) => store.applyPage(page),
      applied: (pages, counts) => {
        addPages(run.totals, pages, counts);
        options.onProgress?.({ pages: run.totals.pages, records: run.totals.records, failed: run.totals.failed, elapsedMs: Date.now() - started });
      },
    }),
  };
  const cursorOf = (index: number): PartitionCursor | undefined => (partitioned === undefined ? undefined : { index, of: plan.fingerprint });
  try {
    let capped = false;
    for (let index = start.partition; index < plan.slices.length; index++) {
      const values = partitionValues(connection.templateValues, plan.slices[index]);
      const resumed = index === start.partition && start.resumeFrom !== undefined;
      const first = index === start.partition && start.first !== undefined ? start.first : freshRequest(stream, values, start.previousMark);
      const upcoming = index + 1;
      const next: NextPartition | undefined =
        upcoming < plan.slices.length
          ? { cursor: cursorOf(upcoming)!, first: () => freshRequest(stream, partitionValues(connection.templateValues, plan.slices[upcoming]), start.previousMark) }
          : undefined;
      capped = (await walkPartition(run, { first, resumed, values, cursor: cursorOf(index) }, next)) || capped;
    }
    await run.writes.drain();
    if (capped) log.warn('page cap reached: the run stopped before the last page (raise max_pages)');
    const highWaterMark = stream.incremental === undefined ? undefined : (run.runHighWater ?? start.previousMark);
    await store.finishRun(runId, {
      result: 'succeeded',
      connectionId: connection.connection.id,
      stream: stream.name,
      checkpoint: { highWaterMark: highWaterMark ?? saved?.highWaterMark },
    });
    const result: SyncSummary = { runId, mode, resumed: start.resumeFrom !== undefined, capped, highWaterMark, elapsedMs: Date.now() - started, ...run.totals };
    log.info({ pages: result.pages, records: result.records, failed: result.failed, elapsedMs: result.elapsedMs }, 'sync finished');
    return result;
  } catch (err) {
    // Pages fetched before a failed fetch are still written, as when each was written before the
    // next was asked for; a failed write stops the writes, and its error is this one.
    await run.writes.drain().catch(() => undefined);
    const code = (err as { code?: string }).code;
    await store.finishRun(runId, { result: 'failed', error: redact(`${code ?? 'error'}: ${err instanceof Error ? err.message : String(err)}`) }).catch((finishErr: unknown) => {
      log.error({ err: finishErr }, 'could not record the failed run');
    });
    log.error({ err, code, pages: run.totals.pages }, 'sync failed; the next run resumes from the last applied page');
    throw err;
  }
}
