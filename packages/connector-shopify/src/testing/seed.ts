import { pick, randomChars, randomInt } from './random.js';
import type { ShopState } from './shop-state.js';
import type { ShopifyCustomer, ShopifyFinancialStatus, ShopifyLocation, ShopifyOrder, ShopifyProduct, ShopifyVariant } from './shop-types.js';
import { DAY_MS, MINUTE_MS } from './time.js';

/** How much data {@link seedShop} makes; every count may be 0. */
export interface ShopifySeedOptions {
  /** Seeds this call's data; default derived from the fake's seed and the shop's domain. */
  readonly seed?: number;
  /** Retail locations. Default 2. */
  readonly locations?: number;
  /** Adds one fulfillment service's location (REST `legacy: true`), stocking half the items. Default true. */
  readonly fulfillmentServiceLocation?: boolean;
  /** Adds one deactivated location. Default false. */
  readonly inactiveLocation?: boolean;
  /** Default 6. */
  readonly products?: number;
  /** Variants per product are drawn from 1..this. Default 3. */
  readonly maxVariantsPerProduct?: number;
  /** Default 3. */
  readonly customers?: number;
  /** Default 4. */
  readonly orders?: number;
  /** Share of variants without a SKU (half null, half ''). Default 0.15. */
  readonly skuLessShare?: number;
  /** Share of untracked inventory items (their levels have `available: null`). Default 0.15. */
  readonly untrackedShare?: number;
  /** Seeded records are created this many days back at most. Default 30. */
  readonly maxAgeDays?: number;
}

/** What a seeding call added. */
export interface ShopifySeedResult {
  readonly locations: ShopifyLocation[];
  readonly products: ShopifyProduct[];
  readonly variants: ShopifyVariant[];
  readonly customers: ShopifyCustomer[];
  readonly orders: ShopifyOrder[];
}

const NOUNS = ['Tea', 'Mug', 'Kettle', 'Spoon', 'Tray', 'Scarf', 'Lamp', 'Notebook', 'Candle', 'Bottle', 'Blanket', 'Basket'];
const ADJECTIVES = ['Green', 'Iron', 'Linen', 'Copper', 'Oak', 'Wool', 'Glass', 'Stone'];
const VARIANT_TITLES = ['Small', 'Medium', 'Large', 'Black', 'White', 'Red'];
const CITIES = ['Ottawa', 'Toronto', 'Montreal', 'Halifax', 'Calgary'];
const FINANCIAL: readonly ShopifyFinancialStatus[] = ['paid', 'paid', 'paid', 'pending', 'authorized', 'partially_refunded', 'refunded'];

const price = (random: () => number): string => `${randomInt(random, 3, 250)}.${pick(random, ['00', '50', '95', '99'])}`;

function skuOf(random: () => number, share: number, serial: number): string | null {
  const draw = random();
  if (draw < share / 2) return null;
  if (draw < share) return '';
  return `SKU-${String(serial).padStart(4, '0')}-${randomChars(random, 'ABCDEFGHJKLMNPQRSTUVWXYZ', 3)}`;
}

function seedLocations(state: ShopState, random: () => number, options: ShopifySeedOptions, past: () => number): ShopifyLocation[] {
  const locations: ShopifyLocation[] = [];
  for (let i = 0; i < (options.locations ?? 2); i++) {
    const city = pick(random, CITIES);
    locations.push(state.addLocation({ name: i === 0 ? 'Main Store' : `${city} Shop ${i}`, city, createdAtMs: past() }));
  }
  if (options.fulfillmentServiceLocation ?? true) {
    locations.push(state.addLocation({ name: 'Fulfillment by Storq', fulfillmentService: { handle: 'storq-fulfillment', serviceName: 'Storq Fulfillment' }, createdAtMs: past() }));
  }
  if (options.inactiveLocation === true) locations.push(state.addLocation({ name: 'Closed Pop-up', active: false, createdAtMs: past() }));
  return locations;
}

