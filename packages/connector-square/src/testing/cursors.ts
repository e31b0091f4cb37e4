import type { FakeAnswer } from './core-test-kit.js';
import { pageAfter, type SortKey } from './pagination.js';
import { invalidRequest } from './replies.js';
import { MINUTE_MS } from './time.js';

/**
 * How long a cursor stays usable. Square documents only that pages have "a limited lifespan";
 * ten minutes is long enough for any test run and short enough to test with an injected clock.
 */
export const DEFAULT_SQUARE_CURSOR_TTL_MS = 10 * MINUTE_MS;

/** What a cursor is bound to: the endpoint, the merchant and the original query. */
export interface CursorScope {
  readonly route: string;
  readonly merchantId: string;
  /** {@link fingerprintOf} the request minus its cursor and limit. */
  readonly fingerprint: string;
}

/** Where a walk stands: after which key, and when its first page was asked for. */
export interface CursorPosition {
  readonly after: SortKey | undefined;
  /** Epoch ms of the walk's first request: the default end of its time range. */
  readonly startedAt: number;
}

interface Entry extends CursorScope {
  readonly after: SortKey;
  readonly startedAt: number;
  readonly issuedAt: number;
}

const invalidCursor = (detail: string): FakeAnswer => invalidRequest('INVALID_CURSOR', detail, 'cursor');

/**
 * The cursors handed out, server side: a cursor is an opaque random string naming an entry that
 * holds the walk's position and scope. It works until it expires (its own issue time plus the
 * lifetime) or {@link CursorBook.expireAll} runs, and may be used again meanwhile (a client retries
 * a page after a 5xx). An unknown, expired or foreign cursor, or one sent with another query,
 * answers 400 `INVALID_REQUEST_ERROR`/`INVALID_CURSOR`.
 * @example
 * const book = new CursorBook({ now: Date.now, newCursor: ids.cursor });
 * const start = book.resume(undefined, scope); // { after: undefined, startedAt: now }
 * const cursor = book.issue(scope, ['ITEM1'], start.startedAt);
 */
export class CursorBook {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #newCursor: () => string;
  #ttlMs: number;

  constructor(options: { readonly now: () => number; readonly newCursor: () => string; readonly ttlMs?: number }) {
    this.#now = options.now;
    this.#newCursor = options.newCursor;
    this.#ttlMs = options.ttlMs ?? DEFAULT_SQUARE_CURSOR_TTL_MS;
  }

  /** Changes the lifetime of cursors, those already issued included. */
  setTtlMs(ttlMs: number): void {
    if (!(ttlMs >= 0)) throw new RangeError(`fake square: cursor lifetime must be >= 0 ms, got ${ttlMs}`);
    this.#ttlMs = ttlMs;
  }

  /** A new cursor for the page after `after`. */
  issue(scope: CursorScope, after: SortKey, startedAt: number): string {
    const cursor = this.#newCursor();
    this.#entries.set(cursor, { ...scope, after, startedAt, issuedAt: this.#now() });
    return cursor;
  }

  /** The position a request starts from: the beginning without a cursor, else the cursor's, or a refusal. */
  resume(cursor: string | undefined, scope: CursorScope): CursorPosition | { readonly refusal: FakeAnswer } {
    if (cursor === undefined || cursor === '') return { after: undefined, startedAt: this.#now() };
    const entry = this.#entries.get(cursor);
    if (entry === undefined) return { refusal: invalidCursor('The cursor is not one this endpoint handed out, or it has expired') };
    if (this.#now() - entry.issuedAt > this.#ttlMs) {
      this.#entries.delete(cursor);
      return { refusal: invalidCursor('The cursor has expired; start the query again without a cursor') };
    }
    if (entry.route !== scope.route || entry.merchantId !== scope.merchantId) return { refusal: invalidCursor('The cursor belongs to another endpoint or seller') };
    if (entry.fingerprint !== scope.fingerprint) return { refusal: invalidCursor('The cursor was issued for a different query; send the original query with it') };
    return { after: entry.after, startedAt: entry.startedAt };
  }

  /** Every cursor handed out so far stops working; returns how many there were. */
  expireAll(): number {
    const count = this.#entries.size;
    this.#entries.clear();
    return count;
  }
}

/** What a list endpoint hands {@link pageWithCursor}. */
export interface CursorPageRequest<T> {
  readonly book: CursorBook;
  readonly scope: CursorScope;
  readonly cursor: string | undefined;
  /** The matching items; `startedAt` is when the walk began (the default end of a time range). */
  readonly select: (startedAt: number) => readonly T[];
  readonly keyOf: (item: T) => SortKey;
  readonly order: 'ASC' | 'DESC';
  readonly limit: number;
}

/**
 * Serves one page of a cursor walk: resumes the cursor (or refuses it), selects, pages by key, and
 * hands out a cursor only when more items follow (Square leaves `cursor` out on the last page).
 * @example
 * const page = pageWithCursor({ book, scope, cursor, select: () => objects, keyOf: (o) => [o.id], order: 'ASC', limit: 100 });
 * if ('refusal' in page) return page.refusal;
 */
export function pageWithCursor<T>(request: CursorPageRequest<T>): { readonly items: T[]; readonly cursor: string | undefined } | { readonly refusal: FakeAnswer } {
  const position = request.book.resume(request.cursor, request.scope);
  if ('refusal' in position) return position;
  const page = pageAfter(request.select(position.startedAt), request.keyOf, request.order, position.after, request.limit);
  const cursor = page.more && page.last !== undefined ? request.book.issue(request.scope, page.last, position.startedAt) : undefined;
  return { items: page.items, cursor };
}
