import type { ConnectionSource } from './graphql-connections.js';
import { FieldError } from './graphql-errors.js';
import type { SearchFields } from './graphql-search.js';
import { connection, object, scalar, type ResolveContext, type TypeDef } from './graphql-types.js';
import { gid, idOfGid, inventoryLevelGid, type GidType } from './ids.js';
import { inventoryQuantity } from './rest-views.js';
import type { ShopifyInventoryItem, ShopifyInventoryLevel, ShopifyLocation, ShopifyProduct, ShopifyVariant } from './shop-types.js';
import { graphqlTime } from './time.js';

/** The quantity names `InventoryLevel.quantities(names:)` accepts. */
export const SHOPIFY_QUANTITY_NAMES: readonly string[] = ['available', 'committed', 'damaged', 'incoming', 'on_hand', 'quality_control', 'reserved', 'safety_stock'];

const time = (ms: number | null): string | null => (ms === null ? null : graphqlTime(ms));
const upper = (value: string): string => value.toUpperCase();

/** The numeric id in a GID argument, or a field error as Shopify answers a malformed one. */
export function idArg(value: unknown, type: GidType): string {
  const id = typeof value === 'string' ? idOfGid(value, type) : undefined;
  if (id === undefined) throw new FieldError(`Invalid global id '${String(value)}'`, { code: 'argumentLiteralsIncompatible', typeName: 'CoercionError' });
  return id;
}

const dates = <T extends { createdAtMs: number; updatedAtMs: number }>(): SearchFields<T> => ({
  created_at: { kind: 'date', get: (r) => r.createdAtMs },
  updated_at: { kind: 'date', get: (r) => r.updatedAtMs },
});

const LOCATION_SEARCH: SearchFields<ShopifyLocation> = {
  ...dates<ShopifyLocation>(),
  id: { kind: 'id', get: (l) => l.id },
  location_id: { kind: 'id', get: (l) => l.id },
  name: { kind: 'string', get: (l) => l.name },
  active: { kind: 'boolean', get: (l) => l.active },
  legacy: { kind: 'boolean', get: (l) => l.fulfillmentService !== null },
  city: { kind: 'string', get: (l) => l.city },
  country: { kind: 'string', get: (l) => l.countryCode },
};

/**
 * `locations`: by default only active locations that are not a fulfillment service's
 * (`includeLegacy: true` adds those, `includeInactive: true` the deactivated ones), as Shopify's
 * Admin API answers.
 */
export function locationsSource(context: ResolveContext, args: Readonly<Record<string, unknown>>): ConnectionSource<ShopifyLocation> {
  const items = [...context.state.locations.values()].filter((l) => (args.includeLegacy === true || l.fulfillmentService === null) && (args.includeInactive === true || l.active));
  return { items, idOf: (l) => l.id, search: LOCATION_SEARCH, textFields: ['name'], sortKeys: { NAME: (l) => l.name } };
}

const VARIANT_SEARCH = (context: ResolveContext): SearchFields<ShopifyVariant> => ({
  ...dates<ShopifyVariant>(),
  id: { kind: 'id', get: (v) => v.id },
  sku: { kind: 'string', get: (v) => v.sku },
  barcode: { kind: 'string', get: (v) => v.barcode },
  title: { kind: 'string', get: (v) => v.title },
  product_id: { kind: 'id', get: (v) => v.productId },
  product_status: { kind: 'string', get: (v) => context.state.product(v.productId).status },
  inventory_item_id: { kind: 'id', get: (v) => v.inventoryItemId },
});

/**
 * `productVariants` (all of the shop's, or one product's `variants`): searchable by id, sku,
 * barcode, title, product_id, product_status, inventory_item_id, created_at, updated_at.
 * @example
 * variantsSource(context, [...context.state.variants.values()]);
 */
