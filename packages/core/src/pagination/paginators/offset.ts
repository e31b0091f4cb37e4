import { definePaginator, type ComponentDefinition, type PaginatorRuntime } from '../../connector/index.js';
import { LIMIT_SCHEMA_PROPERTIES, type PageLimitOptions } from '../limits.js';
import { getQueryParam, setQueryParams } from '../query-params.js';
import { counterIn } from './counter.js';

/** Options of the `offset` paginator. */
export interface OffsetOptions extends PageLimitOptions {
  /** Offset parameter. Default `offset`. */
  readonly param?: string;
  /** Page-size parameter. Default `limit`. */
  readonly limit_param?: string;
  /** Page size. Default {@link DEFAULT_OFFSET_LIMIT}. */
  readonly limit?: number;
}

export const DEFAULT_OFFSET_LIMIT = 100;

/**
 * `offset`: `offset=0&limit=100`, then `offset=100`... The first request gets both parameters
 * (an offset already in the declared query is kept as the start). The offset advances by the
 * number of records received, not by `limit`, so a vendor that caps the page size lower than
 * asked loses no records.
 * @example
 * const paginator = offsetPaginator.create({ limit: 50 }, ctx);
 * paginator.first!(request).url; // …?offset=0&limit=50
 */
export const offsetPaginator: ComponentDefinition<OffsetOptions, PaginatorRuntime> = definePaginator<OffsetOptions>({
  meta: {
    type: 'offset',
    description: 'Offset and limit query parameters.',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        param: { type: 'string', minLength: 1, description: 'Offset parameter (default offset).' },
        limit_param: { type: 'string', minLength: 1, description: 'Page-size parameter (default limit).' },
        limit: { type: 'integer', minimum: 1, description: 'Page size (default 100).' },
        ...LIMIT_SCHEMA_PROPERTIES,
      },
    },
  },
  create(options) {
    const param = options.param ?? 'offset';
    const limitParam = options.limit_param ?? 'limit';
    const limit = options.limit ?? DEFAULT_OFFSET_LIMIT;
    return {
      pageSize: limit,
      first: (request) => ({
        ...request,
        url: setQueryParams(request.url, {
          [param]: getQueryParam(request.url, param) ?? '0',
          [limitParam]: String(limit),
        }),
      }),
      next(page, records) {
        const offset = counterIn(page.request.url, param, 0);
        // An empty page cannot move the offset by what it returned; step by the asked size instead.
        const step = records.length > 0 ? records.length : limit;
        return { ...page.request, url: setQueryParams(page.request.url, { [param]: String(offset + step) }) };
      },
    };
  },
});
