import { definePaginator, type ComponentDefinition, type PaginatorRuntime } from '../../connector/index.js';

/**
 * `none`: the stream is one request.
 * @example
 * nonePaginator.create({}, ctx).next(page, records); // null
 */
export const nonePaginator: ComponentDefinition<Record<string, never>, PaginatorRuntime> = definePaginator<Record<string, never>>({
  meta: {
    type: 'none',
    description: 'One request, no further pages.',
    schema: { type: 'object', additionalProperties: false, properties: {} },
  },
  create: () => ({ next: () => null }),
});
