import { definePaginator, type ComponentDefinition, type PaginatorRuntime } from '../../connector/index.js';
import { Type, type Static } from '../../json-schema/index.js';
import { PAGE_LIMIT_PROPERTIES } from '../limits.js';
import { counterPaginator } from './counter.js';

export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_FIRST_PAGE = 1;

const SCHEMA = Type.Object(
  {
    param: Type.Optional(Type.String({ minLength: 1, description: 'Page-number parameter (default page).' })),
    size_param: Type.Optional(Type.String({ minLength: 1, description: 'Page-size parameter (default per_page).' })),
    size: Type.Optional(Type.Integer({ minimum: 1, description: 'Page size (default 100).' })),
    start: Type.Optional(Type.Integer({ minimum: 0, description: 'First page number (default 1).' })),
    ...PAGE_LIMIT_PROPERTIES,
  },
  { additionalProperties: false },
);

/** Options of the `page` paginator. */
export type PageOptions = Static<typeof SCHEMA>;

/**
 * `page`: `page=1&per_page=100`, then `page=2`...
 * @example
 * const paginator = pagePaginator.create({ start: 0, size: 25 }, ctx);
 * paginator.first!(request).url; // …?page=0&per_page=25
 */
export const pagePaginator: ComponentDefinition<PageOptions, PaginatorRuntime> = definePaginator<PageOptions>({
  meta: { type: 'page', description: 'Page-number and page-size query parameters.', schema: SCHEMA },
  create(options) {
    return counterPaginator({
      param: options.param ?? 'page',
      sizeParam: options.size_param ?? 'per_page',
      size: options.size ?? DEFAULT_PAGE_SIZE,
      start: options.start ?? DEFAULT_FIRST_PAGE,
      advance: (page) => page + 1,
    });
  },
});
