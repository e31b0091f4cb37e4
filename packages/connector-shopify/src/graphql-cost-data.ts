/**
 * What Shopify's GraphQL Admin API says about cost: the request's query and variables (to price it
 * before sending) and an answer's `extensions.cost` and THROTTLED error, read defensively (a body
 * that is not Shopify's GraphQL says nothing).
 */
import type { OutgoingRequest } from '@connectd/core/connector';

/** A GraphQL request body: `{ query, variables, operationName }`. */
export interface GraphqlRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string | undefined;
}

/** `extensions.cost.throttleStatus`: the points bucket after this request. */
export interface ThrottleStatus {
  readonly maximumAvailable: number;
  readonly currentlyAvailable: number;
  readonly restoreRate: number;
}

/** `extensions.cost` of an answer; `actualQueryCost` is null when the query was throttled. */
export interface QueryCost {
  readonly requestedQueryCost: number | undefined;
  readonly actualQueryCost: number | undefined;
  readonly throttleStatus: ThrottleStatus | undefined;
}

/** The error code Shopify gives a query the bucket has no room for. */
export const THROTTLED_CODE = 'THROTTLED';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const numberOf = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * The GraphQL query and variables a request sends, or undefined when its body is not a GraphQL
 * JSON body (a REST call on the same connection).
 * @example
 * graphqlRequestOf({ method: 'POST', url, headers: {}, body: '{"query":"{ shop { name } }"}' });
 * // { query: '{ shop { name } }', variables: {}, operationName: undefined }
 */
export function graphqlRequestOf(request: OutgoingRequest): GraphqlRequest | undefined {
  const { body } = request;
  if (body === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || typeof parsed['query'] !== 'string') return undefined;
  const variables = isObject(parsed['variables']) ? parsed['variables'] : {};
  const operationName = typeof parsed['operationName'] === 'string' ? parsed['operationName'] : undefined;
  return { query: parsed['query'], variables, operationName };
}

/**
 * A key for "this query at these sizes": the text, the operation and the numeric variables (the
 * `first` that sizes a page), not cursors or search strings, so every page of a walk shares it.
 */
export function costKey(request: GraphqlRequest): string {
  const sizes = Object.entries(request.variables)
    .filter(([, value]) => typeof value === 'number')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${request.operationName ?? ''}\n${JSON.stringify(sizes)}\n${request.query}`;
}

/** `extensions.cost` of a GraphQL answer, or undefined when there is none. */
export function queryCostOf(body: unknown): QueryCost | undefined {
  if (!isObject(body) || !isObject(body['extensions']) || !isObject(body['extensions']['cost'])) return undefined;
  const cost = body['extensions']['cost'];
  const status = cost['throttleStatus'];
  let throttleStatus: ThrottleStatus | undefined;
  if (isObject(status)) {
    const maximumAvailable = numberOf(status['maximumAvailable']);
    const currentlyAvailable = numberOf(status['currentlyAvailable']);
    const restoreRate = numberOf(status['restoreRate']);
    if (maximumAvailable !== undefined && currentlyAvailable !== undefined && restoreRate !== undefined) {
      throttleStatus = { maximumAvailable, currentlyAvailable, restoreRate };
    }
  }
  return { requestedQueryCost: numberOf(cost['requestedQueryCost']), actualQueryCost: numberOf(cost['actualQueryCost']), throttleStatus };
}

/** True when a GraphQL answer carries an error whose `extensions.code` is THROTTLED. */
export function isThrottled(body: unknown): boolean {
  if (!isObject(body) || !Array.isArray(body['errors'])) return false;
  return body['errors'].some((error) => isObject(error) && isObject(error['extensions']) && error['extensions']['code'] === THROTTLED_CODE);
}
