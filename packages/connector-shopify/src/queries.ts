/**
 * The GraphQL Admin API queries of the `shopify/graphql` preset. Page sizes keep each query's
 * requested cost under Shopify's single-query maximum of 1000 points (a connection costs
 * 2 + first × its node's cost, an object 1, scalars 0): what a page may ask for is bounded by that
 * cost, not by the 250-node limit. Ids are read as `legacyResourceId` strings, the same ids REST
 * webhooks carry, so both reach the same rows.
 */

/** Every location that can hold stock: fulfilment-service ("legacy") and inactive ones included. 2 + 250 × 2 = 502 points. */
export const LOCATIONS_QUERY = `query Locations($first: Int!, $after: String) {
  locations(first: $first, after: $after, includeLegacy: true, includeInactive: true) {
    nodes {
      legacyResourceId
      name
      isActive
      isFulfillmentService
      address { address1 address2 city zip provinceCode countryCode }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Variants with their product and inventory item. 2 + 250 × 3 = 752 points. */
export const VARIANTS_QUERY = `query Variants($first: Int!, $after: String, $search: String) {
  productVariants(first: $first, after: $after, query: $search, sortKey: ID) {
    nodes {
      legacyResourceId
      sku
      title
      price
      barcode
      updatedAt
      product { title status }
      inventoryItem { legacyResourceId }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** One location's `available` quantities, by inventory item. 1 + 2 + 200 × 4 = 803 points. */
export const LEVELS_QUERY = `query Levels($location: ID!, $first: Int!, $after: String, $search: String) {
  location(id: $location) {
    inventoryLevels(first: $first, after: $after, query: $search) {
      nodes {
        updatedAt
        location { legacyResourceId }
        item { legacyResourceId }
        quantities(names: ["available"]) { quantity }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/**
 * Orders and their lines. 2 + 5 × (1 + 2 + 40 × 4) = 817 points: five orders a page, forty lines
 * an order (an order with more lines keeps its first forty; see README).
 */
export const ORDERS_QUERY = `query Orders($first: Int!, $after: String, $search: String) {
  orders(first: $first, after: $after, query: $search, sortKey: UPDATED_AT) {
    nodes {
      legacyResourceId
      name
      createdAt
      updatedAt
      processedAt
      cancelledAt
      currencyCode
      displayFinancialStatus
      displayFulfillmentStatus
      lineItems(first: 40) {
        nodes {
          id
          sku
          quantity
          variant { legacyResourceId }
          originalUnitPriceSet { shopMoney { amount currencyCode } }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Page sizes the queries above are priced with. */
export const PAGE_SIZE = { locations: 250, variants: 250, levels: 200, orders: 5 } as const;
