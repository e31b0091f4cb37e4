/**
 * `shopify/throttled`: the GraphQL Admin API refuses a query the points bucket has no room for
 * with `{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}]}`, mostly as HTTP 200
 * (sometimes 429). This classifier makes that a rate limit, retried, and says how long to wait:
 * the points missing (the query's requested cost less those available) at the restore rate, from
 * the answer's own throttle status, rather than a blind backoff.
 */
import { defineErrorClassifier, type Classification, type ErrorClass, type ErrorClassifierRuntime, type JsonSchema, type ReceivedPage } from '@connectd/core/connector';
import { graphqlRequestOf, isThrottled, queryCostOf } from './graphql-cost-data.js';
import { estimateQueryCost } from './query-cost.js';

/** Options of `error_classifier: { type: shopify/throttled }`: none. */
export type ShopifyThrottledOptions = Record<string, never>;

const OPTIONS_SCHEMA: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

/**
 * How a THROTTLED answer is classified: rate-limited, with the wait its throttle status implies
 * (none when the answer has no throttle status: `Retry-After` or core's backoff decide then).
 * @example
 * classifyThrottled(page); // { kind: 'rate-limited', retryAfterMs: 1_040 } for 52 points missing at 50/s
 */
export function classifyThrottled(page: ReceivedPage): ErrorClass | Classification {
  if (!isThrottled(page.body)) return 'ok';
  const cost = queryCostOf(page.body);
  const status = cost?.throttleStatus;
  if (status === undefined || !(status.restoreRate > 0)) return { kind: 'rate-limited' };
  const request = cost?.requestedQueryCost === undefined ? graphqlRequestOf(page.request) : undefined;
  const needed = cost?.requestedQueryCost ?? (request === undefined ? status.maximumAvailable : estimateQueryCost(request.query, request.variables, request.operationName));
  const missing = Math.min(needed, status.maximumAvailable) - status.currentlyAvailable;
  return { kind: 'rate-limited', retryAfterMs: Math.ceil((Math.max(0, missing) / status.restoreRate) * 1000) };
}

export const shopifyThrottled = defineErrorClassifier<ShopifyThrottledOptions>({
  meta: {
    type: 'throttled',
    description: 'Treats a GraphQL THROTTLED error (HTTP 200 or 429) as a rate limit and waits for the points its throttle status says are missing.',
    schema: OPTIONS_SCHEMA,
  },
  create: (): ErrorClassifierRuntime => ({ classify: classifyThrottled }),
});
