import type { ConnectorSlots } from '../connector/index.js';
import { cursorPaginator } from './paginators/cursor.js';
import { linkHeaderPaginator } from './paginators/link-header.js';
import { nonePaginator } from './paginators/none.js';
import { offsetPaginator } from './paginators/offset.js';
import { pagePaginator } from './paginators/page.js';

/**
 * Core's paginators under their bare ids, in the same slot shape plugins fill. The composition
 * root passes them to `createComponentRegistry` as built-ins.
 * @example
 * const registry = createComponentRegistry({ auth: BUILTIN_AUTH, paginators: BUILTIN_PAGINATORS }, plugins);
 * const paginator = registry.get('paginators', 'cursor')!.definition.create(options as never, ctx);
 */
export const BUILTIN_PAGINATORS: NonNullable<ConnectorSlots['paginators']> = {
  none: nonePaginator,
  link_header: linkHeaderPaginator,
  cursor: cursorPaginator,
  offset: offsetPaginator,
  page: pagePaginator,
};
