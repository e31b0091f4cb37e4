import { definePaginator, type ComponentDefinition, type PaginatorRuntime } from '../../connector/index.js';
import { Type, type Static } from '../../json-schema/index.js';
import { PAGE_LIMIT_PROPERTIES } from '../limits.js';
import { counterPaginator } from './counter.js';

export const DEFAULT_OFFSET_LIMIT = 100;

const SCHEMA = Type.Object(
  {
    param: Type.Optional(Type.String({ minLength: 1, description: 'Offset parameter (default offset).' })),
    limit_param: Type.Optional(Type.String({ minLength: 1, description: 'Page-size parameter (default limit).' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Page size (default 100).' })),
    ...PAGE_LIMIT_PROPERTIES,
  },
  { additionalProperties: false },
);

/** Options of the `offset` paginator. */
export type OffsetOptions = Static<typeof SCHEMA>;

/**
 * `offset`: `offset=0&limit=100`, then `offset=100`... The offset advances by the number of
 * records received, not by `limit`, so a vendor that caps the page size lower than asked loses no
 * records; an empty page steps by the asked size.
 * @example
 * const paginator = offsetPaginator.create({ limit: 50 }, ctx);
 * paginator.first!(request).url; // …?offset=0&limit=50
 */
export const offsetPaginator: ComponentDefinition<OffsetOptions, PaginatorRuntime> = definePaginator<OffsetOptions>({
  meta: { type: 'offset', description: 'Offset and limit query parameters.', schema: SCHEMA },
  create(options) {
    const limit = options.limit ?? DEFAULT_OFFSET_LIMIT;
    return counterPaginator({
      param: options.param ?? 'offset',
      sizeParam: options.limit_param ?? 'limit',
      size: limit,
      start: 0,
      advance: (offset, records) => offset + (records.length > 0 ? records.length : limit),
    });
  },
});
