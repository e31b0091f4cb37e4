import type { V2Context } from './api-context.js';
import { BodyReader } from './body-reader.js';
import type { FakeAnswer, RecordedRequest } from './core-test-kit.js';
import { pageWithCursor } from './cursors.js';
import type { SquarePayment } from './order-types.js';
import { fingerprintOf } from './pagination.js';
import { invalidRequest, listBody, squareJson } from './replies.js';
import { DAY_MS } from './time.js';

/** ListPayments' largest (and default) `limit`; a larger one "is ignored and the default value is used". */
export const MAX_SQUARE_PAYMENTS_LIMIT = 100;
/** Without `begin_time`, ListPayments starts one year before now. */
const DEFAULT_LOOKBACK_MS = 365 * DAY_MS;

/**
 * `GET /v2/payments?begin_time&end_time&sort_order&cursor&limit&location_id&total`: payments
 * created in `[begin_time, end_time]` (defaults: a year ago, and the walk's first request), newest
 * first unless `sort_order=ASC`, at most 100 a page, the cursor in the query. Without
 * `location_id` only the seller's main location is listed, as Square documents.
 * @example
 * listPayments(context, request); // { payments: [...], cursor?: '…' }
 */
export function listPayments(context: V2Context, request: RecordedRequest): FakeAnswer {
  const read = BodyReader.fromQuery(request.query);
  const beginMs = read.time('begin_time');
  const endMs = read.time('end_time');
  const sortOrder = read.enumValue('sort_order', ['ASC', 'DESC'] as const, 'INVALID_SORT_ORDER') ?? 'DESC';
  const limit = Math.min(read.integer('limit', 1) ?? MAX_SQUARE_PAYMENTS_LIMIT, MAX_SQUARE_PAYMENTS_LIMIT);
  const total = read.integer('total');
  const locationId = read.string('location_id') ?? context.merchant.merchant().main_location_id;
  if (read.refusal !== undefined) return read.refusal;
  if (locationId !== null && context.merchant.location(locationId) === undefined) return invalidRequest('INVALID_VALUE', `Location ${locationId} does not belong to this seller`, 'location_id');
  const { cursor, limit: _limit, ...query } = Object.fromEntries(request.query);
  const matches = (startedAt: number) => (payment: SquarePayment): boolean => {
    const created = Date.parse(payment.created_at);
    return (
      payment.location_id === locationId &&
      created >= (beginMs ?? startedAt - DEFAULT_LOOKBACK_MS) &&
      created <= (endMs ?? startedAt) &&
      (total === undefined || payment.total_money.amount === total)
    );
  };
  const page = pageWithCursor({
    book: context.cursors,
    scope: { route: 'GET /v2/payments', merchantId: context.merchant.id, fingerprint: fingerprintOf(query) },
    cursor,
    select: (startedAt) => context.merchant.payments.list().filter(matches(startedAt)),
    keyOf: (payment) => [Date.parse(payment.created_at), payment.id],
    order: sortOrder,
    limit,
  });
  if ('refusal' in page) return page.refusal;
  return squareJson(listBody({ payments: page.items, cursor: page.cursor }));
}