export function variantsSource(context: ResolveContext, variants: readonly ShopifyVariant[]): ConnectionSource<ShopifyVariant> {
  return {
    items: variants,
    idOf: (v) => v.id,
    search: VARIANT_SEARCH(context),
    textFields: ['title', 'sku', 'barcode'],
    sortKeys: { SKU: (v) => v.sku ?? '', TITLE: (v) => v.title, POSITION: (v) => v.position, INVENTORY_QUANTITY: (v) => inventoryQuantity(context.state, v) },
  };
}

/**
 * `products`: searchable by id, title, handle, status, vendor, product_type, tag, sku, barcode, created_at, updated_at.
 * @example
 * productsSource(context).items.length; // every product of the shop
 */
export function productsSource(context: ResolveContext): ConnectionSource<ShopifyProduct> {
  const variants = (p: ShopifyProduct): ShopifyVariant[] => p.variantIds.map((id) => context.state.variant(id));
  const search: SearchFields<ShopifyProduct> = {
    ...dates<ShopifyProduct>(),
    id: { kind: 'id', get: (p) => p.id },
    title: { kind: 'string', get: (p) => p.title },
    handle: { kind: 'string', get: (p) => p.handle },
    status: { kind: 'string', get: (p) => p.status },
    vendor: { kind: 'string', get: (p) => p.vendor },
    product_type: { kind: 'string', get: (p) => p.productType },
    tag: { kind: 'string', get: (p) => p.tags },
    sku: { kind: 'string', get: (p) => variants(p).flatMap((v) => (v.sku === null ? [] : [v.sku])) },
    barcode: { kind: 'string', get: (p) => variants(p).flatMap((v) => (v.barcode === null ? [] : [v.barcode])) },
  };
  const sortKeys = { TITLE: (p: ShopifyProduct) => p.title, UPDATED_AT: (p: ShopifyProduct) => p.updatedAtMs, CREATED_AT: (p: ShopifyProduct) => p.createdAtMs, VENDOR: (p: ShopifyProduct) => p.vendor };
  return { items: [...context.state.products.values()], idOf: (p) => p.id, search, textFields: ['title'], sortKeys };
}

/**
 * `inventoryItems`: searchable by id, sku, created_at, updated_at.
 * @example
 * inventoryItemsSource(context);
 */
export function inventoryItemsSource(context: ResolveContext): ConnectionSource<ShopifyInventoryItem> {
  const search: SearchFields<ShopifyInventoryItem> = { ...dates<ShopifyInventoryItem>(), id: { kind: 'id', get: (i) => i.id }, sku: { kind: 'string', get: (i) => context.state.variant(i.variantId).sku } };
  return { items: [...context.state.items.values()], idOf: (i) => i.id, search, textFields: ['sku'] };
}

const LEVEL_SEARCH: SearchFields<ShopifyInventoryLevel> = {
  ...dates<ShopifyInventoryLevel>(),
  inventory_item_id: { kind: 'id', get: (l) => l.inventoryItemId },
  location_id: { kind: 'id', get: (l) => l.locationId },
};

function levelsSource(context: ResolveContext, keep: (level: ShopifyInventoryLevel) => boolean, idOf: (level: ShopifyInventoryLevel) => string): ConnectionSource<ShopifyInventoryLevel> {
  return { items: [...context.state.levels.values()].filter(keep), idOf, search: LEVEL_SEARCH };
}

function quantities(level: ShopifyInventoryLevel, names: readonly string[]): { id: string; name: string; quantity: number; updatedAt: string | null }[] {
  const unknown = names.find((name) => !SHOPIFY_QUANTITY_NAMES.includes(name));
  if (unknown !== undefined) throw new FieldError(`The quantity name '${unknown}' is not valid. Valid names: ${SHOPIFY_QUANTITY_NAMES.join(', ')}`, { code: 'BAD_REQUEST' });
  // An untracked item's `available` is null in REST and webhooks; the GraphQL field is Int!, so 0 here.
  const available = level.available ?? 0;
  const values: Record<string, number> = { available, committed: level.committed, on_hand: available + level.committed };
  return names.map((name) => ({
    id: `${gid('InventoryQuantity', level.locationId)}?inventory_item_id=${level.inventoryItemId}&name=${name}`,
    name,
    quantity: values[name] ?? 0,
    updatedAt: name === 'available' || name === 'on_hand' ? graphqlTime(level.updatedAtMs) : null,
  }));
}

