import type { V2Context } from './api-context.js';
import { BodyReader, parseJsonBody } from './body-reader.js';
import type { FakeAnswer, RecordedRequest } from './core-test-kit.js';
import { pageWithCursor } from './cursors.js';
import { fingerprintOf } from './pagination.js';
import { listBody, squareJson } from './replies.js';
import { SQUARE_INVENTORY_STATES, type SquareInventoryCount } from './types.js';

/** BatchRetrieveInventoryCounts' `limit` range (spec: minimum 1, maximum 1000). */
export const MAX_SQUARE_INVENTORY_LIMIT = 1000;
/** Page size without `limit`: Square does not document it; the fake uses the maximum. */
export const DEFAULT_SQUARE_INVENTORY_LIMIT = MAX_SQUARE_INVENTORY_LIMIT;

/** An empty filter array filters nothing, like an absent one ("applicable only when set"). */
const asFilter = (values: readonly string[] | undefined): ReadonlySet<string> | undefined => (values === undefined || values.length === 0 ? undefined : new Set(values));

/**
 * `POST /v2/inventory/counts/batch-retrieve`: current counts filtered by `catalog_object_ids`,
 * `location_ids`, `states` and `updated_after` (counts whose `calculated_at` is strictly later),
 * newest `calculated_at` first, `limit` 1..1000 and `cursor` in the body.
 * @example
 * batchRetrieveInventoryCounts(context, request); // { counts: [...], cursor?: '…' }
 */
export function batchRetrieveInventoryCounts(context: V2Context, request: RecordedRequest): FakeAnswer {
  const parsed = parseJsonBody(request.text());
  if ('refusal' in parsed) return parsed.refusal;
  const read = new BodyReader(parsed.body);
  const objectIds = asFilter(read.stringArray('catalog_object_ids'));
  const locationIds = asFilter(read.stringArray('location_ids'));
  const states = asFilter(read.enumArray('states', SQUARE_INVENTORY_STATES));
  const updatedAfterMs = read.time('updated_after');
  const limit = read.integer('limit', 1, MAX_SQUARE_INVENTORY_LIMIT) ?? DEFAULT_SQUARE_INVENTORY_LIMIT;
  const cursor = read.string('cursor');
  if (read.refusal !== undefined) return read.refusal;
  const matches = (count: SquareInventoryCount): boolean =>
    (objectIds === undefined || objectIds.has(count.catalog_object_id)) &&
    (locationIds === undefined || locationIds.has(count.location_id)) &&
    (states === undefined || states.has(count.state)) &&
    (updatedAfterMs === undefined || Date.parse(count.calculated_at) > updatedAfterMs);
  const { cursor: _cursor, limit: _limit, ...query } = parsed.body;
  const page = pageWithCursor({
    book: context.cursors,
    scope: { route: 'POST /v2/inventory/counts/batch-retrieve', merchantId: context.merchant.id, fingerprint: fingerprintOf(query) },
    cursor,
    select: () => context.merchant.inventory.list().filter(matches),
    keyOf: (count) => [Date.parse(count.calculated_at), count.catalog_object_id, count.location_id, count.state],
    order: 'DESC',
    limit,
  });
  if ('refusal' in page) return page.refusal;
  return squareJson(listBody({ counts: page.items, cursor: page.cursor }));
}
