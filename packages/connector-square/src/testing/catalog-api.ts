import type { V2Context } from './api-context.js';
import { BodyReader, parseJsonBody } from './body-reader.js';
import type { FakeAnswer, RecordedRequest } from './core-test-kit.js';
import { pageWithCursor } from './cursors.js';
import { fingerprintOf } from './pagination.js';
import { invalidRequest, listBody, squareJson } from './replies.js';
import type { SquareCatalogObject, SquareCatalogObjectType } from './types.js';

/** ListCatalog's page size: fixed, no `limit` parameter ("The page size is currently set to be 100"). */
export const SQUARE_CATALOG_LIST_PAGE_SIZE = 100;
/** SearchCatalogObjects' page size when `limit` is absent or ignored (Square does not document it). */
export const DEFAULT_SQUARE_CATALOG_SEARCH_LIMIT = 100;
/** SearchCatalogObjects ignores a `limit` above this (or ≤ 0): the limit is advisory. */
export const MAX_SQUARE_CATALOG_SEARCH_LIMIT = 1000;

/** `CatalogObjectType` values: others are refused, these are valid even when the fake stores none of them. */
const CATALOG_OBJECT_TYPES = [
  'ITEM', 'IMAGE', 'CATEGORY', 'ITEM_VARIATION', 'TAX', 'DISCOUNT', 'MODIFIER_LIST', 'MODIFIER', 'PRICING_RULE', 'PRODUCT_SET',
  'TIME_PERIOD', 'MEASUREMENT_UNIT', 'SUBSCRIPTION_PLAN_VARIATION', 'ITEM_OPTION', 'ITEM_OPTION_VAL', 'CUSTOM_ATTRIBUTE_DEFINITION',
  'QUICK_AMOUNTS_SETTINGS', 'SUBSCRIPTION_PLAN', 'AVAILABILITY_PERIOD',
] as const;
type CatalogObjectType = (typeof CATALOG_OBJECT_TYPES)[number];
/** Without `types`, Square lists top-level types only: of those the fake stores, ITEM (variations are nested). */
const DEFAULT_TYPES: readonly SquareCatalogObjectType[] = ['ITEM'];

const stored = (types: readonly CatalogObjectType[]): SquareCatalogObjectType[] =>
  types.filter((type): type is SquareCatalogObjectType => type === 'ITEM' || type === 'ITEM_VARIATION');
const byId = (object: SquareCatalogObject): readonly string[] => [object.id];

/**
 * `GET /v2/catalog/list?types=ITEM,ITEM_VARIATION&cursor=`: live objects of the types asked
 * (case-insensitive, comma-separated), in pages of exactly 100, the cursor in the query. Deleted
 * objects never appear (SearchCatalogObjects with `include_deleted_objects` shows them).
 * @example
 * listCatalog(context, request); // { objects: [...100], cursor: '…' }
 */
export function listCatalog(context: V2Context, request: RecordedRequest): FakeAnswer {
  const rawTypes = request.query.get('types');
  const asked = rawTypes === null ? [...DEFAULT_TYPES] : rawTypes.split(',').map((type) => type.trim().toUpperCase()).filter((type) => type !== '');
  const unknown = asked.find((type) => !(CATALOG_OBJECT_TYPES as readonly string[]).includes(type));
  if (unknown !== undefined) return invalidRequest('INVALID_ENUM_VALUE', `${unknown} is not a catalog object type`, 'types');
  const types = stored(asked as CatalogObjectType[]);
  const page = pageWithCursor({
    book: context.cursors,
    scope: { route: 'GET /v2/catalog/list', merchantId: context.merchant.id, fingerprint: fingerprintOf([...new Set(asked)].sort()) },
    cursor: request.query.get('cursor') ?? undefined,
    select: () => context.merchant.catalog.objects({ types, includeDeleted: false }),
    keyOf: byId,
    order: 'ASC',
    limit: SQUARE_CATALOG_LIST_PAGE_SIZE,
  });
  if ('refusal' in page) return page.refusal;
  return squareJson(listBody({ objects: page.items, cursor: page.cursor }));
}

/**
 * `POST /v2/catalog/search` (SearchCatalogObjects): `object_types`, `include_deleted_objects`
 * (deleted objects come with `is_deleted: true`), `begin_time` (objects changed strictly after
 * it), `limit` (advisory: ≤ 0 or > 1000 is ignored) and `cursor`, all in the JSON body. `query`
 * filters are not modelled: the fake refuses them rather than answer a wrong result.
 * @example
 * searchCatalogObjects(context, request); // { objects: [...], cursor?: '…' }
 */
export function searchCatalogObjects(context: V2Context, request: RecordedRequest): FakeAnswer {
  const parsed = parseJsonBody(request.text());
  if ('refusal' in parsed) return parsed.refusal;
  const read = new BodyReader(parsed.body);
  const asked = read.enumArray('object_types', CATALOG_OBJECT_TYPES);
  const includeDeleted = read.boolean('include_deleted_objects') ?? false;
  const beginMs = read.time('begin_time');
  const limit = read.integer('limit');
  const cursor = read.string('cursor');
  if (read.has('query')) read.refuse('BAD_REQUEST', 'The fake Square does not model catalog query filters', 'query');
  if (read.refusal !== undefined) return read.refusal;
  const types = asked === undefined || asked.length === 0 ? [...DEFAULT_TYPES] : stored(asked);
  const { cursor: _cursor, limit: _limit, ...query } = parsed.body;
  const page = pageWithCursor({
    book: context.cursors,
    scope: { route: 'POST /v2/catalog/search', merchantId: context.merchant.id, fingerprint: fingerprintOf(query) },
    cursor,
    select: () => context.merchant.catalog.objects({ types, includeDeleted, ...(beginMs === undefined ? {} : { changedAfterMs: beginMs }) }),
    keyOf: byId,
    order: 'ASC',
    limit: limit !== undefined && limit > 0 && limit <= MAX_SQUARE_CATALOG_SEARCH_LIMIT ? limit : DEFAULT_SQUARE_CATALOG_SEARCH_LIMIT,
  });
  if ('refusal' in page) return page.refusal;
  return squareJson(listBody({ objects: page.items, cursor: page.cursor }));
}
