import { describe, expect, it } from 'vitest';
import { estimateQueryCost, SHOPIFY_MAX_PAGE_SIZE, SHOPIFY_MAX_QUERY_COST } from './query-cost.js';

describe("estimateQueryCost: Shopify's cost model from the query text", () => {
  it('costs an object 1 and its scalars nothing', () => {
    expect(estimateQueryCost('{ shop { id name timezoneOffsetMinutes } }')).toBe(1);
    expect(estimateQueryCost('query { shop { name billingAddress { city } } }')).toBe(2);
  });

  it('costs a connection 2 plus first × its node (edges/node or nodes)', () => {
    expect(estimateQueryCost('{ products(first: 10) { edges { cursor node { id title } } } }')).toBe(12);
    expect(estimateQueryCost('{ products(last: 250) { nodes { id } } }')).toBe(252);
  });

  it('multiplies nested connections, as in Shopify\'s worked example', () => {
    const query = '{ products(first: 10) { edges { node { title variants(first: 5) { edges { node { price } } } } } } }';
    expect(estimateQueryCost(query)).toBe(2 + 10 * (1 + (2 + 5 * 1)));
  });

  it('counts pageInfo once per connection, not per node', () => {
    expect(estimateQueryCost('{ locations(first: 50) { nodes { id } pageInfo { hasNextPage endCursor } } }')).toBe(2 + 50 + 1);
  });

  it('reads the page size from the variables, then from the declared default, else assumes the largest', () => {
    const query = 'query Items($first: Int = 20, $after: String) { items(first: $first, after: $after) { nodes { id } } }';
    expect(estimateQueryCost(query, { first: 100, after: 'abc' })).toBe(102);
    expect(estimateQueryCost(query, {})).toBe(22);
    expect(estimateQueryCost('query($n: Int) { items(first: $n) { nodes { id } } }', {})).toBe(2 + SHOPIFY_MAX_PAGE_SIZE);
  });

  it('follows fragments and aliases, and ignores braces in strings and comments', () => {
    const query = `
      # a comment with { braces }
      query Inventory($q: String = "updated_at:>'2024-01-01' {x}") {
        recent: inventoryItems(first: 3, query: $q) { nodes { ...Item } }
      }
      fragment Item on InventoryItem { id variant { id } ... on InventoryItem { inventoryLevels(first: 2) { nodes { id } } } }`;
    expect(estimateQueryCost(query)).toBe(2 + 3 * (1 + 1 + (2 + 2 * 1)));
  });

  it('costs a mutation 10 per top-level field, plus what it returns', () => {
    expect(estimateQueryCost('mutation { productUpdate(input: { id: "gid://shopify/Product/1", tags: ["a"] }) { product { id } userErrors { field } } }')).toBe(12);
  });

  it('prices the named operation, or the most costly of several', () => {
    const document = 'query A { shop { id } } query B { products(first: 5) { nodes { id } } }';
    expect(estimateQueryCost(document, {}, 'A')).toBe(1);
    expect(estimateQueryCost(document)).toBe(7);
  });

  it('prices a text it cannot read as the largest query Shopify accepts', () => {
    expect(estimateQueryCost('{ products(first: 10) { nodes { id }')).toBe(SHOPIFY_MAX_QUERY_COST);
    expect(estimateQueryCost('not graphql %')).toBe(SHOPIFY_MAX_QUERY_COST);
    expect(estimateQueryCost('{ a { ...Missing } }')).toBe(SHOPIFY_MAX_QUERY_COST);
    expect(estimateQueryCost('{ a { ...Loop } } fragment Loop on A { b { ...Loop } }')).toBe(SHOPIFY_MAX_QUERY_COST);
  });
});