/**
 * Adds generated, reproducible data to a shop: retail locations, a fulfillment service's location,
 * products with 1..n variants (some without SKU, some without barcode), their inventory items and
 * levels (every retail location; the fulfillment service's for half the items; untracked items
 * with `available: null`), customers and orders with line items (now and then a custom line
 * without a variant). Ids come from the fake's id maker, so some are above 2^53.
 * @example
 * seedShop(state, seededRandom(7), { products: 20, orders: 10 }, Date.now());
 */
export function seedShop(state: ShopState, random: () => number, options: ShopifySeedOptions, nowMs: number): ShopifySeedResult {
  const maxAgeMs = (options.maxAgeDays ?? 30) * DAY_MS;
  const past = (): number => Math.floor((nowMs - MINUTE_MS - random() * maxAgeMs) / 1000) * 1000;
  // Shopify's ids grow with time: records made later get larger ids, so creation times ascend.
  const pasts = (count: number): number[] => Array.from({ length: count }, past).sort((a, b) => a - b);
  const later = (from: number): number => (random() < 0.4 ? from : from + Math.floor((random() * (nowMs - MINUTE_MS - from)) / 1000) * 1000);
  const locationTimes = pasts((options.locations ?? 2) + 2);
  const locations = seedLocations(state, random, options, () => locationTimes.shift() ?? past());
  const retail = locations.filter((l) => l.active && l.fulfillmentService === null);
  const service = locations.filter((l) => l.active && l.fulfillmentService !== null);
  const products: ShopifyProduct[] = [];
  const productTimes = pasts(options.products ?? 6);
  for (const createdAtMs of productTimes) {
    const count = randomInt(random, 1, Math.max(1, options.maxVariantsPerProduct ?? 3));
    const variants = Array.from({ length: count }, (_, v) => {
      const tracked = random() >= (options.untrackedShare ?? 0.15);
      const stock: Record<string, number | null> = {};
      for (const location of retail) stock[location.id] = randomInt(random, 0, 60);
      for (const location of service) if (random() < 0.5) stock[location.id] = randomInt(random, 0, 500);
      return {
        title: count === 1 ? 'Default Title' : VARIANT_TITLES[v % VARIANT_TITLES.length]!,
        sku: skuOf(random, options.skuLessShare ?? 0.15, state.variants.size + v + 1),
        barcode: random() < 0.3 ? null : randomChars(random, '0123456789', 12),
        price: price(random),
        tracked,
        stock,
      };
    });
    const title = `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)} ${state.products.size + 1}`;
    const status = random() < 0.85 ? 'active' : pick(random, ['draft', 'archived'] as const);
    products.push(state.addProduct({ title, vendor: state.info.name, productType: pick(random, NOUNS), status, variants, createdAtMs, updatedAtMs: later(createdAtMs) }));
  }
  const customers = Array.from({ length: options.customers ?? 3 }, () => state.addCustomer({ firstName: pick(random, ['Ada', 'Bob', 'Cleo', 'Dev']), lastName: pick(random, ['Norman', 'Lovelace', 'Hopper']) }));
  const variants = products.flatMap((p) => p.variantIds.map((id) => state.variant(id)));
  const ordersWanted = options.orders ?? 4;
  if (ordersWanted > 0 && variants.length === 0) throw new Error('fake shopify: seeding orders needs products');
  const orders = pasts(ordersWanted).map((createdAtMs) => {
    const lineItems = Array.from({ length: randomInt(random, 1, 3) }, () =>
      random() < 0.1 ? { variantId: null, quantity: 1, title: 'Gift wrapping', price: '5.00' } : { variantId: pick(random, variants).id, quantity: randomInt(random, 1, 3) },
    );
    const customer = customers.length > 0 && random() < 0.8 ? pick(random, customers) : undefined;
    const fulfillmentStatus = pick(random, [null, null, 'fulfilled', 'partial'] as const);
    return state.addOrder({ lineItems, customerId: customer?.id ?? null, financialStatus: pick(random, FINANCIAL), fulfillmentStatus, createdAtMs, updatedAtMs: later(createdAtMs) });
  });
  return { locations, products, variants, customers, orders };
}
