/**
 * Stop conditions shared by every built-in paginator's options (`stop_on_empty`,
 * `stop_on_short_page`, `max_pages`), their defaults, and their schema fragment.
 */
import { Type, type Static } from '../json-schema/index.js';

/** Page cap per run; also what bounds a vendor that keeps answering with new cursors. */
export const DEFAULT_MAX_PAGES = 10_000;
export const DEFAULT_STOP_ON_EMPTY = true;
export const DEFAULT_STOP_ON_SHORT_PAGE = false;

/** Properties every built-in paginator schema except `none` includes. */
export const PAGE_LIMIT_PROPERTIES = {
  stop_on_empty: Type.Optional(Type.Boolean({ description: 'Stop when a page has no records (default true).' })),
  stop_on_short_page: Type.Optional(Type.Boolean({ description: 'Stop when a page has fewer records than the page size (default false).' })),
  max_pages: Type.Optional(Type.Integer({ minimum: 1, description: 'Page cap per run; also the loop guard (default 10000).' })),
};

/** The stop options as they appear in a paginator's YAML options. */
export type PageLimitOptions = Static<ReturnType<typeof Type.Object<typeof PAGE_LIMIT_PROPERTIES>>>;

/** The walker options {@link walkLimits} derives from paginator options. */
export interface WalkLimits {
  readonly maxPages: number;
  readonly stopOnEmpty: boolean;
  /** Present when short pages end the run; the size comes from the paginator unless given. */
  readonly stopOnShortPage?: { readonly pageSize?: number };
}

/**
 * Reads the stop options out of a paginator's options (built-in or plugin; unknown or mistyped
 * fields fall back to the defaults), ready to spread into `paginate()`.
 * @example
 * paginate({ first, send, paginator, records, ...walkLimits(stream.pagination) });
 */
export function walkLimits(options: Readonly<Record<string, unknown>> | undefined): WalkLimits {
  const maxPages = options?.['max_pages'];
  const stopOnEmpty = options?.['stop_on_empty'];
  const stopOnShort = options?.['stop_on_short_page'];
  const limits = {
    maxPages: typeof maxPages === 'number' && Number.isInteger(maxPages) && maxPages >= 1 ? maxPages : DEFAULT_MAX_PAGES,
    stopOnEmpty: typeof stopOnEmpty === 'boolean' ? stopOnEmpty : DEFAULT_STOP_ON_EMPTY,
  };
  const short = typeof stopOnShort === 'boolean' ? stopOnShort : DEFAULT_STOP_ON_SHORT_PAGE;
  return short ? { ...limits, stopOnShortPage: {} } : limits;
}
