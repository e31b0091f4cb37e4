/** Shared by `offset` and `page`: a counter in the query string, set on the first request and advanced per page. */
import type { OutgoingRequest, PaginatorRuntime, ReceivedPage } from '../../connector/index.js';
import { PAGINATION_PARAM_INVALID } from '../../errors/index.js';
import { getQueryParam, setQueryParams } from '../query-params.js';

/**
 * The non-negative integer in query parameter `param` of `url`, or `fallback` when it is absent.
 * Throws CONNECTD_ERR_PAGINATION_PARAM_INVALID for anything else.
 */
export function counterIn(url: string, param: string, fallback: number): number {
  const raw = getQueryParam(url, param);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw PAGINATION_PARAM_INVALID({ param, value: raw.slice(0, 40) });
  return Number(raw);
}

/** How one counter paginator names and moves its counter. */
export interface CounterSpec {
  /** Query parameter of the counter (`offset`, `page`). */
  readonly param: string;
  /** Query parameter of the page size (`limit`, `per_page`). */
  readonly sizeParam: string;
  readonly size: number;
  /** The counter of the first request when the declared query has none. */
  readonly start: number;
  /** The next counter after a page that returned `records` records. */
  advance(current: number, records: readonly unknown[]): number;
}

/**
 * The runtime of a counter paginator: the first request gets the counter (a value already in the
 * declared query is kept as the start) and the page size, each next request the advanced counter.
 * @example
 * counterPaginator({ param: 'page', sizeParam: 'per_page', size: 100, start: 1, advance: (n) => n + 1 });
 */
export function counterPaginator(spec: CounterSpec): PaginatorRuntime {
  return {
    pageSize: spec.size,
    first: (request: OutgoingRequest) => ({
      ...request,
      url: setQueryParams(request.url, {
        [spec.param]: getQueryParam(request.url, spec.param) ?? String(spec.start),
        [spec.sizeParam]: String(spec.size),
      }),
    }),
    next(page: ReceivedPage, records: readonly unknown[]) {
      const current = counterIn(page.request.url, spec.param, spec.start);
      return { ...page.request, url: setQueryParams(page.request.url, { [spec.param]: String(spec.advance(current, records)) }) };
    },
  };
}
