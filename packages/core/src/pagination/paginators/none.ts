import { definePaginator, type ComponentDefinition, type PaginatorRuntime } from '../../connector/index.js';
import { Type } from '../../json-schema/index.js';

/**
 * `none`: the stream is one request.
 * @example
 * nonePaginator.create({}, ctx).next(page, records); // null
 */
export const nonePaginator: ComponentDefinition<Record<string, never>, PaginatorRuntime> = definePaginator<Record<string, never>>({
  meta: {
    type: 'none',
    description: 'One request, no further pages.',
    schema: Type.Object({}, { additionalProperties: false }),
  },
  create: () => ({ next: () => null }),
});
