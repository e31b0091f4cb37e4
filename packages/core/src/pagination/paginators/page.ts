import { definePaginator, type ComponentDefinition, type PaginatorRuntime } from '../../connector/index.js';
import { LIMIT_SCHEMA_PROPERTIES, type PageLimitOptions } from '../limits.js';
import { getQueryParam, setQueryParams } from '../query-params.js';
import { counterIn } from './counter.js';

/** Options of the `page` paginator. */
export interface PageOptions extends PageLimitOptions {
  /** Page-number parameter. Default `page`. */
  readonly param?: string;
  /** Page-size parameter. Default `per_page`. */
  readonly size_param?: string;
  /** Page size. Default {@link DEFAULT_PAGE_SIZE}. */
  readonly size?: number;
  /** First page number. Default {@link DEFAULT_FIRST_PAGE}. */
  readonly start?: number;
}

export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_FIRST_PAGE = 1;

/**
 * `page`: `page=1&per_page=100`, then `page=2`... The first request gets both parameters (a page
 * number already in the declared query is kept as the start).
 * @example
 * const paginator = pagePaginator.create({ start: 0, size: 25 }, ctx);
 * paginator.first!(request).url; // …?page=0&per_page=25
 */
export const pagePaginator: ComponentDefinition<PageOptions, PaginatorRuntime> = definePaginator<PageOptions>({
  meta: {
    type: 'page',
    description: 'Page-number and page-size query parameters.',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        param: { type: 'string', minLength: 1, description: 'Page-number parameter (default page).' },
        size_param: { type: 'string', minLength: 1, description: 'Page-size parameter (default per_page).' },
        size: { type: 'integer', minimum: 1, description: 'Page size (default 100).' },
        start: { type: 'integer', minimum: 0, description: 'First page number (default 1).' },
        ...LIMIT_SCHEMA_PROPERTIES,
      },
    },
  },
  create(options) {
    const param = options.param ?? 'page';
    const sizeParam = options.size_param ?? 'per_page';
    const size = options.size ?? DEFAULT_PAGE_SIZE;
    const start = options.start ?? DEFAULT_FIRST_PAGE;
    return {
      pageSize: size,
      first: (request) => ({
        ...request,
        url: setQueryParams(request.url, {
          [param]: getQueryParam(request.url, param) ?? String(start),
          [sizeParam]: String(size),
        }),
      }),
      next(page) {
        const current = counterIn(page.request.url, param, start);
        return { ...page.request, url: setQueryParams(page.request.url, { [param]: String(current + 1) }) };
      },
    };
  },
});
