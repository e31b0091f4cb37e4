import { CATALOG_TYPES, idArg, inventoryItemsSource, locationsSource, productsSource, variantsSource } from './graphql-schema-catalog.js';
import { ORDER_TYPES, ordersSource, visibleOrders } from './graphql-schema-orders.js';
import { connection, object, scalar, withConnectionTypes, type Schema, type TypeDef } from './graphql-types.js';
import { gid } from './ids.js';
import { graphqlTime } from './time.js';

const LOCATIONS = 'read_locations';
const PRODUCTS = 'read_products';
const INVENTORY = 'read_inventory';
const ORDERS = 'read_orders';

const SHOP: TypeDef = {
  name: 'Shop',
  fields: {
    id: scalar('ID!', (s) => gid('Shop', s.id)),
    name: scalar('String!', (s) => s.name),
    email: scalar('String!', (s) => s.email),
    myshopifyDomain: scalar('String!', (s) => s.domain),
    currencyCode: scalar('CurrencyCode!', (s) => s.currency),
    ianaTimezone: scalar('String!', (s) => s.ianaTimezone),
    createdAt: scalar('DateTime!', (s) => graphqlTime(s.createdAtMs)),
  },
};

const QUERY_ROOT: TypeDef = {
  name: 'QueryRoot',
  fields: {
    shop: object('Shop!', (_p, _a, c) => c.state.info),
    location: object('Location', (_p, a, c) => (a.id === undefined ? ([...c.state.locations.values()].find((l) => l.active && l.fulfillmentService === null) ?? null) : (c.state.locations.get(idArg(a.id, 'Location')) ?? null)), {
      args: { id: { type: 'ID' } },
      scope: LOCATIONS,
    }),
    locations: connection('Location', (_p, a, c) => locationsSource(c, a), {
      sortKeyEnum: 'LocationSortKeys',
      sortKeys: ['NAME'],
      args: { includeLegacy: { type: 'Boolean' }, includeInactive: { type: 'Boolean' } },
      scope: LOCATIONS,
    }),
    product: object('Product', (_p, a, c) => c.state.products.get(idArg(a.id, 'Product')) ?? null, { args: { id: { type: 'ID!' } }, scope: PRODUCTS }),
    products: connection('Product', (_p, _a, c) => productsSource(c), { sortKeyEnum: 'ProductSortKeys', sortKeys: ['TITLE', 'UPDATED_AT', 'CREATED_AT', 'VENDOR'], scope: PRODUCTS }),
    productVariant: object('ProductVariant', (_p, a, c) => c.state.variants.get(idArg(a.id, 'ProductVariant')) ?? null, { args: { id: { type: 'ID!' } }, scope: PRODUCTS }),
    productVariants: connection('ProductVariant', (_p, _a, c) => variantsSource(c, [...c.state.variants.values()]), {
      sortKeyEnum: 'ProductVariantSortKeys',
      sortKeys: ['SKU', 'TITLE', 'POSITION', 'INVENTORY_QUANTITY'],
      scope: PRODUCTS,
    }),
    inventoryItem: object('InventoryItem', (_p, a, c) => c.state.items.get(idArg(a.id, 'InventoryItem')) ?? null, { args: { id: { type: 'ID!' } }, scope: INVENTORY }),
    inventoryItems: connection('InventoryItem', (_p, _a, c) => inventoryItemsSource(c), { scope: INVENTORY }),
    inventoryLevel: object(
      'InventoryLevel',
      (_p, a, c) => {
        const match = /^gid:\/\/shopify\/InventoryLevel\/(\d+)\?inventory_item_id=(\d+)$/.exec(String(a.id));
        if (match === null) return idArg(a.id, 'InventoryLevel');
        return c.state.level(match[2]!, match[1]!) ?? null;
      },
      { args: { id: { type: 'ID!' } }, scope: INVENTORY },
    ),
    order: object('Order', (_p, a, c) => {
      const id = idArg(a.id, 'Order');
      return visibleOrders(c).find((o) => o.id === id) ?? null;
    }, { args: { id: { type: 'ID!' } }, scope: ORDERS }),
    orders: connection('Order', (_p, _a, c) => ordersSource(c), {
      sortKeyEnum: 'OrderSortKeys',
      sortKeys: ['CREATED_AT', 'UPDATED_AT', 'PROCESSED_AT', 'ORDER_NUMBER', 'TOTAL_PRICE'],
      scope: ORDERS,
    }),
  },
};

/** The fake serves no mutations: every mutation field is unknown, as on a schema without it. */
const MUTATION: TypeDef = { name: 'Mutation', fields: {} };

/**
 * The part of the GraphQL Admin API (2025-10) the fake serves: `QueryRoot` with `shop`,
 * `location(s)`, `product(s)`, `productVariant(s)`, `inventoryItem(s)`, `inventoryLevel`,
 * `order(s)`, and the types they reach. Built once; pure data and functions.
 * @example
 * SHOPIFY_GRAPHQL_SCHEMA.get('ProductVariant')!.fields.sku; // { type: { kind: 'scalar', name: 'String', … }, … }
 */
export const SHOPIFY_GRAPHQL_SCHEMA: Schema = withConnectionTypes([QUERY_ROOT, MUTATION, SHOP, ...CATALOG_TYPES, ...ORDER_TYPES]);
