/**
 * The page walker: sends the first request, hands each page to the consumer, and asks the
 * paginator for the next request only when the consumer asks for the next page. Nothing is
 * fetched ahead and no page is kept after the consumer moved on, so memory stays flat however
 * many pages a run has; the consumer's pace is the back-pressure.
 */
import { PAGINATION_LOOP } from '../errors/index.js';
import type { OutgoingRequest, PaginatorRuntime, ReceivedPage } from '../connector/index.js';
import { DEFAULT_MAX_PAGES, DEFAULT_STOP_ON_EMPTY } from './limits.js';
import { describeRequest, requestKey } from './request-key.js';

/** Inputs of {@link paginate}. */
export interface PaginateOptions {
  /** The first request as declared; the paginator's `first()` prepares it (e.g. adds `limit`). */
  readonly first: OutgoingRequest;
  /** Sends one request through the HTTP runtime (auth, rate limit, retries) and parses the body. */
  readonly send: (request: OutgoingRequest) => Promise<ReceivedPage>;
  readonly paginator: PaginatorRuntime;
  /** Extracts a page's records (see `recordsAt`); may be async (JSONata paths). */
  readonly records: (page: ReceivedPage) => readonly unknown[] | Promise<readonly unknown[]>;
  /**
   * `first` is a request saved from an earlier, interrupted run (a checkpoint's next request): it is
   * sent as it is, without the paginator's `first()` preparation.
   */
  readonly resume?: boolean;
  /** Page cap: at most this many requests per run. Default {@link DEFAULT_MAX_PAGES}. */
  readonly maxPages?: number;
  /** End the run on a page without records. Default {@link DEFAULT_STOP_ON_EMPTY}. */
  readonly stopOnEmpty?: boolean;
  /**
   * End the run on a page with fewer records than `pageSize`. Without `pageSize`, the paginator's
   * own page size is used, or else the largest page seen so far (so the first page never counts as short).
   */
  readonly stopOnShortPage?: { readonly pageSize?: number };
  /** Scrubs text for the loop error (e.g. known secret values); secret-looking query parameters are redacted anyway. */
  readonly redact?: (text: string) => string;
  /** Checked before each request; an aborted run throws the signal's reason. */
  readonly signal?: AbortSignal;
}

/** One page of a run. */
export interface PageResult {
  /** 0 for the first page. */
  readonly index: number;
  /** The request as the paginator built it (before auth). */
  readonly request: OutgoingRequest;
  readonly page: ReceivedPage;
  readonly records: readonly unknown[];
  /**
   * The request that will fetch the next page, or null when this page ends the run. Known before the
   * consumer applies the page, so it can be saved with the page (a checkpoint to resume from).
   */
  readonly next: OutgoingRequest | null;
}

/** Why a run ended. `cap`: more pages remained when `maxPages` was reached. */
export type PaginateStop = 'end' | 'empty' | 'short' | 'cap';

/** The generator's return value. */
export interface PaginateSummary {
  readonly pages: number;
  /** True when the page cap ended the run while the paginator still had a next page; warning about it is the caller's job. */
  readonly capped: boolean;
  readonly stop: PaginateStop;
}

/**
 * Walks the pages of one run. Throws CONNECTD_ERR_PAGINATION_LOOP before sending a request that
 * repeats one of this run (same method, URL and body): the vendor handed back a cursor or link
 * it gave before. The guard keeps one 44-character digest per page, O(pages) and small.
 * @example
 * const run = paginate({ first, send, paginator, records: recordsAt('$.stock'), ...walkLimits(options) });
 * for (let step = await run.next(); !step.done; step = await run.next()) await upsert(step.value.records);
 * // step.value is now the summary: { pages, capped, stop }
 */
export async function* paginate(options: PaginateOptions): AsyncGenerator<PageResult, PaginateSummary, undefined> {
  const { send, paginator, records: extract, signal } = options;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const stopOnEmpty = options.stopOnEmpty ?? DEFAULT_STOP_ON_EMPTY;
  const shortSize = options.stopOnShortPage === undefined ? undefined : (options.stopOnShortPage.pageSize ?? paginator.pageSize);
  const seen = new Set<string>();
  let largestPage = 0;
  let request = paginator.first === undefined || options.resume === true ? options.first : paginator.first(options.first);
  seen.add(requestKey(request));
  for (let index = 0; ; index++) {
    signal?.throwIfAborted();
    const received = await send(request);
    // The paginator derives the next request from ours, not from whatever the transport put in
    // `page.request` (auth headers, query keys), so credentials never enter the page chain.
    const page = received.request === request ? received : { ...received, request };
    const records = await extract(page);
    const pages = index + 1;

    let stop: PaginateStop | undefined;
    let next: OutgoingRequest | null = null;
    if (stopOnEmpty && records.length === 0) stop = 'empty';
    else if (options.stopOnShortPage !== undefined && records.length < (shortSize ?? largestPage)) stop = 'short';
    else {
      largestPage = Math.max(largestPage, records.length);
      next = paginator.next(page, records);
      if (next === null) stop = 'end';
      else if (pages >= maxPages) {
        stop = 'cap';
        next = null;
      }
    }
    // A repeated request is detected before the page is handed out, but thrown after it, so the
    // records of the last good page are still applied.
    const repeated = next !== null && seen.has(requestKey(next));
    yield { index, request, page, records, next: repeated ? null : next };

    if (stop !== undefined) return { pages, capped: stop === 'cap', stop };
    if (repeated) throw PAGINATION_LOOP({ page: pages, request: describeRequest(next!, options.redact) });
    seen.add(requestKey(next!));
    request = next!;
  }
}
