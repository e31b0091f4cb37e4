/**
 * `netsuite/suiteql`: SuiteQL's paging. `limit` (at most 1000) and `offset` travel in the query
 * string of the POST; NetSuite wants the offset to be a multiple of the limit, so it advances by
 * the limit (not by the rows received), and the run ends when the page says `hasMore: false`.
 */
import { definePaginator, type JsonSchema, type OutgoingRequest, type PaginatorRuntime, type ReceivedPage } from '@connectd/core/connector';
import { NETSUITE_NOT_SUITEQL_PAGE } from './errors.js';

/** SuiteQL's largest page. */
export const SUITEQL_MAX_LIMIT = 1000;

export interface SuiteqlPagingOptions {
  /** Rows per page, 1..1000 (default 1000). */
  readonly limit?: number;
  /** Core's page cap, read by the engine. */
  readonly max_pages?: number;
}

const SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: SUITEQL_MAX_LIMIT, description: `Rows per page (default ${SUITEQL_MAX_LIMIT}).` },
    max_pages: { type: 'integer', minimum: 1, description: 'Page cap per run (default: the engine default).' },
  },
};

function withPaging(request: OutgoingRequest, limit: number, offset: number): OutgoingRequest {
  const url = new URL(request.url);
  url.searchParams.set('limit', String(limit));
  url.searchParams.set('offset', String(offset));
  return { ...request, url: url.href };
}

const offsetOf = (url: string): number => Number(new URL(url).searchParams.get('offset') ?? '0') || 0;

/**
 * True when a SuiteQL page says more rows follow; throws when the body is not a SuiteQL page, so
 * a wrong endpoint fails loudly instead of ending as an empty stream.
 */
function hasMore(page: ReceivedPage): boolean {
  const body = page.body as { hasMore?: unknown } | null;
  if (typeof body !== 'object' || body === null || typeof body.hasMore !== 'boolean') throw NETSUITE_NOT_SUITEQL_PAGE({ url: new URL(page.request.url).pathname });
  return body.hasMore;
}

/**
 * `pagination: { type: netsuite/suiteql, limit: 500 }` (the preset sets it for every stream).
 * @example
 * const paging = suiteqlPaginator.create({ limit: 2 }, ctx);
 * paging.first!(request).url; // …/suiteql?limit=2&offset=0
 */
export const suiteqlPaginator = definePaginator<SuiteqlPagingOptions>({
  meta: { type: 'suiteql', description: 'SuiteQL limit/offset paging that stops when hasMore is false.', schema: SCHEMA },
  create(options): PaginatorRuntime {
    const limit = options.limit ?? SUITEQL_MAX_LIMIT;
    return {
      pageSize: limit,
      first: (request) => withPaging(request, limit, 0),
      next: (page) => (hasMore(page) ? withPaging(page.request, limit, offsetOf(page.request.url) + limit) : null),
    };
  },
});
