import { PAGINATION_CURSOR_INVALID } from '../../errors/index.js';
import {
  definePaginator,
  type ComponentDefinition,
  type OutgoingRequest,
  type PaginatorRuntime,
  type ReceivedPage,
} from '../../connector/index.js';
import { compileBodyPath, kindOf, readPath, writableKeys } from '../body-path.js';
import { withJsonBodyValue } from '../json-body.js';
import { Type, words, type Static } from '../../json-schema/index.js';
import { PAGE_LIMIT_PROPERTIES } from '../limits.js';
import { setQueryParams } from '../query-params.js';

const SCHEMA = Type.Object(
  {
    from: Type.Optional(words(['body', 'header'], { description: 'Where the next cursor is read (default body).' })),
    path: Type.Optional(Type.String({ minLength: 1, description: 'Body path of the next cursor, e.g. $.cursor (when from: body).' })),
    header: Type.Optional(Type.String({ minLength: 1, description: 'Response header of the next cursor (when from: header).' })),
    param: Type.String({ minLength: 1, description: 'Name the cursor is sent under.' }),
    in: Type.Optional(words(['query', 'body'], { description: 'Where the cursor is sent (default query).' })),
    body_path: Type.Optional(
      Type.String({ minLength: 1, description: 'Where in the JSON body the cursor goes (when in: body), e.g. cursor or variables.after.' }),
    ),
    ...PAGE_LIMIT_PROPERTIES,
  },
  {
    additionalProperties: false,
    allOf: [
      { if: { properties: { from: { const: 'header' } }, required: ['from'] }, then: { required: ['header'] }, else: { required: ['path'] } },
      { if: { properties: { in: { const: 'body' } }, required: ['in'] }, then: { required: ['body_path'] } },
    ],
  },
);

/** Options of the `cursor` paginator. */
export type CursorOptions = Static<typeof SCHEMA>;

type Read = (page: ReceivedPage) => unknown;
type Write = (request: OutgoingRequest, cursor: string) => OutgoingRequest;

function reader(options: CursorOptions): { read: Read; source: string } {
  if (options.from === 'header') {
    const name = (options.header ?? '').toLowerCase();
    return {
      source: `header ${name}`,
      read: (page) => {
        const value = page.headers[name];
        return Array.isArray(value) ? value[0] : value;
      },
    };
  }
  const path = compileBodyPath(options.path ?? '');
  const parent = path.segments.slice(0, -1);
  return {
    source: `body path ${path.source}`,
    read: (page) => {
      // Relay connections (GraphQL) keep `endCursor` set on the last page and say `hasNextPage:
      // false` beside it; honouring that saves one empty request per run.
      if (path.segments.length > 0 && hasNoNextPage(readPath(page.body, parent))) return null;
      return path.get(page.body);
    },
  };
}

function hasNoNextPage(container: unknown): boolean {
  return typeof container === 'object' && container !== null && (container as Record<string, unknown>)['hasNextPage'] === false;
}

function writer(options: CursorOptions): Write {
  if (options.in === 'body') {
    const bodyPath = options.body_path ?? options.param;
    const keys = writableKeys(compileBodyPath(bodyPath));
    return (request, cursor) => withJsonBodyValue(request, keys, cursor, bodyPath);
  }
  return (request, cursor) => ({ ...request, url: setQueryParams(request.url, { [options.param]: cursor }) });
}

/**
 * `cursor`: reads the next cursor from a body path or a response header and sends it as a query
 * parameter or into the JSON body (`body_path: variables.after` is GraphQL's `pageInfo.endCursor`
 * pattern). A null, empty or absent cursor ends the stream, and so does `hasNextPage: false` beside
 * a body cursor (GraphQL Relay connections keep `endCursor` set on their last page). Paths are
 * parsed once, here.
 * @example
 * const paginator = cursorPaginator.create(
 *   { path: 'data.products.pageInfo.endCursor', param: 'after', in: 'body', body_path: 'variables.after' }, ctx);
 * paginator.next(page, records); // the request with variables.after set, or null on the last page
 */
export const cursorPaginator: ComponentDefinition<CursorOptions, PaginatorRuntime> = definePaginator<CursorOptions>({
  meta: {
    type: 'cursor',
    description: 'Next-page cursor read from a body path or header, sent as a query parameter or in the JSON body.',
    schema: SCHEMA,
  },
  create(options) {
    const { read, source } = reader(options);
    const write = writer(options);
    return {
      next(page) {
        const cursor = read(page);
        if (cursor === undefined || cursor === null || cursor === '') return null;
        if (typeof cursor === 'number' && Number.isFinite(cursor)) return write(page.request, String(cursor));
        if (typeof cursor !== 'string') {
          throw PAGINATION_CURSOR_INVALID({ source, found: kindOf(cursor) });
        }
        return write(page.request, cursor);
      },
    };
  },
});