const INVENTORY = 'read_inventory';
const levelsOfLocation = (l: ShopifyLocation, _a: unknown, c: ResolveContext): ConnectionSource<ShopifyInventoryLevel> => levelsSource(c, (level) => level.locationId === l.id, (level) => level.inventoryItemId);
const levelsOfItem = (i: ShopifyInventoryItem, _a: unknown, c: ResolveContext): ConnectionSource<ShopifyInventoryLevel> => levelsSource(c, (level) => level.inventoryItemId === i.id, (level) => level.locationId);

/** Location, its address and fulfillment service, products, variants, inventory items, levels and quantities. */
export const CATALOG_TYPES: readonly TypeDef[] = [
  {
    name: 'Location',
    fields: {
      id: scalar('ID!', (l) => gid('Location', l.id)),
      legacyResourceId: scalar('UnsignedInt64!', (l) => l.id),
      name: scalar('String!', (l) => l.name),
      isActive: scalar('Boolean!', (l) => l.active),
      isFulfillmentService: scalar('Boolean!', (l) => l.fulfillmentService !== null),
      fulfillsOnlineOrders: scalar('Boolean!', () => true),
      hasActiveInventory: scalar('Boolean!', (l, _a, c) => [...c.state.levels.values()].some((level) => level.locationId === l.id)),
      shipsInventory: scalar('Boolean!', (l) => l.active),
      createdAt: scalar('DateTime!', (l) => time(l.createdAtMs)),
      updatedAt: scalar('DateTime!', (l) => time(l.updatedAtMs)),
      deactivatedAt: scalar('String', (l) => (l.active ? null : time(l.updatedAtMs))),
      address: object('LocationAddress!', (l) => l),
      fulfillmentService: object('FulfillmentService', (l) => l.fulfillmentService && { ...l.fulfillmentService, location: l }),
      inventoryLevels: connection('InventoryLevel', levelsOfLocation, { scope: INVENTORY }),
      inventoryLevel: object('InventoryLevel', (l, a, c) => c.state.level(idArg(a.inventoryItemId, 'InventoryItem'), l.id) ?? null, { args: { inventoryItemId: { type: 'ID!' } }, scope: INVENTORY }),
    },
  },
  {
    name: 'LocationAddress',
    fields: {
      address1: scalar('String', (l) => l.address1),
      address2: scalar('String', (l) => l.address2),
      city: scalar('String', (l) => l.city),
      province: scalar('String', (l) => l.province),
      provinceCode: scalar('String', (l) => l.provinceCode),
      country: scalar('String', (l) => (l.countryCode === 'CA' ? 'Canada' : l.country)),
      countryCode: scalar('CountryCode', (l) => l.countryCode),
      zip: scalar('String', (l) => l.zip),
      phone: scalar('String', (l) => l.phone),
    },
  },
  {
    name: 'FulfillmentService',
    fields: {
      id: scalar('ID!', (f) => gid('FulfillmentService', f.id)),
      handle: scalar('String!', (f) => f.handle),
      serviceName: scalar('String!', (f) => f.serviceName),
      inventoryManagement: scalar('Boolean!', () => true),
      location: object('Location', (f) => f.location),
    },
  },
  {
    name: 'Product',
    fields: {
      id: scalar('ID!', (p) => gid('Product', p.id)),
      legacyResourceId: scalar('UnsignedInt64!', (p) => p.id),
      title: scalar('String!', (p) => p.title),
      handle: scalar('String!', (p) => p.handle),
      status: scalar('ProductStatus!', (p) => upper(p.status)),
      vendor: scalar('String!', (p) => p.vendor),
      productType: scalar('String!', (p) => p.productType),
      tags: scalar('[String!]!', (p) => p.tags),
      descriptionHtml: scalar('HTML!', (p) => p.bodyHtml),
      createdAt: scalar('DateTime!', (p) => time(p.createdAtMs)),
      updatedAt: scalar('DateTime!', (p) => time(p.updatedAtMs)),
      publishedAt: scalar('DateTime', (p) => time(p.publishedAtMs)),
      totalInventory: scalar('Int!', (p, _a, c) => p.variantIds.reduce((sum: number, id: string) => sum + inventoryQuantity(c.state, c.state.variant(id)), 0)),
      variants: connection('ProductVariant', (p, _a, c) => variantsSource(c, p.variantIds.map((id: string) => c.state.variant(id))), { searchable: false }),
    },
  },
  {
    name: 'ProductVariant',
    fields: {
      id: scalar('ID!', (v) => gid('ProductVariant', v.id)),
      legacyResourceId: scalar('UnsignedInt64!', (v) => v.id),
      title: scalar('String!', (v) => v.title),
      displayName: scalar('String!', (v, _a, c) => `${c.state.product(v.productId).title} - ${v.title}`),
      sku: scalar('String', (v) => v.sku),
      barcode: scalar('String', (v) => v.barcode),
      price: scalar('Money!', (v) => v.price),
      compareAtPrice: scalar('Money', (v) => v.compareAtPrice),
      position: scalar('Int!', (v) => v.position),
      inventoryQuantity: scalar('Int', (v, _a, c) => inventoryQuantity(c.state, v)),
      inventoryPolicy: scalar('ProductVariantInventoryPolicy!', (v) => upper(v.inventoryPolicy)),
      taxable: scalar('Boolean!', (v) => v.taxable),
      createdAt: scalar('DateTime!', (v) => time(v.createdAtMs)),
      updatedAt: scalar('DateTime!', (v) => time(v.updatedAtMs)),
      product: object('Product!', (v, _a, c) => c.state.product(v.productId)),
      inventoryItem: object('InventoryItem!', (v, _a, c) => c.state.item(v.inventoryItemId)),
    },
  },
  {
    name: 'InventoryItem',
    fields: {
      id: scalar('ID!', (i) => gid('InventoryItem', i.id)),
      legacyResourceId: scalar('UnsignedInt64!', (i) => i.id),
      sku: scalar('String', (i, _a, c) => c.state.variant(i.variantId).sku),
      tracked: scalar('Boolean!', (i) => i.tracked),
      requiresShipping: scalar('Boolean!', (i) => i.requiresShipping),
      createdAt: scalar('DateTime!', (i) => time(i.createdAtMs)),
      updatedAt: scalar('DateTime!', (i) => time(i.updatedAtMs)),
      variant: object('ProductVariant!', (i, _a, c) => c.state.variant(i.variantId)),
      inventoryLevels: connection('InventoryLevel', levelsOfItem, { scope: INVENTORY }),
      inventoryLevel: object('InventoryLevel', (i, a, c) => c.state.level(i.id, idArg(a.locationId, 'Location')) ?? null, { args: { locationId: { type: 'ID!' } }, scope: INVENTORY }),
    },
  },
  {
    name: 'InventoryLevel',
    fields: {
      id: scalar('ID!', (l) => inventoryLevelGid(l.locationId, l.inventoryItemId)),
      createdAt: scalar('DateTime!', (l) => time(l.createdAtMs)),
      updatedAt: scalar('DateTime!', (l) => time(l.updatedAtMs)),
      canDeactivate: scalar('Boolean!', () => true),
      item: object('InventoryItem!', (l, _a, c) => c.state.item(l.inventoryItemId)),
      location: object('Location!', (l, _a, c) => c.state.location(l.locationId)),
      quantities: object('[InventoryQuantity!]!', (l, a) => quantities(l, a.names as string[]), { args: { names: { type: '[String!]!' } } }),
    },
  },
  {
    name: 'InventoryQuantity',
    fields: {
      id: scalar('ID!', (q) => q.id),
      name: scalar('String!', (q) => q.name),
      quantity: scalar('Int!', (q) => q.quantity),
      updatedAt: scalar('DateTime', (q) => q.updatedAt),
    },
  },
];
