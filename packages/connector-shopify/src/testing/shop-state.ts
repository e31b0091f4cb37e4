import type { ShopifyIds } from './ids.js';
import type { ShopifyCustomerInput, ShopifyLineItemInput, ShopifyLocationInput, ShopifyOrderInput, ShopifyProductInput, ShopifyVariantInput } from './shop-inputs.js';
import type {
  ShopifyCustomer,
  ShopifyInventoryItem,
  ShopifyInventoryLevel,
  ShopifyLineItem,
  ShopifyLocation,
  ShopifyOrder,
  ShopifyProduct,
  ShopifyShopInfo,
  ShopifyVariant,
} from './shop-types.js';

/** What the state needs from its fake: the clock and the id makers. */
export interface StateContext {
  readonly now: () => number;
  readonly ids: ShopifyIds;
}

const handleOf = (title: string): string => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'product';
const levelKey = (inventoryItemId: string, locationId: string): string => `${inventoryItemId}@${locationId}`;

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fake shopify: no ${what}`);
  return value;
}

/**
 * One shop's records and the primitive changes to them. Reading views (REST, GraphQL) and
 * webhook payloads live elsewhere; unknown ids throw, since they are mistakes in a test.
 * @example
 * const state = new ShopState(context, info);
 * const store = state.addLocation({ name: 'Main' });
 * state.addProduct({ title: 'Tea', variants: [{ sku: 'TEA-1', stock: { [store.id]: 5 } }] });
 */
export class ShopState {
  readonly info: ShopifyShopInfo;
  readonly locations = new Map<string, ShopifyLocation>();
  readonly products = new Map<string, ShopifyProduct>();
  readonly variants = new Map<string, ShopifyVariant>();
  readonly items = new Map<string, ShopifyInventoryItem>();
  readonly levels = new Map<string, ShopifyInventoryLevel>();
  readonly customers = new Map<string, ShopifyCustomer>();
  readonly orders = new Map<string, ShopifyOrder>();
  readonly #context: StateContext;
  #nextOrderNumber = 1001;

  constructor(context: StateContext, info: ShopifyShopInfo) {
    this.#context = context;
    this.info = info;
  }

  #id(kind: Parameters<ShopifyIds['next']>[0], chosen: string | undefined): string {
    if (chosen === undefined) return this.#context.ids.next(kind);
    this.#context.ids.claim(kind, chosen);
    return chosen;
  }

  location(id: string): ShopifyLocation {
    return found(this.locations.get(id), `location ${id}`);
  }
  product(id: string): ShopifyProduct {
    return found(this.products.get(id), `product ${id}`);
  }
  variant(id: string): ShopifyVariant {
    return found(this.variants.get(id), `variant ${id}`);
  }
  item(id: string): ShopifyInventoryItem {
    return found(this.items.get(id), `inventory item ${id}`);
  }
  order(id: string): ShopifyOrder {
    return found(this.orders.get(id), `order ${id}`);
  }
  customer(id: string): ShopifyCustomer {
    return found(this.customers.get(id), `customer ${id}`);
  }
  level(inventoryItemId: string, locationId: string): ShopifyInventoryLevel | undefined {
    return this.levels.get(levelKey(inventoryItemId, locationId));
  }

  addLocation(input: ShopifyLocationInput): ShopifyLocation {
    const at = input.createdAtMs ?? this.#context.now();
    const location: ShopifyLocation = {
      id: this.#id('location', input.id),
      name: input.name,
      address1: `${100 + this.locations.size} Rideau Street`,
      address2: null,
      city: input.city ?? 'Ottawa',
      province: 'Ontario',
      provinceCode: 'ON',
      country: 'CA',
      countryCode: 'CA',
      zip: 'K1N 9J7',
      phone: null,
      active: input.active ?? true,
      fulfillmentService: input.fulfillmentService === undefined ? null : { id: this.#context.ids.next('location'), ...input.fulfillmentService },
      createdAtMs: at,
      updatedAtMs: at,
    };
    this.locations.set(location.id, location);
    return location;
  }

  addProduct(input: ShopifyProductInput): ShopifyProduct {
    const createdAtMs = input.createdAtMs ?? this.#context.now();
    const updatedAtMs = input.updatedAtMs ?? createdAtMs;
    const product: ShopifyProduct = {
      id: this.#id('product', input.id),
      title: input.title,
      handle: handleOf(input.title),
      vendor: input.vendor ?? this.info.name,
      productType: input.productType ?? '',
      status: input.status ?? 'active',
      bodyHtml: `<p>${input.title}</p>`,
      tags: [...(input.tags ?? [])],
      createdAtMs,
      updatedAtMs,
      publishedAtMs: (input.status ?? 'active') === 'active' ? createdAtMs : null,
      optionId: this.#context.ids.next('option'),
      variantIds: [],
    };
    this.products.set(product.id, product);
    for (const input_ of input.variants ?? [{ title: 'Default Title' }]) this.addVariant(product.id, input_, createdAtMs).updatedAtMs = updatedAtMs;
    return product;
  }

  addVariant(productId: string, input: ShopifyVariantInput, atMs: number = this.#context.now()): ShopifyVariant {
    const product = this.product(productId);
    const variant: ShopifyVariant = {
      id: this.#id('variant', input.id),
      productId,
      title: input.title ?? `Variant ${product.variantIds.length + 1}`,
      sku: input.sku ?? null,
      barcode: input.barcode ?? null,
      price: input.price ?? '10.00',
      compareAtPrice: input.compareAtPrice ?? null,
      position: product.variantIds.length + 1,
      inventoryItemId: this.#id('inventoryItem', input.inventoryItemId),
      inventoryPolicy: 'deny',
      taxable: true,
      grams: 100,
      createdAtMs: atMs,
      updatedAtMs: atMs,
    };
    this.variants.set(variant.id, variant);
    product.variantIds.push(variant.id);
    const item: ShopifyInventoryItem = { id: variant.inventoryItemId, variantId: variant.id, tracked: input.tracked ?? true, requiresShipping: true, cost: null, createdAtMs: atMs, updatedAtMs: atMs };
    this.items.set(item.id, item);
    for (const [locationId, available] of Object.entries(input.stock ?? {})) this.setLevel(item.id, locationId, available, atMs);
    return variant;
  }

  /** Sets (or connects) a level; `available` is forced to null for an untracked item. */
  setLevel(inventoryItemId: string, locationId: string, available: number | null, atMs: number = this.#context.now()): ShopifyInventoryLevel {
    const item = this.item(inventoryItemId);
    this.location(locationId);
    const value = item.tracked ? available : null;
    const existing = this.level(inventoryItemId, locationId);
    if (existing !== undefined) {
      existing.available = value;
      existing.updatedAtMs = atMs;
      return existing;
    }
    const level: ShopifyInventoryLevel = { inventoryItemId, locationId, available: value, committed: 0, createdAtMs: atMs, updatedAtMs: atMs };
    this.levels.set(levelKey(inventoryItemId, locationId), level);
    return level;
  }

  addCustomer(input: ShopifyCustomerInput = {}): ShopifyCustomer {
    const at = this.#context.now();
    const id = this.#id('customer', input.id);
    const customer: ShopifyCustomer = {
      id,
      email: input.email ?? `customer-${id.slice(-6)}@example.com`,
      phone: input.phone ?? null,
      firstName: input.firstName ?? 'Bob',
      lastName: input.lastName ?? 'Norman',
      createdAtMs: at,
      updatedAtMs: at,
    };
    this.customers.set(id, customer);
    return customer;
  }

  addOrder(input: ShopifyOrderInput): ShopifyOrder {
    if (input.lineItems.length === 0) throw new Error('fake shopify: an order needs at least one line item');
    const createdAtMs = input.createdAtMs ?? this.#context.now();
    const customer = input.customerId === undefined || input.customerId === null ? undefined : this.customer(input.customerId);
    const number = this.#nextOrderNumber++;
    const order: ShopifyOrder = {
      id: this.#id('order', input.id),
      number,
      name: `#${number}`,
      email: input.email !== undefined ? input.email : (customer?.email ?? null),
      customerId: customer?.id ?? null,
      currency: this.info.currency,
      financialStatus: input.financialStatus ?? 'paid',
      fulfillmentStatus: input.fulfillmentStatus ?? null,
      lineItems: input.lineItems.map((line) => this.#lineItem(line)),
      test: input.test ?? false,
      sourceName: 'web',
      createdAtMs,
      updatedAtMs: input.updatedAtMs ?? createdAtMs,
      processedAtMs: createdAtMs,
      cancelledAtMs: input.cancelledAtMs ?? null,
      closedAtMs: input.closedAtMs ?? null,
    };
    this.orders.set(order.id, order);
    return order;
  }

  #lineItem(input: ShopifyLineItemInput): ShopifyLineItem {
    if (!(Number.isInteger(input.quantity) && input.quantity >= 1)) throw new RangeError('fake shopify: a line item quantity is a positive integer');
    const id = this.#context.ids.next('lineItem');
    if (input.variantId === null) {
      if (input.title === undefined) throw new Error('fake shopify: a custom line item needs a title');
      return { id, variantId: null, productId: null, sku: null, title: input.title, variantTitle: null, vendor: null, quantity: input.quantity, price: input.price ?? '0.00' };
    }
    const variant = this.variant(input.variantId);
    const product = this.product(variant.productId);
    return {
      id,
      variantId: variant.id,
      productId: product.id,
      sku: variant.sku,
      title: input.title ?? product.title,
      variantTitle: variant.title,
      vendor: product.vendor,
      quantity: input.quantity,
      price: input.price ?? variant.price,
    };
  }
}
