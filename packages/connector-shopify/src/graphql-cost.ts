/**
 * `shopify/graphql-cost`: paces a connection by the GraphQL Admin API's calculated query cost.
 * Each request is priced before it is sent (the query's `requestedQueryCost` learned from an
 * earlier answer, else estimated from the query text), and every answer's `throttleStatus` is
 * handed to core's limiter, which waits until the points are there instead of being throttled.
 */
import { defineRateLimitAdapter, type JsonSchema, type OutgoingRequest, type RateLimitAdapterRuntime, type RateLimitBudget, type ReceivedPage } from '@connectd/core/connector';
import { costKey, graphqlRequestOf, queryCostOf } from './graphql-cost-data.js';
import { estimateQueryCost } from './query-cost.js';

/** Options of `rate_limit: { adapter: { type: shopify/graphql-cost } }`: none. */
export type ShopifyGraphqlCostOptions = Record<string, never>;

/** Distinct (query, page size) pairs remembered; a connector declares a handful, so this only bounds a mistake. */
export const MAX_REMEMBERED_QUERIES = 512;

const OPTIONS_SCHEMA: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

/** A map that forgets its oldest entry past `MAX_REMEMBERED_QUERIES`. */
class Bounded<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > MAX_REMEMBERED_QUERIES) this.delete(this.keys().next().value as string);
    return this;
  }
}

/**
 * The adapter of one connection. Prices a query by what Shopify last reported as its requested
 * cost at the same page size, which is exact (the requested cost depends on the text and `first`
 * only); before that answer, by Shopify's cost model applied to the text (`estimateQueryCost`).
 */
export class ShopifyGraphqlCost implements RateLimitAdapterRuntime {
  readonly #learned = new Bounded<number>();
  readonly #estimated = new Bounded<number>();

  costOf(request: OutgoingRequest): number | undefined {
    const graphql = graphqlRequestOf(request);
    if (graphql === undefined) return undefined;
    const key = costKey(graphql);
    const learned = this.#learned.get(key);
    if (learned !== undefined) return learned;
    let estimate = this.#estimated.get(key);
    if (estimate === undefined) {
      estimate = estimateQueryCost(graphql.query, graphql.variables, graphql.operationName);
      this.#estimated.set(key, estimate);
    }
    return estimate;
  }

  observe(page: ReceivedPage): RateLimitBudget | undefined {
    const cost = queryCostOf(page.body);
    if (cost === undefined) return undefined;
    const graphql = cost.requestedQueryCost === undefined ? undefined : graphqlRequestOf(page.request);
    if (graphql !== undefined && cost.requestedQueryCost !== undefined) this.#learned.set(costKey(graphql), cost.requestedQueryCost);
    const status = cost.throttleStatus;
    if (status === undefined) return undefined;
    return {
      available: status.currentlyAvailable,
      maximum: status.maximumAvailable,
      restorePerSecond: status.restoreRate,
      remainingRatio: status.maximumAvailable > 0 ? status.currentlyAvailable / status.maximumAvailable : 0,
    };
  }
}

/**
 * @example
 * // connectors.yaml
 * // rate_limit: { adapter: { type: shopify/graphql-cost } }
 * // error_classifier: { type: shopify/throttled }
 */
export const shopifyGraphqlCost = defineRateLimitAdapter<ShopifyGraphqlCostOptions>({
  meta: {
    type: 'graphql-cost',
    description: "Paces GraphQL Admin API calls by Shopify's calculated query cost: waits for the points a query needs, read from extensions.cost.throttleStatus.",
    schema: OPTIONS_SCHEMA,
  },
  create: () => new ShopifyGraphqlCost(),
});
