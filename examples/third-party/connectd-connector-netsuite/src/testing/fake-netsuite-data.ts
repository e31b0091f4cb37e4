/**
 * The rows the fake NetSuite serves, shaped as SuiteQL answers them for the preset's queries:
 * lower-case column names, every value as text, booleans 'T'/'F', null columns left out.
 */

/** One SuiteQL result row. */
export type SuiteqlRow = Readonly<Record<string, string>>;

/** What the fake holds, one table per preset query. */
export interface FakeNetsuiteData {
  readonly locations: SuiteqlRow[];
  readonly items: SuiteqlRow[];
  /** One row per item and location, on-hand and available summed. */
  readonly balances: SuiteqlRow[];
  readonly salesOrders: SuiteqlRow[];
}

const pad = (n: number): string => String(n).padStart(4, '0');

/**
 * Deterministic sample data: `locations` locations, `items` items stocked in every location,
 * and `orders` sales orders.
 * @example
 * const data = sampleNetsuiteData({ locations: 2, items: 5, orders: 3 });
 * data.balances.length; // 10
 */
export function sampleNetsuiteData(sizes: { locations: number; items: number; orders: number }): FakeNetsuiteData {
  const locations = Array.from({ length: sizes.locations }, (_, i) => ({
    id: String(i + 1),
    name: `Store ${i + 1}`,
    fullname: `Retail : Store ${i + 1}`,
    isinactive: i === sizes.locations - 1 && sizes.locations > 1 ? 'T' : 'F',
  }));
  const items = Array.from({ length: sizes.items }, (_, i) => ({
    id: String(100 + i),
    itemid: `SKU-${pad(i)}`,
    ...(i % 3 === 0 ? {} : { displayname: `Item ${i}` }),
    ...(i % 2 === 0 ? { upccode: `0${String(400_000_000_000 + i)}` } : {}),
    isinactive: 'F',
    itemtype: 'InvtPart',
  }));
  const balances = items.flatMap((item, i) =>
    locations.map((location, l) => ({
      item: item.id,
      sku: item.itemid,
      location: location.id,
      quantityonhand: String((i * 7 + l * 3) % 50),
      quantityavailable: String(Math.max(0, ((i * 7 + l * 3) % 50) - 1)),
    })),
  );
  const salesOrders = Array.from({ length: sizes.orders }, (_, i) => ({
    id: String(5000 + i),
    tranid: `SO${1000 + i}`,
    trandate: `12/${(i % 28) + 1}/2026`,
    ...(i % 4 === 3 ? {} : { email: `customer${i}@example.com` }),
    status: i % 2 === 0 ? 'Sales Order : Pending Fulfillment' : 'Sales Order : Billed',
  }));
  return { locations, items, balances, salesOrders };
}

/**
 * Which table a SuiteQL statement reads, by its first FROM (and for transactions, the type it
 * filters on): the fake answers only the preset's four queries.
 */
export function tableOf(q: string): keyof FakeNetsuiteData | undefined {
  const from = /\bFROM\s+([A-Za-z_]+)/i.exec(q)?.[1]?.toLowerCase();
  if (from === 'location') return 'locations';
  if (from === 'item') return 'items';
  if (from === 'inventorybalance') return 'balances';
  if (from === 'transaction' && /type\s*=\s*'SalesOrd'/i.test(q)) return 'salesOrders';
  return undefined;
}
