import type { MerchantState } from './merchant-state.js';
import type { SquareOrder, SquareOrderState, SquarePayment } from './order-types.js';
import { randomInt } from './random.js';
import { squareIds } from './square-ids.js';
import { DAY_MS, SECOND_MS } from './time.js';
import type { SquareCatalogItem, SquareInventoryCount, SquareLocation } from './types.js';

/** How much data {@link seedMerchant} adds; every count defaults to 0 except `variationsPerItem`. */
export interface SquareSeedOptions {
  readonly locations?: number;
  readonly items?: number;
  /** Default 2. */
  readonly variationsPerItem?: number;
  /** Items added and then deleted (with their variations): what `include_deleted_objects` finds. */
  readonly deletedItems?: number;
  /** An IN_STOCK count per live variation × location, `calculated_at` spread over the span. Default true. */
  readonly counts?: boolean;
  readonly orders?: number;
  /** Payments for the first completed orders (amount = order total); any beyond them stand alone. */
  readonly payments?: number;
  /** How far back `created_at`/`calculated_at` spread from now. Default 30 days. */
  readonly spanDays?: number;
  /** Seeds this call's data; default derived from the fake's seed, the merchant and the call number. */
  readonly seed?: number;
}

/** What one seeding added. */
export interface SquareSeedResult {
  readonly locations: SquareLocation[];
  readonly items: SquareCatalogItem[];
  readonly deletedItems: SquareCatalogItem[];
  readonly counts: SquareInventoryCount[];
  readonly orders: SquareOrder[];
  readonly payments: SquarePayment[];
}

const DEFAULT_SPAN_DAYS = 30;
const NOUNS = ['Tea', 'Coffee', 'Mug', 'Scone', 'Bagel', 'Juice', 'Beans', 'Muffin', 'Latte', 'Cookie'];
const SIZES = ['Regular', 'Large', 'Small', 'Extra Large'];

/** Order states in roughly a shop's proportions: most completed, some open, a few canceled. */
function drawState(random: () => number): SquareOrderState {
  const draw = random();
  return draw < 0.7 ? 'COMPLETED' : draw < 0.95 ? 'OPEN' : 'CANCELED';
}

function addItems(merchant: MerchantState, random: () => number, ids: ReturnType<typeof squareIds>, count: number, perItem: number): SquareCatalogItem[] {
  const start = merchant.catalog.objects({ types: ['ITEM'], includeDeleted: true }).length;
  return Array.from({ length: count }, (_, i) => {
    const n = String(start + i + 1).padStart(4, '0');
    return merchant.catalog.addItem({
      id: ids.catalog(),
      name: `${NOUNS[(start + i) % NOUNS.length]} ${n}`,
      variations: Array.from({ length: perItem }, (_, j) => ({
        id: ids.catalog(),
        name: SIZES[j] ?? `Size ${j + 1}`,
        sku: `SKU-${n}-${j + 1}`,
        priceAmount: randomInt(random, 100, 5000),
      })),
    });
  });
}

/**
 * Adds generated data to a merchant, reproducibly: the same `random` stream and clock give the
 * same locations, items, counts, orders and payments, ids included (line item uids and payment
 * version tokens aside, which come from the fake's own stream). Orders reference live variations
 * at active locations; their times spread over `spanDays` before now, `updated_at` between
 * creation and now.
 * @example
 * seedMerchant(merchant, seededRandom(7), Date.now(), { locations: 2, items: 150, orders: 40, payments: 20 });
 */
export function seedMerchant(merchant: MerchantState, random: () => number, nowMs: number, options: SquareSeedOptions): SquareSeedResult {
  const ids = squareIds(random);
  const spanMs = (options.spanDays ?? DEFAULT_SPAN_DAYS) * DAY_MS;
  const past = (): number => nowMs - Math.floor(random() * spanMs);
  const locations = Array.from({ length: options.locations ?? 0 }, () => merchant.addLocation({ id: ids.location(), createdAtMs: past() }));
  const perItem = options.variationsPerItem ?? 2;
  const items = addItems(merchant, random, ids, options.items ?? 0, perItem);
  const deletedItems = addItems(merchant, random, ids, options.deletedItems ?? 0, perItem).map((item) => merchant.catalog.deleteItem(item.id)!);
  const active = merchant.locations().filter((location) => location.status === 'ACTIVE');
  const variations = items.flatMap((item) => item.item_data.variations);
  const counts =
    options.counts === false ? [] : variations.flatMap((variation) => active.map((location) => merchant.inventory.set(variation.id, location.id, randomInt(random, 0, 200), 'IN_STOCK', past())));
  const orderCount = options.orders ?? 0;
  if (orderCount > 0 && (variations.length === 0 || active.length === 0)) throw new Error('fake square: seeding orders needs items and an active location');
  const orders = Array.from({ length: orderCount }, () => {
    const createdMs = past();
    const updatedMs = random() < 0.5 ? createdMs : createdMs + Math.floor(random() * (nowMs - createdMs));
    const lineItems = Array.from({ length: randomInt(random, 1, 3) }, () => ({ catalogObjectId: variations[randomInt(random, 0, variations.length - 1)]!.id, quantity: randomInt(random, 1, 3) }));
    const location = active[randomInt(random, 0, active.length - 1)]!;
    const version = updatedMs === createdMs ? 1 : randomInt(random, 2, 4);
    return merchant.orders.add({ id: ids.order(), locationId: location.id, lineItems, state: drawState(random), createdAtMs: createdMs, updatedAtMs: updatedMs, version });
  });
  const paid = orders.filter((order) => order.state === 'COMPLETED');
  const payments = Array.from({ length: options.payments ?? 0 }, (_, i) => {
    const order = paid[i];
    if (order !== undefined) {
      const createdAtMs = Date.parse(order.created_at) + SECOND_MS;
      return merchant.payments.add({ id: ids.payment(), locationId: order.location_id, orderId: order.id, amount: order.total_money.amount, createdAtMs });
    }
    const location = active[randomInt(random, 0, active.length - 1)] ?? merchant.locations()[0];
    if (location === undefined) throw new Error('fake square: seeding payments needs a location');
    return merchant.payments.add({ id: ids.payment(), locationId: location.id, amount: randomInt(random, 100, 10_000), createdAtMs: past() });
  });
  return { locations, items, deletedItems, counts, orders, payments };
}
