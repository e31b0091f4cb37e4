import { PAGINATION_CROSS_ORIGIN } from '../../errors/index.js';
import { definePaginator, type ComponentDefinition, type PaginatorRuntime } from '../../connector/index.js';
import { Type, type Static } from '../../json-schema/index.js';
import { PAGE_LIMIT_PROPERTIES } from '../limits.js';
import { findLink, parseLinkHeader } from '../link-header.js';

export const DEFAULT_LINK_REL = 'next';

const SCHEMA = Type.Object(
  { rel: Type.Optional(Type.String({ minLength: 1, description: 'Link relation to follow (default next).' })), ...PAGE_LIMIT_PROPERTIES },
  { additionalProperties: false },
);

/** Options of the `link_header` paginator. */
export type LinkHeaderOptions = Static<typeof SCHEMA>;

/**
 * `link_header`: follows the `Link` response header's `rel="next"` link (RFC 8288), resolving a
 * relative target against the request URL. A link to another origin is refused
 * (CONNECTD_ERR_PAGINATION_CROSS_ORIGIN): the next request would carry the connection's credentials.
 * @example
 * const paginator = linkHeaderPaginator.create({}, ctx);
 * paginator.next(page, records); // { ...page.request, url: 'https://x.test/items?page=3' } or null
 */
export const linkHeaderPaginator: ComponentDefinition<LinkHeaderOptions, PaginatorRuntime> = definePaginator<LinkHeaderOptions>({
  meta: {
    type: 'link_header',
    description: 'Follows the Link response header (RFC 8288), rel="next" by default.',
    schema: SCHEMA,
  },
  create(options) {
    const rel = options.rel ?? DEFAULT_LINK_REL;
    return {
      next(page) {
        const url = findLink(parseLinkHeader(page.headers['link']), rel, page.request.url);
        if (url === undefined) return null;
        const from = new URL(page.request.url).origin;
        const to = new URL(url).origin;
        if (from !== to) throw PAGINATION_CROSS_ORIGIN({ from, to });
        return { ...page.request, url };
      },
    };
  },
});
